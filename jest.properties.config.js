/**
 * `npm run test:properties`: the property tests with every case
 * (SAPLINGS_PROPERTY_SCALE=1), the hunts of test/synth/properties*.test.ts
 * included, which `npm test` leaves to this run to stay within its budget.
 * @type {import('jest').Config}
 */
const unit = require('./jest.config');

module.exports = {
  ...unit,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/live/'],
};
