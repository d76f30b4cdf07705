import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './node-runtimes';

// The published packages as a user gets them: every package under packages/ is built (tsc -b),
// packed with `pnpm pack` (publishConfig turns exports/main/types/bin to dist/), installed with
// npm from the tarballs into a folder outside the workspace. Shared by the consumer test and
// the end-to-end test of `wxhub dev`.

const run = promisify(execFile);

export const PUBLIC_PACKAGES = [
  'baidu',
  'cli',
  'cloud-http',
  'core',
  'db-query-language',
  'function-kit',
  'local-cloud',
  'message-push',
  'project-config',
  'token-cache',
  'wechat',
  'wechat-crypto',
] as const;

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TYPES_NODE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).devDependencies['@types/node'] as string;
/**
 * Installed consumers, by the hash of the tarballs they were installed from. Identical tarballs
 * install identically, so a second run with unchanged packages reuses the install (npm still ran
 * once for exactly these bytes); any change to any package makes a new key and a fresh install.
 */
const CACHE = join(tmpdir(), 'wxhub-consumer-installs');

/**
 * The environment of a process in the consumer's folder: without NODE_PATH, which pnpm's bin
 * shims (jest's included) point into the workspace's node_modules/.pnpm, where every package of
 * the workspace would resolve, and without npm's workspace settings.
 */
export function consumerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'NODE_PATH' || key.startsWith('npm_') || key.startsWith('PNPM_')) delete env[key];
  return env;
}

/** pnpm as the test command runs it (npx -y pnpm@10 sets npm_execpath), else the one on PATH. */
function pnpm(args: string[], cwd: string) {
  const execpath = process.env.npm_execpath;
  return execpath && /pnpm/.test(execpath) ? run(process.execPath, [execpath, ...args], { cwd }) : run('pnpm', args, { cwd });
}

async function packAll(dir: string): Promise<Record<string, string>> {
  // Builds what changed. `pnpm test` builds the packages before jest starts (build:packages), so
  // that here it changes nothing: the suites that pack at once (the consumer test, wxhub dev's)
  // then only read dist/, and never pack a file the other's tsc is writing.
  await run(process.execPath, [TSC, '-b', 'tsconfig.build.json'], { cwd: REPO_ROOT });
  await pnpm(['-r', ...PUBLIC_PACKAGES.flatMap((name) => ['--filter', `./packages/${name}`]), 'pack', '--pack-destination', dir], REPO_ROOT);
  const tarballs: Record<string, string> = {};
  for (const name of PUBLIC_PACKAGES) {
    const file = readdirSync(dir).find((entry) => entry === `wxhub-${name}-0.1.0.tgz`);
    if (!file) throw new Error(`pnpm pack wrote no tarball for @wxhub/${name}`);
    tarballs[`@wxhub/${name}`] = join(dir, file);
  }
  return tarballs;
}

/** A fresh project depending on every tarball, installed with npm; reused only for identical tarballs. */
async function install(tarballs: Record<string, string>): Promise<string> {
  const hash = createHash('sha256');
  for (const [name, file] of Object.entries(tarballs)) hash.update(name).update(readFileSync(file));
  const done = join(CACHE, hash.digest('hex').slice(0, 24));
  if (existsSync(join(done, 'node_modules', '.package-lock.json'))) return done;
  mkdirSync(CACHE, { recursive: true });
  const dir = mkdtempSync(join(CACHE, 'installing-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'wxhub-consumer',
      private: true,
      // The tarballs name each other by version (0.1.0): the overrides make npm take those from the tarballs too.
      dependencies: Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
      overrides: Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
      devDependencies: { '@types/node': TYPES_NODE },
    }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, env: consumerEnv() });
  try {
    renameSync(dir, done);
  } catch (error) {
    // Another run installed the same tarballs first; its copy is as good as ours.
    if (!existsSync(done)) throw error;
    rmSync(dir, { recursive: true, force: true });
  }
  return done;
}

/** The folder of a user's project with every packed @wxhub package installed from its tarball. */
export async function packedConsumer(): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'wxhub-packs-'));
  try {
    return await install(await packAll(scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
