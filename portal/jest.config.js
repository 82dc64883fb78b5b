/**
 * `npm test -w portal`: unit specs of plain TypeScript (src/**\/*.spec.ts, e.g. the
 * formatters) and the end-to-end suite (e2e/*.spec.ts): Debian's Chromium driven by
 * playwright-core against the real appliance each e2e file boots on a shared capture.
 * One worker: the appliance, Chromium and the build share two cores with the rest of CI.
 */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/e2e/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  // Booting the appliance and replaying a capture takes seconds.
  testTimeout: 120_000,
  maxWorkers: 1,
};
