import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DEV_PORT, LocalCloud } from '@wxhub/local-cloud';
import { loadProjectConfig, localSecretsEnv } from '@wxhub/project-config';
import { DEFAULT_LOCAL_CLOUD_PORT, runCli } from '../src';

// The `wxhub` command against an in-process local cloud on a free port: output, --json, exit
// codes, --help. Commands run in-process through runCli with captured streams (what main.ts
// passes is the process's own); a few run as a real process through the workspace's bin, to
// check what only a process shows (exit status, stdin, nothing else on stdout).

const REPO = join(__dirname, '..', '..', '..');
const BIN = join(REPO, 'packages', 'cli', 'bin', 'wxhub.cjs');
const FUNCTIONS = join(REPO, 'packages', 'cloud-http', 'test', 'fixtures', 'functions');

const CONFIG = {
  apps: {
    A: { appid: 'wxa000000000000001', secret: '${WXHUB_TEST_A_SECRET}', envId: 'a-env-1a2b3c' },
    B: { appid: 'wxb000000000000002', secret: '${WXHUB_TEST_B_SECRET}', envId: 'b-env-4d5e6f' },
  },
};

let root: string;
let cloud: LocalCloud;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
  local?: boolean;
}

/** The environment without the caller's WXHUB_* settings, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('WXHUB_')) env[key] = value;
  return { ...env, ...extra };
}

function runEnv(options: RunOptions): NodeJS.ProcessEnv {
  const local = options.local ?? true;
  return cleanEnv({ ...(local ? { WXHUB_LOCAL_CLOUD_URL: cloud.url } : {}), ...options.env });
}

/** One command line, in-process. */
async function wxhub(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: runEnv(options),
    cwd: options.cwd ?? root,
    readStdin: async () => options.stdin ?? '',
  });
  return { code, stdout, stderr };
}

/** One command line as a process: the workspace's `wxhub` bin (what `pnpm wxhub` runs). */
function spawned(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? root, env: runEnv(options), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

function json(run: Run): Record<string, unknown> {
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wxhub-cli-'));
  const configFile = join(root, 'wxhub.config.local.json');
  writeFileSync(configFile, JSON.stringify(CONFIG));
  // The local cloud starts from the same configuration and shared local secrets as the CLI
  // (what `pnpm local-cloud` does once it loads its configuration through localSecretsEnv).
  const env = localSecretsEnv({ root, configFile, env: {} });
  const config = loadProjectConfig({ root, mode: 'local', env, file: configFile });
  cloud = await LocalCloud.start({ apps: Object.values(config.apps) });
  for (const name of ['echo-event', 'fails']) {
    cloud.functions.register({ envId: 'a-env-1a2b3c', name, dir: join(FUNCTIONS, name), backendUrl: cloud.sdkBackendUrl });
  }
});

afterAll(async () => {
  await cloud?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  cloud.backend.database('a-env-1a2b3c').clear();
  cloud.storage.clear('a-env-1a2b3c');
});

test('its default port is the dev server default', () => {
  expect(DEFAULT_LOCAL_CLOUD_PORT).toBe(DEFAULT_DEV_PORT);
});

