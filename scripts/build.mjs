// `pnpm build`: bundles every cloud function for upload and points project.config.json at them.
// Flags: --minify, --sourcemap, and function names to build only those.
import path from 'node:path';
import { buildFunctions, formatSize, REPO_ROOT, writeProjectConfig } from './lib/build-functions.mjs';
import { buildConsole } from './lib/build-console.mjs';

const args = process.argv.slice(2);
const names = args.filter((arg) => !arg.startsWith('--'));

try {
  const built = await buildFunctions({
    names: names.length > 0 ? names : undefined,
    minify: args.includes('--minify'),
    sourcemap: args.includes('--sourcemap'),
  });
  for (const fn of built) {
    console.log(`${fn.name.padEnd(24)} ${path.relative(REPO_ROOT, fn.outFile).padEnd(48)} ${formatSize(fn.bytes)}`);
  }
  if (built.length === 0) console.log('no cloud function to build (cloudfunctions/*/src/index.ts)');
  console.log(`wrote ${path.relative(REPO_ROOT, await writeProjectConfig())}`);
  if (names.length === 0) {
    for (const out of await buildConsole()) console.log(`${'console'.padEnd(24)} ${path.relative(REPO_ROOT, out.file).padEnd(48)} ${formatSize(out.bytes)}`);
  }
} catch (error) {
  console.error(`BUILD FAILED: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
