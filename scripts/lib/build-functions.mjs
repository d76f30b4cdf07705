// Bundles each cloud function into the folder WeChat's devtools upload: one CommonJS file that
// runs on the oldest runtime we deploy to (Nodejs16.13), with wx-server-sdk left out because the
// cloud installs it ("remote npm install") from the package.json written beside the bundle.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FUNCTION_TARGET = 'node16.13';
/** Installed by the cloud, never bundled. */
export const CLOUD_DEPENDENCIES = ['wx-server-sdk'];

/**
 * @typedef {object} BuiltFunction
 * @property {string} name
 * @property {string} outDir  folder to upload (index.js, package.json, config.json)
 * @property {string} outFile the bundle
 * @property {number} bytes   size of the bundle
 */

/**
 * Builds every `cloudfunctions/<name>/src/index.ts` (or only `names`) into
 * `<outRoot>/<name>/`. Throws on the first function that fails, naming it.
 * @param {{root?: string, outRoot?: string, names?: string[], minify?: boolean, sourcemap?: boolean}} [options]
 * @returns {Promise<BuiltFunction[]>}
 */
export async function buildFunctions(options = {}) {
  const root = options.root ?? REPO_ROOT;
  const outRoot = options.outRoot ?? path.join(root, 'build', 'cloudfunctions');
  const names = options.names ?? (await functionNames(root));
  const built = [];
  for (const name of names) {
    try {
      built.push(await buildFunction(root, outRoot, name, options));
    } catch (error) {
      throw new Error(`cloud function ${name}: build failed: ${error instanceof Error ? error.message : error}`, {
        cause: error,
      });
    }
  }
  return built;
}

/** The folders under cloudfunctions/ that have a src/index.ts, sorted. */
export async function functionNames(root = REPO_ROOT) {
  const dir = path.join(root, 'cloudfunctions');
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'src', 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * @param {string} root
 * @param {string} outRoot
 * @param {string} name
 * @param {{minify?: boolean, sourcemap?: boolean}} options
 * @returns {Promise<BuiltFunction>}
 */
async function buildFunction(root, outRoot, name, options) {
  const srcDir = path.join(root, 'cloudfunctions', name);
  const outDir = path.join(outRoot, name);
  const outFile = path.join(outDir, 'index.js');
  const manifest = JSON.parse(await readFile(path.join(srcDir, 'package.json'), 'utf8'));
  const dependencies = cloudDependencies(manifest);

  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [path.join(srcDir, 'src', 'index.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: FUNCTION_TARGET,
    external: CLOUD_DEPENDENCIES,
    // Not minified by default: WeChat's cloud log shows raw stack traces (no source maps), so
    // readable lines and function names are worth more than the bytes (about 0.7 vs 0.4 MB).
    minify: options.minify ?? false,
    keepNames: options.minify ?? false,
    sourcemap: options.sourcemap ? 'linked' : false,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  for (const warning of result.warnings) {
    const text = await esbuild.formatMessages([warning], { kind: 'warning' });
    process.stderr.write(`[build ${name}] ${text.join('')}`);
  }

  await writeFile(
    path.join(outDir, 'package.json'),
    `${JSON.stringify({ name, version: manifest.version ?? '0.0.0', main: 'index.js', dependencies }, null, 2)}\n`,
  );
  const config = path.join(srcDir, 'config.json');
  if (existsSync(config)) await copyFile(config, path.join(outDir, 'config.json'));
  return { name, outDir, outFile, bytes: (await stat(outFile)).size };
}

/**
 * The dependencies the cloud installs; each must be pinned, or two deploys can differ.
 * @param {{dependencies?: Record<string, string>}} manifest
 * @returns {Record<string, string>}
 */
function cloudDependencies(manifest) {
  /** @type {Record<string, string>} */
  const dependencies = {};
  for (const dependency of CLOUD_DEPENDENCIES) {
    const version = manifest.dependencies?.[dependency];
    if (version === undefined) continue;
    if (!/^\d+\.\d+\.\d+$/.test(version)) {
      throw new Error(`${dependency} must be pinned to an exact version in package.json (found "${version}")`);
    }
    dependencies[dependency] = version;
  }
  return dependencies;
}

/**
 * Points WeChat's devtools at the built functions and the mini program; any other field a
 * developer set (appid, setting, ...) is kept.
 * @returns {Promise<string>} the file written
 */
export async function writeProjectConfig(root = REPO_ROOT) {
  const file = path.join(root, 'project.config.json');
  const current = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : { compileType: 'miniprogram' };
  const next = { ...current, cloudfunctionRoot: 'build/cloudfunctions/', miniprogramRoot: 'miniprogram/' };
  const text = `${JSON.stringify(next, null, 2)}\n`;
  if (!existsSync(file) || (await readFile(file, 'utf8')) !== text) await writeFile(file, text);
  return file;
}

/** @param {number} bytes */
export function formatSize(bytes) {
  return `${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB)`;
}
