import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { consumerEnv, packedConsumer, PUBLIC_PACKAGES, REPO_ROOT } from '@wxhub/test-support';

// The published packages as a user gets them (see test/support/consumer.ts: built, packed, installed
// with npm from the tarballs outside the workspace), used through their public entries only: a
// TypeScript program compiled there and run, and the `wxhub` command through npx.

const run = promisify(execFile);
// Installing from the npm registry (undici, ioredis, mingo…) takes the longest; the budget is for a loaded machine.
jest.setTimeout(300_000);

/** The workspace's packages meant for users: every one whose package.json is not private. */
const PUBLIC = readdirSync(join(REPO_ROOT, 'packages'))
  .filter((name) => existsSync(join(REPO_ROOT, 'packages', name, 'package.json')))
  .filter((name) => (JSON.parse(readFileSync(join(REPO_ROOT, 'packages', name, 'package.json'), 'utf8')) as { private?: boolean }).private !== true)
  .sort();
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let consumer: string;

beforeAll(async () => {
  // What packedConsumer packs (test/support/consumer.ts) is every public package.
  expect([...PUBLIC_PACKAGES].sort()).toEqual(PUBLIC);
  consumer = await packedConsumer();
  // The program under test, written into the (cached) install each run: the install depends only on the tarballs.
  cpSync(join(__dirname, 'fixture', 'index.ts'), join(consumer, 'index.ts'));
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: false, types: ['node'], outDir: 'out' },
      files: ['index.ts'],
    }),
  );
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

  test('wxhub --version and --help load no command, no API client and no local cloud; a command loads its own module when it runs', async () => {
    // A preload that prints, at exit, every module the process loaded (relative to node_modules).
    const hook = join(consumer, 'loaded-modules.cjs');
    writeFileSync(
      hook,
      "process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache).map((f) => f.replace(/.*node_modules[\\/]/, '')))));",
    );
    const bin = join(consumer, 'node_modules', '@wxhub', 'cli', 'dist', 'main.js');
    const loaded = async (...args: string[]): Promise<string[]> => {
      const { stderr } = await run(process.execPath, ['-r', hook, bin, ...args], { cwd: consumer, env: consumerEnv() }).catch(
        (error: { stderr: string }) => error,
      );
      return JSON.parse(stderr.slice(stderr.indexOf('["'))) as string[];
    };
    const heavy = /-run\.js$|@wxhub\/(core|project-config|token-cache|wechat|cloud-http|local-cloud)\/|undici|wx-server-sdk/;
    for (const args of [['--version'], ['--help'], ['db', 'count', '--help']]) {
      const modules = await loaded(...args);
      expect(modules).toContain('@wxhub/cli/dist/cli.js');
      expect(modules.filter((module) => heavy.test(module))).toEqual([]);
    }
    // The same check sees what a command that runs loads: its module, then the configuration reader.
    const counting = await loaded('db', 'count', 'db.collection("a").count()', '--app', 'A');
    expect(counting).toEqual(expect.arrayContaining(['@wxhub/cli/dist/commands/db-run.js', '@wxhub/cli/dist/target.js']));
    expect(counting.filter((module) => /-run\.js$/.test(module))).toEqual(['@wxhub/cli/dist/commands/db-run.js']);
  });
});
