// Packages reached from Baileys 7 that ship only ES modules (found by their package.json "type": "module").
const ESM_ONLY_PACKAGES = [
  '@whiskeysockets/baileys',
  'whatsapp-rust-bridge',
  '@cacheable',
  '@keyv',
  'cacheable',
  'hashery',
  'hookified',
  'keyv',
  'qified',
  'lru-cache',
  'p-queue',
  'p-timeout',
  'music-metadata',
  '@tokenizer',
  '@borewit',
  'strtok3',
  'token-types',
  'file-type',
  'uint8array-extras',
  'win-guid',
  'media-typer',
];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: '<rootDir>/test/support/gateway-environment.ts',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // PostgreSQL and Redis on 127.0.0.1 when they answer (or TEST_POSTGRES_URL / TEST_REDIS_URL), else a
  // throwaway pair started for the run and removed after it.
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFiles: ['<rootDir>/test/support/quiet-signal-sessions.ts'],
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  transform: {
    '^.+\\.(ts|js|mjs)$': [
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
  // Baileys 7 and parts of its dependency tree ship only ES modules, and Jest's module system loads CommonJS:
  // swc compiles those packages to CommonJS like the project's own code (README, development notes).
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
  moduleNameMapper: {
    // exports only an `import` condition, which Jest's CommonJS resolver does not take
    '^whatsapp-rust-bridge$': '<rootDir>/node_modules/whatsapp-rust-bridge/dist/index.js',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 60000,
  maxWorkers: 2,
  // A fresh worker per test file: Baileys leaves query timers behind when a socket ends under them (they
  // fire up to 60 s later), and they must not land in whichever test file runs next in the same worker.
  workerIdleMemoryLimit: '1MB',
};
