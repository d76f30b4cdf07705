/**
 * How many cases a property test runs: `defaultRuns` in the test command (enough to find what the
 * properties have found so far), or FUZZ_RUNS for a longer hunt (`FUZZ_RUNS=20000 npx jest fuzz`).
 * Its own module (`@wxhub/test-support/fuzz`) so that unit tests do not load the e2e helpers.
 */
export function fuzzRuns(defaultRuns: number): number {
  const asked = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(asked) && asked > 0 ? asked : defaultRuns;
}
