import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Builds the named functions into the folder the local cloud runs them from; rejects with the build's message. */
export type FunctionBuilder = (names: readonly string[]) => Promise<void>;

export interface ChildProcessBuilderOptions {
  /** The ES module exporting `buildFunctions({root, outRoot, names})` (the repo's scripts/lib/build-functions.mjs). */
  readonly module: string;
  /** The project root whose `cloudfunctions/<name>/src/index.ts` are built. */
  readonly root: string;
  /** Where built functions go (`<outRoot>/<name>/index.js`). */
  readonly outRoot: string;
  /** The Node that runs the build; this process's by default. */
  readonly nodeBinary?: string;
}

/** Keeps a build error readable in one log line block without flooding it. */
const MAX_ERROR_CHARS = 4000;

/**
 * Runs the project's own build (the same esbuild step `pnpm build` runs) in a child process, so
 * the dev server needs no ESM loader and a crashing build cannot take it down. It builds into a
 * staging folder and moves the results into `outRoot` only when every function built: a failed
 * build leaves the previous bundles in place, so new instances keep starting.
 */
export function childProcessBuilder(options: ChildProcessBuilderOptions): FunctionBuilder {
  const build = spawnBuild(options);
  return async (names) => {
    await mkdir(options.outRoot, { recursive: true });
    const staging = await mkdtemp(path.join(options.outRoot, '.staging-'));
    try {
      await build(staging, names);
      for (const name of names) {
        const built = path.join(staging, name);
        if (!existsSync(built)) continue;
        const target = path.join(options.outRoot, name);
        await rm(target, { recursive: true, force: true });
        await rename(built, target);
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  };
}

function spawnBuild(options: ChildProcessBuilderOptions): (outRoot: string, names: readonly string[]) => Promise<void> {
  const script = `
const [moduleUrl, json] = process.argv.slice(1);
const { buildFunctions } = await import(moduleUrl);
try {
  await buildFunctions(JSON.parse(json));
} catch (error) {
  process.stderr.write(String(error && error.message ? error.message : error));
  process.exitCode = 1;
}`;
  return (outRoot, names) =>
    new Promise<void>((resolve, reject) => {
      const args = JSON.stringify({ root: options.root, outRoot, names: [...names] });
      const child = spawn(options.nodeBinary ?? process.execPath, ['--input-type=module', '-e', script, pathToFileURL(options.module).href, args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        if (stderr.length < MAX_ERROR_CHARS) stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new Error(stderr.trim().slice(0, MAX_ERROR_CHARS) || `the build exited with code ${code}`));
      });
    });
}
