import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

interface Manifest {
  readonly name?: unknown;
  readonly dependencies?: unknown;
}

function readManifest(dir: string): Manifest | undefined {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

function dependencyNames(manifest: Manifest | undefined): string[] {
  const deps = manifest?.dependencies;
  return typeof deps === 'object' && deps !== null ? Object.keys(deps) : [];
}

/**
 * Which workspace packages (folder names under `packages/`) each function bundles: the
 * `dependencies` of its package.json that are workspace packages, and theirs, transitively. A
 * change in one of those packages' sources changes that function's bundle; a change elsewhere
 * (the local cloud itself, say) does not.
 */
export function workspaceDependencies(root: string, functions: readonly string[]): Map<string, Set<string>> {
  const packagesDir = path.join(root, 'packages');
  const byName = new Map<string, { dir: string; deps: string[] }>();
  if (existsSync(packagesDir)) {
    for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const manifest = readManifest(path.join(packagesDir, entry.name));
      if (typeof manifest?.name === 'string') byName.set(manifest.name, { dir: entry.name, deps: dependencyNames(manifest) });
    }
  }
  const result = new Map<string, Set<string>>();
  for (const fn of functions) {
    const used = new Set<string>();
    const pending = dependencyNames(readManifest(path.join(root, 'cloudfunctions', fn)));
    for (let dep = pending.pop(); dep !== undefined; dep = pending.pop()) {
      const pkg = byName.get(dep);
      if (!pkg || used.has(pkg.dir)) continue;
      used.add(pkg.dir);
      pending.push(...pkg.deps);
    }
    result.set(fn, used);
  }
  return result;
}
