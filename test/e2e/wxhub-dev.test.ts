import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { consumerEnv, packedConsumer, REPO_ROOT, testedNodeRuntimes } from '@wxhub/test-support';

// A team's own WeChat devtools project (examples/shop-project: plain JavaScript functions with
// their own package.json), copied to a temporary folder and run with `wxhub dev` from the packed
// CLI, as a subprocess; its functions are called as users call them (the client-call endpoint and
// `wxhub call`), and the effects checked in the database, in storage, of the timer, and in the log.
// On WeChat's two runtimes (16.13 and 18.15, through `--node`): the functions of a team's project
// run on the Node WeChat gives them (the local Node is local-cloud's runtime tests' concern).

const run = promisify(execFile);
// The first run installs each function's dependencies from the npm registry (npm's cache helps).
jest.setTimeout(600_000);

const SAMPLE = join(REPO_ROOT, 'examples', 'shop-project');
const FUNCTIONS = join(SAMPLE, 'cloudfunctions');
/**
 * The sample's functions' node_modules as `wxhub dev` installed them, by the hash of their
 * package.json files: the first run installs (wxhub dev's own install, from the registry), later
 * runs link the same install in, as a team's checkout that has its dependencies does. Installing
 * itself, its cache and its failures are tested against a fake registry in
 * packages/local-cloud/test/wechat-project.test.ts.
 */
