// Lint rules for the gateway, its tests, scripts and benchmarks. Formatting is Prettier's job
// (.prettierrc.json); the rules here are the ones that catch defects, not style.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Generated (Prisma client) and build output are not ours to lint.
    ignores: ['src/generated/**', 'dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'bench/results/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  js.configs.recommended,

  // TypeScript: the type-aware recommended set, so promises nobody awaits are found.
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // An async method without `await` is how a Nest hook or a port method returns a promise and turns a
      // throw into a rejection; a forgotten `await` is what no-floating-promises catches.
      '@typescript-eslint/require-await': 'off',
      // `== null` is the one loose comparison allowed: it means "null or undefined" on purpose.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // The control characters in our regular expressions are there on purpose: they find and strip
      // what cannot be stored or put in a header.
      'no-control-regex': 'off',
      'no-console': 'error',
    },
  },

  // Tests read HTTP and JSON bodies, which are `any` by design (supertest, JSON.parse); checking every
  // member access on them would only add casts. The rest of the type-aware set still applies.
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Plain JavaScript (CommonJS scripts and config files) has no type information to lint with.
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-control-regex': 'off',
    },
  },
  // The dashboard's browser code: ES modules loaded by the page itself (dashboard/, see docs/dashboard.md).
  {
    files: ['dashboard/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
    rules: { 'no-console': ['error', { allow: ['warn'] }] },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },

  // Command-line programs, scripts, benchmarks and the example receiver talk to a terminal.
  {
    files: ['src/cli/**', 'src/simulator/cli/**', 'scripts/**', 'bench/**', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
);
