// @ts-check
'use strict';
/*
 * `npm run lint`: ESLint's and typescript-eslint's recommended rules, plus a
 * few that catch real mistakes here. Flat config:
 * https://eslint.org/docs/latest/use/configure/configuration-files
 * https://typescript-eslint.io/getting-started/
 */
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = tseslint.config(
  {
    // Build output, and the code `cdk8s import` generates (never edited by hand).
    // src/config/types.ts is generated from the schema (scripts/gen-config-types.js).
    ignores: ['lib/**', 'imports/**', 'node_modules/**', 'coverage/**', 'docs/api/**', 'src/config/types.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are kept for their position; a key destructured beside `...rest` is left out of it on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Input hygiene matches control characters on purpose (image references, YAML scalars, diagram labels).
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // Tests dig into synthesized JSON, and require modules late to see what a require loads.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain Node scripts (bin, build scripts, benchmarks, configs, test helpers): CommonJS.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