const INSTALLS = join(tmpdir(), 'wxhub-shop-installs');
function installKey(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(FUNCTIONS).sort()) {
    const manifest = join(FUNCTIONS, name, 'package.json');
    if (existsSync(manifest)) hash.update(name).update(readFileSync(manifest));
  }
  return join(INSTALLS, hash.digest('hex').slice(0, 24));
}
const functionNames = () => readdirSync(FUNCTIONS).filter((name) => existsSync(join(FUNCTIONS, name, 'package.json')));
/** Whether every dependency of function `name` is installed in the project copy. */
function installedIn(projectDir: string, name: string): boolean {
  const { dependencies = {} } = JSON.parse(readFileSync(join(FUNCTIONS, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(dependencies).every((dependency) => existsSync(join(projectDir, 'cloudfunctions', name, 'node_modules', dependency, 'package.json')));
}

/** The `wxhub ...` lines of the README's "Use it on your own project" block of commands for another terminal. */
function readmeExamples(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Use it on your own project'), readme.indexOf("### This repository's project"));
  const block = /From another terminal[\s\S]*?```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.startsWith('wxhub '));
}
const APPID = 'wx5e1f0000000a0001';

let consumer: string;
let project: string;

interface Dev {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves once stdout has (or had) a line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  readonly exited: Promise<number | null>;
}

/**
 * `wxhub dev <project>` from the packed CLI (the `wxhub` bin npm installed, run by this Node so
 * that SIGINT reaches it, not an npx in between), up once it prints `ready:`.
 */
async function startDev(extra: readonly string[]): Promise<Dev> {
  const bin = realpathSync(join(consumer, 'node_modules', '.bin', 'wxhub'));
  const child = spawn(process.execPath, [bin, 'dev', project, '--port', '0', ...extra], {
    cwd: consumer,
    env: consumerEnv(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  // Lines already printed count too: the line of a call may arrive before its answer does.
  const waitFor = (pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return resolve(seen);
      void exited.then((code) => reject(new Error(`wxhub dev exited (${code}) before printing ${pattern}:\n${lines.join('\n')}`)));
      waiters.push({ pattern, resolve });
    });
  await waitFor(/^ready: /);
  const url = /export WXHUB_LOCAL_CLOUD=(\S+)/.exec(lines.join('\n'))?.[1];
  if (!url) throw new Error(`no WXHUB_LOCAL_CLOUD in:\n${lines.join('\n')}`);
  return { child, url, lines, waitFor, exited };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function get(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(url)).json()) as Record<string, unknown>;
}

/** Whether this run linked an earlier run's install in (else wxhub dev installs, and afterAll keeps what it installed). */
let linked = false;

beforeAll(async () => {
  consumer = await packedConsumer();
  project = mkdtempSync(join(tmpdir(), 'wxhub-shop-'));
  cpSync(SAMPLE, project, { recursive: true, filter: (source) => !source.includes('node_modules') });
  const installed = installKey();
  if (existsSync(installed)) {
    for (const name of functionNames()) symlinkSync(join(installed, name), join(project, 'cloudfunctions', name, 'node_modules'), 'dir');
    linked = true;
  }
});

afterAll(() => {
  if (!project) return;
  const installed = installKey();
  if (!linked && !existsSync(installed) && functionNames().every((name) => installedIn(project, name))) {
    // Moved whole into place (one rename), so a half-kept install is never linked in.
    mkdirSync(INSTALLS, { recursive: true });
    const staging = mkdtempSync(join(INSTALLS, 'keeping-'));
    for (const name of functionNames()) renameSync(join(project, 'cloudfunctions', name, 'node_modules'), join(staging, name));
    try {
      renameSync(staging, installed);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another run kept the same install first
    }
  }
  rmSync(project, { recursive: true, force: true });
});

describe.each(testedNodeRuntimes().filter(({ version }) => /^(16|18)\./.test(version)))(
  'wxhub dev on a copy of examples/shop-project, functions on Node $version',
  ({ version, binary }) => {
    let dev: Dev;

    beforeAll(async () => {
      dev = await startDev(['--node', binary]);
    });

    afterAll(async () => {
      if (!dev) return;
      dev.child.kill('SIGINT');
      expect(await dev.exited).toBe(0);
    });

    it('prints the app, the env id named in the code, the functions with the timer, and the export block', () => {
      const text = dev.lines.join('\n');
      expect(text).toContain(`app shop (${APPID}) from ${project}`);
      expect(text).toContain('env prod-1a2b (named in the code)');
      expect(text).toMatch(/function dailyReport {2}timer nightly "0 0 2 \* \* \* \*"/);
      expect(text).toContain("export TCB_ENV='prod-1a2b'");
      expect(text).not.toContain('DEPENDENCIES NOT INSTALLED');
    });

    it('answers a user call through the client-call endpoint: database, callFunction, openapi, and the log line', async () => {
      const openid = `oShopUser${version.replace(/\./g, '')}`;
      const reply = await post(`${dev.url}/client/callFunction`, { appid: APPID, name: 'addOrder', data: { item: 'tea', quantity: 2 }, openid });
      expect(reply.status).toBe(200);
      const result = reply.body.result as { orderId: string; total: number; notified: boolean };
      expect(result).toMatchObject({ total: 2400, notified: true });

      const orders = (await get(`${dev.url}/admin/collection?env=prod-1a2b&name=orders&limit=1000`)) as { documents: Array<Record<string, unknown>> };
      expect(orders.documents.find((doc) => doc._id === result.orderId)).toMatchObject({ _openid: openid, item: 'tea', total: 2400, shop: '示例小店' });
      const notes = (await get(`${dev.url}/admin/collection?env=prod-1a2b&name=notifications&limit=1000`)) as { documents: Array<Record<string, unknown>> };
      expect(notes.documents.find((doc) => doc.orderId === result.orderId)).toMatchObject({ errCode: 0 });

      // One line per invocation (openid masked), its console output indented under it.
      const line = await dev.waitFor(/ shop {2}addOrder {2}/);
      expect(line).toMatch(/^\d\d:\d\d:\d\d {2}shop {2}addOrder {2}oSh\*\*\*\d\d {2}\d+\.\d ms {2}(warm|cold) {2}errcode 0$/);
      expect(line).not.toContain(openid);
      await dev.waitFor(/^ {4}order from oShopUser\d+ tea x 2 = 2400$/);
    });

    it('fires the timer trigger, whose function uploads to storage', async () => {
      const fired = await post(`${dev.url}/admin/triggers/fire`, { env: 'prod-1a2b', name: 'dailyReport' });
      expect(fired.status).toBe(200);
      const run = (fired.body.run ?? fired.body) as { ok: boolean; result: { fileID: string; orders: number } };
      expect(run.ok).toBe(true);
      expect(run.result.fileID).toMatch(/^cloud:\/\/prod-1a2b\.[0-9a-f]+-prod-1a2b\/reports\/daily\.json$/);
      const logs = (await get(`${dev.url}/admin/logs?env=prod-1a2b&name=dailyReport`)) as { logs: Array<{ message: string }> };
      const report = logs.logs
        .map((entry) => /^report \S+ (.*)$/.exec(entry.message)?.[1])
        .filter(Boolean)
        .pop();
      expect(JSON.parse(report as string)).toEqual({ trigger: 'nightly', orders: run.result.orders });
      expect(run.result.orders).toBeGreaterThanOrEqual(1);
    });

    it('wxhub call runs a function as a user, with the event from a file, against WXHUB_LOCAL_CLOUD', async () => {
      const eventFile = join(project, 'event.json');
      writeFileSync(eventFile, JSON.stringify({ item: 'cake', quantity: 1 }));
      const { stdout } = await run(
        'npx',
        ['--no-install', 'wxhub', 'call', 'addOrder', '--file', eventFile, '--app', 'shop', '--openid', 'oFileUser01', '--json'],
        {
          cwd: consumer,
          env: { ...consumerEnv(), WXHUB_LOCAL_CLOUD: dev.url },
        },
      );
      expect(JSON.parse(stdout)).toMatchObject({ result: { total: 2500, notified: true } });
    });

    it("runs the README's examples as written", async () => {
      const examples = readmeExamples();
      expect(examples.length).toBeGreaterThanOrEqual(4);
      writeFileSync(join(project, 'event.json'), JSON.stringify({ item: 'tea', quantity: 1 }));
      const bin = realpathSync(join(consumer, 'node_modules', '.bin', 'wxhub'));
      for (const example of examples) {
        // The line as a shell runs it, `wxhub` being the installed CLI.
        const { stdout } = await run('bash', ['-c', `wxhub() { ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} "$@"; }; ${example}`], {
          cwd: project,
          env: { ...consumerEnv(), WXHUB_LOCAL_CLOUD: dev.url },
        });
        expect(stdout.length).toBeGreaterThan(0);
      }
    });
  },
);
