/**
 * `npm run test:live`: the generated Compose stacks, run on a real Docker
 * engine with locally built stand-in images (scripts/live/build-images.sh,
 * run once by the global setup). One stack per test file, the files in
 * parallel: bringing a stack up is mostly waiting for health checks, and each
 * stack has its own project name and free ports.
 * @type {import('jest').Config}
 */
const unit = require('./jest.config');

module.exports = {
  ...unit,
  roots: ['<rootDir>/test/live'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/live/global-setup.js',
  testTimeout: 420000,
};
