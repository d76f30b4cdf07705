import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@wxhub/test-support';

// The published packages as a user gets them: every package under packages/ is built (tsc -b),
// packed with `pnpm pack` (publishConfig turns exports/main/types/bin to dist/), installed with
// npm from the tarballs into a folder outside the workspace, and used through its public entries
// only: a TypeScript program compiled there and run, and the `wxhub` command through npx.

const run = promisify(execFile);
// Installing from the npm registry (undici, ioredis, mingo…) takes the longest; the budget is for a loaded machine.
jest.setTimeout(300_000);

const PUBLIC = [
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
];
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TYPES_NODE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).devDependencies['@types/node'] as string;
/**
 * Installed consumers, by the hash of the tarballs they were installed from. Identical tarballs
 * install identically, so a second run with unchanged packages reuses the install (npm still ran
 * once for exactly these bytes); any change to any package makes a new key and a fresh install.
 */
const CACHE = join(tmpdir(), 'wxhub-consumer-installs');

let consumer: string;
let scratch: string;

/**
 * The environment of a process in the consumer's folder: without NODE_PATH, which pnpm's bin
 * shims (jest's included) point into the workspace's node_modules/.pnpm, where every package of
 * the workspace would resolve, and without npm's workspace settings.
 */
function consumerEnv(): NodeJS.ProcessEnv {
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
  await run(process.execPath, [TSC, '-b', 'tsconfig.build.json'], { cwd: REPO_ROOT });
  await pnpm(['-r', ...PUBLIC.flatMap((name) => ['--filter', `./packages/${name}`]), 'pack', '--pack-destination', dir], REPO_ROOT);
  const tarballs: Record<string, string> = {};
  for (const name of PUBLIC) {
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
  hash.update(readFileSync(join(__dirname, 'fixture', 'index.ts')));
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
  cpSync(join(__dirname, 'fixture', 'index.ts'), join(dir, 'index.ts'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: false, types: ['node'], outDir: 'out' },
      files: ['index.ts'],
    }),
  );
  try {
    renameSync(dir, done);
  } catch (error) {
    // Another run installed the same tarballs first; its copy is as good as ours.
    if (!existsSync(done)) throw error;
    rmSync(dir, { recursive: true, force: true });
  }
  return done;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'wxhub-packs-'));
  consumer = await install(await packAll(scratch));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed packages, installed with npm outside the workspace', () => {
  test('ship only dist/ and resolve every entry to compiled JavaScript with types', () => {
    for (const name of PUBLIC) {
      const root = join(consumer, 'node_modules', '@wxhub', name);
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(manifest).toMatchObject({ main: 'dist/index.js', types: 'dist/index.d.ts', license: 'MIT' });
      expect(manifest.private).toBeUndefined();
      expect(
        readdirSync(root)
          .filter((entry) => entry !== 'node_modules')
          .sort(),
      ).toEqual(['LICENSE', 'dist', 'package.json']);
      expect(existsSync(join(root, 'src'))).toBe(false);
      expect(JSON.stringify(manifest.dependencies ?? {})).not.toContain('workspace:');
    }
    // better-sqlite3 (a native addon) is an optional peer: installed only by those who want --data.
    expect(existsSync(join(consumer, 'node_modules', 'better-sqlite3'))).toBe(false);
    expect(existsSync(join(consumer, 'node_modules', 'tsx'))).toBe(false);
  });

  test('a TypeScript program compiles against their types and runs', async () => {
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: consumer, env: consumerEnv() });
    const { stdout } = await run(process.execPath, [join('out', 'index.js')], { cwd: consumer, env: consumerEnv() });
    expect(stdout.trim().split('\n')).toEqual([
      'token-cache {"tokens":["token-1","token-1","token-1"],"fetches":1}',
      'cloud-http {"ids":["o1","o2"],"over10":[{"_id":"o1","total":12}]}',
      'issued 1',
      'dataDir "needs better-sqlite3"',
      'entries {"router":"function","push":"function","reply":{"errcode":0,"errmsg":"success","data":{"n":1}}}',
    ]);
  });

  test('npx wxhub runs the compiled CLI: --version, --help, and --json output with nothing else on stdout', async () => {
    const version = await run('npx', ['--no-install', 'wxhub', '--version'], { cwd: consumer, env: consumerEnv() });
    expect(version.stdout).toBe('0.1.0\n');
    const help = await run('npx', ['--no-install', 'wxhub', '--help'], { cwd: consumer, env: consumerEnv() });
    expect(help.stdout).toMatch(/^usage: wxhub <command>/m);
    expect(help.stdout).toContain('  db query ');
    const usage = await run('npx', ['--no-install', 'wxhub', 'db', 'count', '--json', '--app', 'A'], { cwd: consumer, env: consumerEnv() }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({ error: { kind: 'usage', message: 'missing the query' } });
  });
});
