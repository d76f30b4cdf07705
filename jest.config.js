/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/cloudfunctions', '<rootDir>/test', '<rootDir>/miniprogram'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  // Type errors are caught once by `pnpm typecheck`; ts-jest only strips types here.
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  // Two workers on the two cores the test command is budgeted for (jest's default is cores - 1 =
  // one): most suites wait on child processes and sockets, so two halve the wall time.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  // The slow suites first also on a run without cached durations (a fresh clone, CI).
  testSequencer: '<rootDir>/scripts/jest-sequencer.js',
};
