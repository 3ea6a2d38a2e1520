/**
 * `npm run test:e2e`: end-to-end suites that need real processes of the built
 * CLI (worker threads, concurrent runs, locks), too slow for `npm test`.
 * @type {import('jest').Config}
 */
const unit = require('./jest.config');

module.exports = {
  ...unit,
  roots: ['<rootDir>/test/e2e'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
};
