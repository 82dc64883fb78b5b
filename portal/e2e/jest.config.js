/**
 * End-to-end tests: Debian's Chromium driven by playwright-core against the real
 * appliance, which each spec file boots on a shared capture (see e2e/appliance.ts).
 * One worker: the appliance, Chromium and ng build share two cores with the rest of CI.
 */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  // Booting the appliance and replaying a capture takes seconds, not milliseconds.
  testTimeout: 120_000,
  maxWorkers: 1,
  passWithNoTests: true,
};
