/**
 * `npm test`: unit and in-process CLI tests. The slow end-to-end suites in
 * test/e2e/ run with `npm run test:e2e` (jest.e2e.config.js).
 * @type {import('jest').Config}
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
  // A few tests spawn the built CLI; `npm test` builds first.
  testTimeout: 60000,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: false }],
  },
};
