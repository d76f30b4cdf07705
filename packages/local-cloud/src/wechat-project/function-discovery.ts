import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '@wxhub/core';

/** One cloud function folder of a project: `<cloudfunctionRoot>/<name>/`. */
export interface ProjectFunction {
  readonly name: string;
  readonly dir: string;
  /** The module SCF loads: package.json's `main`, else index.js. */
  readonly entry: string;
  /** package.json's `dependencies` (none without a package.json). */
  readonly dependencies: Readonly<Record<string, string>>;
}

/** WeChat: a function name is letters, digits, - and _, starting with a letter, at most 60 characters. */
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

/**
 * Every function folder under the project's cloudfunctionRoot: a folder with an index.js (or the
 * `main` its package.json names). Folders without one (node_modules, a shared `common/` folder)
 * are not functions and are skipped, as devtools does; a folder whose name WeChat would refuse
 * is an error naming it.
 */
export function discoverFunctions(functionsRoot: string): ProjectFunction[] {
  const functions: ProjectFunction[] = [];
  for (const entry of readdirSync(functionsRoot, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const dir = path.join(functionsRoot, entry.name);
    const manifest = readManifest(dir);
    const main = typeof manifest?.main === 'string' && manifest.main !== '' ? manifest.main : 'index.js';
    const entryFile = path.resolve(dir, main);
    if (!existsSync(entryFile) && !existsSync(`${entryFile}.js`)) continue;
    if (!FUNCTION_NAME.test(entry.name)) throw new ConfigError(dir, 'is not a valid cloud function name (letters, digits, - and _, starting with a letter)');
    functions.push({ name: entry.name, dir, entry: existsSync(entryFile) ? entryFile : `${entryFile}.js`, dependencies: dependenciesOf(manifest, dir) });
  }
  return functions.sort((a, b) => a.name.localeCompare(b.name));
}

function readManifest(dir: string): Record<string, unknown> | undefined {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch (error) {
    throw new ConfigError(file, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function dependenciesOf(manifest: Record<string, unknown> | undefined, dir: string): Record<string, string> {
  const deps = manifest?.dependencies;
  if (deps === undefined) return {};
  if (typeof deps !== 'object' || deps === null || !Object.values(deps).every((v) => typeof v === 'string')) {
    throw new ConfigError(`${path.join(dir, 'package.json')} dependencies`, 'must map package names to versions');
  }
  return { ...(deps as Record<string, string>) };
}
