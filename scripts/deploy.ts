/**
 * One command to deploy: `pnpm wxdeploy [--dry-run] ...` builds, then uploads the built
 * cloud functions (or, with `upload`, the mini program) with miniprogram-ci. `--help` for usage.
 */
import { join } from 'node:path';
import { runDeploy } from './lib/deploy/cli';

runDeploy(process.argv.slice(2), {
  root: join(__dirname, '..'),
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
