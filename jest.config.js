/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: '<rootDir>/test/support/gateway-environment.ts',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // PostgreSQL and Redis on 127.0.0.1 when they answer (or TEST_POSTGRES_URL / TEST_REDIS_URL), else a
  // throwaway pair started for the run and removed after it.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  maxWorkers: 2,
  // A fresh worker per test file: Baileys leaves query timers behind when a socket ends under them (they
  // fire up to 60 s later), and they must not land in whichever test file runs next in the same worker.
  workerIdleMemoryLimit: '1MB',
};
