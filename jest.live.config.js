/**
 * `npm run test:live`: the generated Compose stacks, run on a real Docker
 * engine with locally built stand-in images (scripts/live/build-images.sh).
 * One stack at a time: the machine has few cores, and each stack publishes ports.
 * @type {import('jest').Config}
 */
const unit = require('./jest.config');

module.exports = {
  ...unit,
  roots: ['<rootDir>/test/live'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 420000,
};
