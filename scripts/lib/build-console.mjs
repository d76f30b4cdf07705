// The local cloud's console (packages/local-cloud/console-ui): one esbuild bundle, Preact and htm
// inside it, written into the package's dist/console/ where the local cloud serves it at /console.
// Nothing is fetched at run time: the console works offline.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './build-functions.mjs';

export const CONSOLE_SOURCE = path.join(REPO_ROOT, 'packages', 'local-cloud', 'console-ui', 'src', 'main.ts');
export const CONSOLE_OUT_DIR = path.join(REPO_ROOT, 'packages', 'local-cloud', 'dist', 'console');

/** Builds the console; returns the files written with their sizes. */
export async function buildConsole({ minify = true } = {}) {
  await build({
    entryPoints: [CONSOLE_SOURCE],
    bundle: true,
    minify,
    format: 'iife',
    target: ['es2020'],
    outfile: path.join(CONSOLE_OUT_DIR, 'console.js'),
    legalComments: 'none',
    logLevel: 'silent',
  });
  const files = ['console.js', 'console.css'].map((name) => path.join(CONSOLE_OUT_DIR, name));
  return Promise.all(files.map(async (file) => ({ file, bytes: (await stat(file)).size })));
}