describe('help', () => {
  test('--version prints the version of the package', async () => {
    expect(await wxhub(['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    expect(await wxhub(['-v', '--json'])).toEqual({ code: 0, stdout: '{"version":"0.1.0"}\n', stderr: '' });
  });

  test('--help lists every command and the exit codes', async () => {
    const run = await wxhub(['--help']);
    expect(run.code).toBe(0);
    for (const name of [
      'token',
      'call',
      'db query',
      'db add',
      'db update',
      'db delete',
      'db count',
      'db aggregate',
      'storage upload',
      'storage url',
      'storage delete',
    ]) {
      expect(run.stdout).toContain(`  ${name} `);
    }
    expect(run.stdout).toMatch(/Exit codes: 0 ok; 1 .*; 2 usage error;/);
  });

  test('each command has its own help with an example, without needing any configuration', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wxhub-cli-empty-'));
    try {
      const query = await wxhub(['db', 'query', '--help'], { cwd: empty });
      expect(query.code).toBe(0);
      expect(query.stdout).toContain('usage: wxhub db query <query|->');
      expect(query.stdout).toMatch(/Example:\n {2}wxhub db query 'db\.collection\("users"\)/);
      const upload = await wxhub(['help', 'storage', 'upload'], { cwd: empty });
      expect(upload.stdout).toContain('--content-type <type>');
      const group = await wxhub(['storage', '--help'], { cwd: empty });
      expect(group.stdout).toMatch(/storage upload +upload a file/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('exit codes', () => {
  test.each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command: frobnicate'],
    [['db', 'query', '--app', 'A'], 'missing the query'],
    [['db', 'explode', '--app', 'A'], 'unknown command: db explode'],
    [['dve'], 'unknown command: dve; did you mean dev?'],
    [['db', 'qurey', '--app', 'A'], 'unknown command: db qurey; did you mean db query?'],
    [['dev', '--port', 'x'], '--port must be a whole number'],
    [['call', 'addOrder', '{}', '--file', 'e.json', '--app', 'A'], 'give the event as an argument or with --file, not both'],
    [['token', '--app', 'A', '--max-age', '5'], 'token does not take --max-age'],
    [['call', 'echo-event', '{not json', '--app', 'A'], 'the event is not JSON'],
    [['token', '--bogus'], "Unknown option '--bogus'"],
    [['token', '--app', 'A', '--real', '--local-cloud', 'http://x'], '--real and --local-cloud exclude each other'],
    [['db', 'collections', '--app', 'A', '--limit', 'ten'], '--limit must be a whole number'],
  ])('2 for a usage error: %j', async (args, message) => {
    const run = await wxhub(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toMatch(/usage: wxhub/);
    expect(run.stdout).toBe('');
  });

  test('2 with a JSON error on stdout when --json is given', async () => {
    const run = await wxhub(['db', 'count', '--json', '--app', 'A']);
    expect(run.code).toBe(2);
    expect(json(run)).toEqual({ error: { kind: 'usage', message: 'missing the query' } });
  });

  test('3 for an unknown app, a missing configuration, or --real without the secrets', async () => {
    const unknown = await wxhub(['token', '--app', 'Z']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('apps.Z');
    const empty = mkdtempSync(join(tmpdir(), 'wxhub-cli-empty-'));
    try {
      const none = await wxhub(['token', '--app', 'A'], { cwd: empty });
      expect(none.code).toBe(3);
      expect(none.stderr).toContain('wxhub.config.local.json');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    const real = await wxhub(['token', '--app', 'A', '--real', '--json'], { local: false, env: { WXHUB_WECHAT_API_BASE: cloud.url } });
    expect(real.code).toBe(3);
    expect(json(real)).toMatchObject({ error: { kind: 'config' } });
    expect(real.stderr).toContain('${WXHUB_TEST_A_SECRET}');
  });

  test('1 with the errcode when the cloud refuses, and a hint when the local cloud is not there', async () => {
    const refused = await wxhub(['db', 'query', 'db.collection("nope").get()', '--app', 'A', '--json']);
    expect(refused.code).toBe(1);
    expect(json(refused)).toMatchObject({ error: { kind: 'wechat', errcode: -502005, api: '/tcb/databasequery' } });
    expect(refused.stderr).toContain('errcode -502005');

    const away = await wxhub(['token', '--app', 'A', '--local-cloud', 'http://127.0.0.1:1']);
    expect(away.code).toBe(1);
    expect(away.stderr).toContain('Is the local cloud running at http://127.0.0.1:1?');
  });

  test('1 with a hint when the local cloud does not know the secret the CLI used', async () => {
    const run = await wxhub(['token', '--app', 'A'], { env: { WXHUB_TEST_A_SECRET: 'not-the-one-the-cloud-has' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('errcode 40125');
    expect(run.stderr).toContain('.local-cloud/secrets.json');
    expect(run.stderr).not.toContain('not-the-one-the-cloud-has');
  });
});

describe('token', () => {
  test('prints a token the cloud accepts; --force replaces it', async () => {
    const plain = await wxhub(['token', '--app', 'A']);
    expect(plain.code).toBe(0);
    const token = plain.stdout.trim();
    expect(cloud.wechat.authenticate(new URLSearchParams({ access_token: token }))).toEqual({ ok: true, appid: 'wxa000000000000001' });
    expect(plain.stderr).toMatch(/app A \(local cloud\): expires in \d+ s/);

    const forced = json(await wxhub(['token', '--app', 'A', '--force', '--json']));
    expect(forced).toMatchObject({ app: 'A', appid: 'wxa000000000000001', env: 'a-env-1a2b3c', target: 'local' });
    expect(forced.accessToken).not.toBe(token);
    expect(cloud.wechat.authenticate(new URLSearchParams({ access_token: String(forced.accessToken) })).ok).toBe(true);
    expect(cloud.wechat.authenticate(new URLSearchParams({ access_token: token })).ok).toBe(false);
  });

  test('--real takes the credentials from the environment (here pointed at the local cloud)', async () => {
    const secret = cloud.app('B').secret;
    const run = await wxhub(['token', '--app', 'B', '--real', '--json'], {
      local: false,
      env: { WXHUB_WECHAT_API_BASE: cloud.url, WXHUB_TEST_A_SECRET: 'unused-here', WXHUB_TEST_B_SECRET: secret },
    });
    expect(run.code).toBe(0);
    const answer = json(run);
    expect(answer).toMatchObject({ app: 'B', target: 'real' });
    expect(cloud.wechat.authenticate(new URLSearchParams({ access_token: String(answer.accessToken) }))).toEqual({ ok: true, appid: 'wxb000000000000002' });
  });
});

describe('call', () => {
  test('runs the function with the event and prints its result', async () => {
    const run = await wxhub(['call', 'echo-event', '{"order":"o-1","n":2}', '--app', 'A', '--json']);
    expect(run.code).toBe(0);
    expect(json(run)).toEqual({ result: { got: { order: 'o-1', n: 2, userInfo: { appId: 'wxa000000000000001' } }, at: new Date(0).toISOString() } });
    const human = await wxhub(['call', 'echo-event', '-', '--app', 'A'], { stdin: '{"from":"stdin"}' });
    expect(JSON.parse(human.stdout)).toMatchObject({ got: { from: 'stdin' } });
  });

  test('a failing function exits 1 with its errcode', async () => {
    const run = await wxhub(['call', 'fails', '--app', 'A', '--json']);
    expect(run.code).toBe(1);
    expect(json(run)).toMatchObject({ error: { kind: 'wechat', errcode: -504002 } });
  });
});

describe('db', () => {
  test('create, add, query, count, update, aggregate, delete, collections', async () => {
    expect((await wxhub(['db', 'create-collection', 'todos', '--app', 'A'])).code).toBe(0);

    const added = await wxhub([
      'db',
      'add',
      'db.collection("todos").add({data: [{_id: "t1", n: 1, due: new Date("2026-09-01T00:00:00Z")}, {_id: "t2", n: 2}, {_id: "t3", n: 3}]})',
      '--app',
      'A',
      '--json',
    ]);
    expect(json(added)).toEqual({ ids: ['t1', 't2', 't3'] });

    const queried = json(await wxhub(['db', 'query', 'db.collection("todos").where({n: _.lt(3)}).orderBy("n", "asc").get()', '--app', 'A', '--json']));
    expect(queried).toEqual({
      data: [
        { _id: 't1', n: 1, due: { $date: Date.parse('2026-09-01T00:00:00Z') } },
        { _id: 't2', n: 2 },
      ],
      pager: { offset: 0, limit: 10, total: 2 },
    });

    const human = await wxhub(['db', 'query', '-', '--app', 'A'], { stdin: 'db.collection("todos").where({n: 3}).get()\n' });
    expect(human.stdout).toBe('{"_id":"t3","n":3}\n');
    expect(human.stderr).toContain('1 of 1 document(s) (offset 0, limit 10)');

    expect((await wxhub(['db', 'count', 'db.collection("todos").count()', '--app', 'A'])).stdout).toBe('3\n');
    expect(json(await wxhub(['db', 'update', 'db.collection("todos").where({n: _.gte(2)}).update({data: {n: _.inc(10)}})', '--app', 'A', '--json']))).toEqual({
      matched: 2,
      modified: 2,
    });
    const total = json(
      await wxhub(['db', 'aggregate', 'db.collection("todos").aggregate().group({_id: null, sum: $.sum("$n")}).end()', '--app', 'A', '--json']),
    );
    expect(total).toEqual({ data: [{ _id: null, sum: 1 + 12 + 13 }] });
    expect((await wxhub(['db', 'delete', 'db.collection("todos").doc("t1").remove()', '--app', 'A'])).stdout).toBe('deleted 1\n');

    const listed = json(await wxhub(['db', 'collections', '--app', 'A', '--json']));
    expect(listed).toMatchObject({ collections: [{ name: 'todos', count: 2, indexCount: 1 }], pager: { offset: 0, limit: 10, total: 1 } });
    expect(
      cloud.backend
        .database('a-env-1a2b3c')
        .find('todos')
        .map((doc) => doc.n),
    ).toEqual([12, 13]);
  });

  test('an injection attempt is refused and changes nothing', async () => {
    cloud.backend.database('a-env-1a2b3c').createCollection('todos');
    cloud.backend.database('a-env-1a2b3c').insert('todos', [{ _id: 'keep' }]);
    const run = await wxhub(['db', 'query', 'db.collection("todos").get(); db.collection("todos").where({}).remove()', '--app', 'A', '--json']);
    expect(run.code).toBe(1);
    expect(json(run)).toMatchObject({ error: { errcode: -502002 } });
    expect(cloud.backend.database('a-env-1a2b3c').count('todos')).toBe(1);
  });
});

describe('storage', () => {
  test('upload with progress, url that serves the file, delete, then a url that fails', async () => {
    const file = join(root, 'report.bin');
    const content = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 7) % 256));
    writeFileSync(file, content);

    const uploaded = await wxhub(['storage', 'upload', 'report.bin', 'reports/r1.bin', '--app', 'A', '--json']);
    expect(uploaded.code).toBe(0);
    const { fileId } = json(uploaded) as { fileId: string };
    expect(fileId).toMatch(/^cloud:\/\/a-env-1a2b3c\..*\/reports\/r1\.bin$/);
    const lines = uploaded.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[lines.length - 1]).toBe('uploading report.bin: 300.0 KiB / 300.0 KiB (100%)');

    const url = await wxhub(['storage', 'url', fileId, '--max-age', '600', '--app', 'A']);
    expect(url.code).toBe(0);
    const [shownId, link] = url.stdout.trim().split('\t');
    expect(shownId).toBe(fileId);
    const downloaded = await fetch(link ?? '');
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(content)).toBe(true);

    expect((await wxhub(['storage', 'delete', fileId, '--app', 'A'])).stdout).toBe(`deleted ${fileId}\n`);
    const gone = await wxhub(['storage', 'url', fileId, '--app', 'A', '--json']);
    expect(gone.code).toBe(1);
    expect(json(gone)).toMatchObject({ files: [{ fileId, ok: false, status: -503003 }] });
  });

  test('a missing local file is a configuration error', async () => {
    const run = await wxhub(['storage', 'upload', 'nope.bin', 'x/nope.bin', '--app', 'A']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('ENOENT');
  });
});

describe('as a process (the bin, through tsx)', () => {
  // Each spawn compiles the CLI with tsx (a second or two, more on a loaded machine).
  jest.setTimeout(120_000);

  test('--version and --help exit 0 with the text on stdout', async () => {
    const version = await spawned(['--version']);
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const help = await spawned(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: wxhub <command>/m);
  });

  test('an event read from stdin; with --json, stdout is exactly one JSON document; a usage error exits 2', async () => {
    const run = await spawned(['call', 'echo-event', '-', '--app', 'A', '--json'], { stdin: '{"from":"stdin"}' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ result: { got: { from: 'stdin', userInfo: { appId: 'wxa000000000000001' } }, at: new Date(0).toISOString() } });
    const usage = await spawned(['db', 'count', '--json', '--app', 'A']);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('{"error":{"kind":"usage","message":"missing the query"}}\n');
  });
});
