/**
 * `npm test`: unit and in-process CLI tests. The slow end-to-end suites in
 * test/e2e/ run with `npm run test:e2e` (jest.e2e.config.js), the live
 * stacks in test/live/ with `npm run test:live` (jest.live.config.js), and the
 * property hunts with `npm run test:properties` (jest.properties.config.js).
 * @type {import('jest').Config}
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The property hunts (test/synth/properties*.test.ts) run in `npm run test:properties`
  // (jest.properties.config.js), which CI runs with every case: they are npm test's slowest suites.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/live/', '<rootDir>/test/synth/properties'],
  // The development machines and CI have 2 cores; jest's default (cores - 1) leaves one idle.
  maxWorkers: 2,
  // A few tests spawn the built CLI; `npm test` builds first. The timeout is for a shared, busy machine.
  testTimeout: 60000,
  // A temp dir per run, removed at the end; the run fails if a test left anything in it.
  globalSetup: '<rootDir>/test/helpers/temp-dir-setup.js',
  globalTeardown: '<rootDir>/test/helpers/temp-dir-teardown.js',
  transform: {
    // Transpile only: `npm run typecheck` (tsc -p tsconfig.test.json) type-checks src and the tests
    // once, where ts-jest would type-check each test file and all it imports again in every worker.
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }],
  },
};
