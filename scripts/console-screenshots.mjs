// `pnpm console:screenshots`: a screenshot of each view of the local cloud console, taken by the
// console's browser test itself (test/e2e/console.test.ts) in the same chromium run that checks
// it, after the demo flow, into docs/console/ (the README shows them). Needs `pnpm build` first
// (the package script runs it).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './lib/build-functions.mjs';

const outDir = path.join(REPO_ROOT, 'docs', 'console', 'screenshots');
const jest = path.join(REPO_ROOT, 'node_modules', '.bin', 'jest');
const run = spawnSync(jest, ['test/e2e/console.test.ts', '--maxWorkers=1'], {
  cwd: REPO_ROOT,
  stdio: 'inherit',
  env: { ...process.env, WXHUB_CONSOLE_SCREENSHOTS: outDir },
});
if (run.status !== 0) {
  console.error('the console test failed: screenshots may be missing or stale');
  process.exit(run.status ?? 1);
}
console.log(`screenshots in ${path.relative(REPO_ROOT, outDir)}/: database, storage, functions, timers, tokens, faults (.png)`);
