import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUrl, ManualClock, requestJson } from '@wxhub/core';
import { callFunction } from '../src/client-api';
import {
  childProcessBuilder,
  describeDevServer,
  exportEnvironments,
  startDevServer,
  type DataTools,
  type DevInvocation,
  type DevServer,
  type RebuildResult,
} from '../src/dev';
import type { LocalCloud } from '../src/local-cloud';
import type { TriggerRun } from '../src/triggers';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const BUILD_MODULE = join(REPO_ROOT, 'scripts', 'lib', 'build-functions.mjs');

/** An instant in Beijing time (UTC+8). */
function bj(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour - 8, minute, second);
}

describe("dev server on the project's configuration", () => {
  let server: DevServer;
  let clock: ManualClock;

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'build', 'cloudfunctions', 'api', 'index.js'))) {
      throw new Error('the cloud functions are not built: run `pnpm build` (pnpm test does it first)');
    }
    clock = new ManualClock(bj(2026, 1, 1, 9, 30));
    server = await startDevServer({ root: REPO_ROOT, clock, runtime: { idleCheckIntervalMs: 0 }, triggers: { intervalMs: 0 } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('listens on a free loopback port and serves every part there', () => {
    const { urls } = server;
    expect(urls.root).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(urls.root).not.toMatch(/:0$/);
    for (const url of Object.values(urls)) expect(url.startsWith(urls.root)).toBe(true);
    expect(urls.clientCall).toBe(`${urls.root}/client/callFunction`);
    expect(urls.admin).toBe(`${urls.root}/admin`);
    expect(urls.console).toBe(`${urls.root}/console`);
    expect(server.functions).toEqual(expect.arrayContaining(['api', 'users_add', 'refresh_tokens']));
  });

  it("answers a page's call from B through to A's database, and the admin API sees it", async () => {
    const user = { name: '韩梅梅', age: 26, sex: 'female', tel: '13900139000' };
    // A's users_add started first (set-up): cold inside the call, its start on a loaded machine
    // would outlast api's budget for the nested call.
    await server.cloud.functions.provision(server.cloud.app('A').envId, 'users_add', 1);
    // Every call is an `invocation` event, from the same feed as `wxhub dev`'s (B's api, then A's users_add).
    const invocations: DevInvocation[] = [];
    const record = (invocation: DevInvocation): number => invocations.push(invocation);
    server.events.on('invocation', record);
    const reply = await callFunction(server.urls.root, { app: 'B', name: 'api', data: { func: 'users_add', data: user }, openid: 'oB_dev_1' });
    expect(reply.result).toMatchObject({ errcode: 0, data: { errcode: 0 } });
    const A = server.cloud.app('A');
    const { body } = await requestJson(buildUrl(server.urls.root, '/admin/collection', { env: A.envId, name: 'users' }));
    expect((body as { documents: unknown[] }).documents).toEqual([expect.objectContaining({ _id: 'wxb0000000000000b2:oB_dev_1', name: '韩梅梅' })]);
    server.events.off('invocation', record);
    expect(invocations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ app: 'B', name: 'api', caller: expect.objectContaining({ openid: 'oB_dev_1' }) }),
        expect.objectContaining({ app: 'A', name: 'users_add' }),
      ]),
    );
    expect(invocations.every((invocation) => invocation.errCode === undefined)).toBe(true);
  });

  it("fires refresh_tokens' hourly timer when the clock reaches it", async () => {
    const B = server.cloud.app('B');
    const [status] = server.scheduler.status().filter((s) => s.functionName === 'refresh_tokens');
    expect(status).toMatchObject({ envId: B.envId, triggerName: 'refresh_third_party_tokens', nextFireAt: bj(2026, 1, 1, 10) });
    expect(await server.scheduler.runDue()).toEqual([]);

    const fired = once(server.events, 'trigger-run') as Promise<[TriggerRun]>;
    clock.set(bj(2026, 1, 1, 10));
    await server.scheduler.runDue();
    const [run] = await fired;
    expect(run).toMatchObject({ functionName: 'refresh_tokens', ok: true, manual: false, result: { errcode: 0 } });
    const baidu = server.project.config.baiduClients.baidu_ocr;
    expect(baidu && server.cloud.baidu.issuedTokens(baidu.clientId)).toBe(1);
  });

  it("serves pages' storage calls under the bucket's permission (B's configured storage setting)", async () => {
    const B = server.cloud.app('B');
    const send = (openid: string, fields: Record<string, unknown>) =>
      requestJson(new URL(server.urls.clientStorage), { method: 'POST', json: { app: 'B', openid, ...fields }, timeoutMs: 10_000 });
    const setting = server.cloud.permissions.storage(B.envId);
    expect(setting).toEqual({ kind: 'simple', mode: 'READONLY' }); // the configuration's (WeChat's default)
    const uploaded = await send('oDevX', { action: 'uploadFile', cloudPath: 'dev/x.txt', content: Buffer.from('x').toString('base64') });
    expect(uploaded.body).toMatchObject({ fileID: expect.stringMatching(/^cloud:\/\//) });
    const fileID = (uploaded.body as { fileID: string }).fileID;
    expect(server.cloud.storage.read(fileID)).toMatchObject({ owner: 'oDevX' });
    const deleted = await send('oDevY', { action: 'deleteFile', fileList: [fileID] });
    expect(deleted.body).toMatchObject({ fileList: [{ fileID, status: -503002 }] });
    expect((await send('oDevY', { action: 'downloadFile', fileID })).body).toMatchObject({ content: Buffer.from('x').toString('base64') });
    server.cloud.storage.clear(B.envId);
  });

  it('describes itself: URLs, the variables for wx-server-sdk, functions and triggers', () => {
    const text = describeDevServer(server);
    for (const url of Object.values(server.urls)) expect(text).toContain(url);
    expect(text).toContain(`export TCB_CONTEXT_CNFG='{"URL":"${server.urls.sdkBackendUrl}"}'`);
    expect(text).toContain(`export TCB_ENV='${server.cloud.app('B').envId}'`);
    expect(text).toContain(`export WXHUB_LOCAL_CLOUD=${server.urls.root}`);
    expect(text).toMatch(/function refresh_tokens +timer refresh_third_party_tokens "0 0 \* \* \* \* \*"/);
    for (const app of server.cloud.apps) expect(text).not.toContain(app.secret);
  });
});

describe('dev server data options', () => {
  const base = { root: REPO_ROOT, runtime: { idleCheckIntervalMs: 0 }, triggers: { intervalMs: 0 } };
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'wxhub-dev-data-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** Stand-in persistence tools: a "seed" is a list of collection names; an export lists the env's collections. */
  const fakeTools = (seen: string[]): DataTools => ({
    importSeed: (cloud: LocalCloud, envId: string, text: string) => {
      for (const name of JSON.parse(text) as string[]) cloud.backend.database(envId).createCollection(name);
      seen.push(`import ${envId}`);
    },
    exportData: async (cloud: LocalCloud, envId: string) => {
      // The cloud still answers while the export runs.
      const reply = await requestJson(buildUrl(cloud.url, '/admin/envs'));
      seen.push(`export ${envId} (HTTP ${reply.status})`);
      return JSON.stringify(cloud.backend.database(envId).listCollections());
    },
  });

  it('keeps data in --data across a restart, seeds and exports in the seed format', async () => {
    const user = { name: '韩梅梅', age: 26, sex: 'female', tel: '13900139000' };
    const dataDir = join(scratch, 'data');
    const exportDir = join(scratch, 'export');
    const seed = {
      format: 'wxhub-local-cloud-seed',
      version: 1,
      collections: { users: [{ _id: 'u-seeded', name: 'seeded', at: { $date: '2026-01-01T00:00:00.000Z' } }] },
    };
    writeFileSync(join(scratch, 'a.json'), JSON.stringify(seed));
    const first = await startDevServer({ ...base, data: { dir: dataDir, seeds: [{ env: 'A', file: join(scratch, 'a.json') }], exportDir } });
    const A = first.cloud.app('A');
    await first.cloud.functions.provision(A.envId, 'users_add', 1); // set-up, as above
    const added = await callFunction(first.urls.root, { app: 'B', name: 'api', data: { func: 'users_add', data: user }, openid: 'oB_data_1' });
    expect(added.result).toMatchObject({ errcode: 0, data: { errcode: 0 } });
    await first.stop();
    const exported = JSON.parse(readFileSync(join(exportDir, `${A.envId}.json`), 'utf8'));
    expect(exported.collections.users.map((u: { _id: string }) => u._id)).toEqual(['u-seeded', 'wxb0000000000000b2:oB_data_1']);

    const second = await startDevServer({ ...base, data: { dir: dataDir } });
    try {
      const users = second.cloud.backend.database(A.envId).find('users');
      expect(users.map((u) => u._id)).toEqual(['u-seeded', 'wxb0000000000000b2:oB_data_1']);
      expect(users[0]?.at).toEqual(new Date('2026-01-01T00:00:00.000Z'));
    } finally {
      await second.stop();
    }
  });

  it("a restart with --data and the same --seed keeps the session's documents; --seed-replace replaces, and both say so (issue 10, item 12)", async () => {
    const dataDir = join(scratch, 'data');
    const seedFile = join(scratch, 'a.json');
    writeFileSync(seedFile, JSON.stringify({ format: 'wxhub-local-cloud-seed', version: 1, collections: { users: [{ _id: 'u-seeded', name: 'seeded' }] } }));
    const seeds = [{ env: 'A', file: seedFile }];
    const first = await startDevServer({ ...base, data: { dir: dataDir, seeds } });
    const envA = first.cloud.app('A').envId;
    expect(first.seedReport).toEqual([expect.objectContaining({ envId: envA, action: 'imported' })]);
    first.cloud.backend.database(envA).insert('users', { _id: 'u-session', name: 'written in session 1' });
    await first.stop();

    const second = await startDevServer({ ...base, data: { dir: dataDir, seeds } });
    try {
      expect(second.seedReport).toEqual([expect.objectContaining({ envId: envA, action: 'skipped', message: expect.stringContaining('--seed-replace') })]);
      expect(
        second.cloud.backend
          .database(envA)
          .find('users')
          .map((u) => u._id),
      ).toEqual(['u-seeded', 'u-session']);
    } finally {
      await second.stop();
    }

    const third = await startDevServer({ ...base, data: { dir: dataDir, seeds, seedReplace: true } });
    try {
      expect(third.seedReport).toEqual([expect.objectContaining({ envId: envA, action: 'replaced' })]);
      expect(
        third.cloud.backend
          .database(envA)
          .find('users')
          .map((u) => u._id),
      ).toEqual(['u-seeded']);
    } finally {
      await third.stop();
    }
  });

  it('an export is written as a set: a failure part-way leaves the previous export whole and no temporary folder (issue 10, item 13)', async () => {
    const server = await startDevServer({ ...base });
    const exportDir = join(scratch, 'export');
    try {
      const good = fakeTools([]);
      await exportEnvironments(good, server.cloud, exportDir);
      const before = readdirSync(exportDir).map((name) => [name, readFileSync(join(exportDir, name), 'utf8')]);
      expect(before.length).toBe(server.cloud.backend.envIds.length);
      server.cloud.backend.database(server.cloud.app('A').envId).createCollection('later');
      let calls = 0;
      const failing: DataTools = {
        ...good,
        exportData: (cloud, envId) => {
          calls += 1;
          if (calls === 2) throw new Error('disk full');
          return good.exportData(cloud, envId);
        },
      };
      await expect(exportEnvironments(failing, server.cloud, exportDir)).rejects.toThrow('disk full');
      expect(readdirSync(exportDir).map((name) => [name, readFileSync(join(exportDir, name), 'utf8')])).toEqual(before);
      expect(readdirSync(scratch).filter((name) => name.includes('.export-'))).toEqual([]);
      await exportEnvironments(good, server.cloud, exportDir);
      expect(readFileSync(join(exportDir, `${server.cloud.app('A').envId}.json`), 'utf8')).toContain('later');
    } finally {
      await server.stop();
    }
  });

  it('exports storage files beside the data and a seed brings them back, types, bytes and page uploaders kept (issue 10, item 13)', async () => {
    const exportDir = join(scratch, 'export');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
    const first = await startDevServer({ ...base, data: { exportDir } });
    const A = first.cloud.app('A');
    first.cloud.storage.write(A.envId, 'avatars/u1.png', png, 'image/png', 'oPageUser1'); // uploaded by a page
    // A cloud path that is no safe path on disk is exported by number, never outside the folder.
    first.cloud.storage.write(A.envId, '../escape.txt', Buffer.from('kept'), 'text/plain');
    await first.stop();
    const folder = join(exportDir, `${A.envId}.storage`);
    expect(readFileSync(join(folder, 'files', 'avatars', 'u1.png'))).toEqual(png);
    expect(readdirSync(scratch).sort()).toEqual(['export']);
    const index = JSON.parse(readFileSync(join(folder, 'index.json'), 'utf8')) as {
      files: Array<{ path: string; contentType: string; file: string; owner?: string }>;
    };
    expect(index.files.map((file) => [file.path, file.contentType, file.owner])).toEqual([
      ['avatars/u1.png', 'image/png', 'oPageUser1'],
      ['../escape.txt', 'text/plain', undefined],
    ]);
    expect(index.files[1]?.file).toMatch(/^files\/~\d+\/content$/);

    const second = await startDevServer({ ...base, data: { seeds: [{ env: 'A', file: join(exportDir, `${A.envId}.json`) }] } });
    try {
      expect(second.seedReport[0]?.message).toMatch(/and 2 storage file\(s\) imported/);
      const read = (cloudPath: string) => second.cloud.storage.read(second.cloud.storage.fileId(A.envId, cloudPath));
      // The page uploader comes back too: storage's "creator" modes keep deciding the same.
      expect(read('avatars/u1.png')).toMatchObject({ content: png, contentType: 'image/png', owner: 'oPageUser1' });
      expect(read('../escape.txt')).toMatchObject({ content: Buffer.from('kept'), contentType: 'text/plain' });
      expect(read('../escape.txt')).not.toHaveProperty('owner');
    } finally {
      await second.stop();
    }
  });

  it('refuses a seed whose storage index points outside its folder, and does not start', async () => {
    const seedFile = join(scratch, 'a.json');
    writeFileSync(seedFile, JSON.stringify({ format: 'wxhub-local-cloud-seed', version: 1, collections: { users: [{ _id: 'u1' }] } }));
    mkdirSync(join(scratch, 'a.storage'));
    writeFileSync(join(scratch, 'a.storage', 'index.json'), JSON.stringify({ files: [{ path: 'x', contentType: 'text/plain', file: '../a.json' }] }));
    await expect(startDevServer({ ...base, data: { seeds: [{ env: 'A', file: seedFile }] } })).rejects.toThrow(/outside its folder/);
  });

  it('exports on demand through POST /admin/export (issue 10, item 13); without --export it says why', async () => {
    const exportDir = join(scratch, 'export');
    const server = await startDevServer({ ...base, data: { exportDir, tools: fakeTools([]) } });
    try {
      const { status, body } = await requestJson(buildUrl(server.urls.root, '/admin/export'), { method: 'POST', json: {} });
      expect(status).toBe(200);
      expect((body as { exported: string[] }).exported).toEqual(server.cloud.backend.envIds.map((envId) => join(exportDir, `${envId}.json`)));
      expect(readdirSync(exportDir).sort()).toEqual(server.cloud.backend.envIds.map((envId) => `${envId}.json`).sort());
    } finally {
      await server.stop();
    }
    const plain = await startDevServer({ ...base });
    try {
      const { status, body } = await requestJson(buildUrl(plain.urls.root, '/admin/export'), { method: 'POST', json: {} });
      expect(status).toBe(409);
      expect(body).toMatchObject({ error: { code: 'NO_EXPORT_DIR' } });
    } finally {
      await plain.stop();
    }
  });

  it('imports seeds (by app or env id) before it answers, and exports every env on stop while the cloud still runs', async () => {
    const seen: string[] = [];
    writeFileSync(join(scratch, 'a.json'), JSON.stringify(['users']));
    writeFileSync(join(scratch, 'b.json'), JSON.stringify(['token', 'setconfig']));
    const exportDir = join(scratch, 'export');
    const server = await startDevServer({
      ...base,
      data: {
        seeds: [
          { env: 'A', file: join(scratch, 'a.json') },
          { env: 'b-env-3d4e5f', file: join(scratch, 'b.json') },
        ],
        exportDir,
        tools: fakeTools(seen),
      },
    });
    const A = server.cloud.app('A');
    const B = server.cloud.app('B');
    expect(B.envId).toBe('b-env-3d4e5f');
    expect(seen).toEqual([`import ${A.envId}`, `import ${B.envId}`]);
    expect(server.cloud.backend.database(A.envId).listCollections()).toEqual(['users']);
    const url = server.urls.root;
    await server.stop();
    expect(seen.slice(2).sort()).toEqual([`export ${A.envId} (HTTP 200)`, `export ${B.envId} (HTTP 200)`]);
    expect(JSON.parse(readFileSync(join(exportDir, `${B.envId}.json`), 'utf8'))).toEqual(['setconfig', 'token']);
    expect(readdirSync(exportDir).sort()).toEqual([`${A.envId}.json`, `${B.envId}.json`]);
    // Nothing answers any more: a refused connection, or a kept-alive socket found closed.
    // (Under jest undici's errors come from another realm, so core may not wrap them in NetworkError.)
    await expect(requestJson(buildUrl(url, '/admin'), { timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED|UND_ERR_SOCKET|other side closed/);
  });

  it('refuses a seed for an environment it does not have, and does not stay up', async () => {
    writeFileSync(join(scratch, 'c.json'), '[]');
    await expect(startDevServer({ ...base, data: { seeds: [{ env: 'C', file: join(scratch, 'c.json') }], tools: fakeTools([]) } })).rejects.toThrow(
      /names C, which is neither an app \(A, B\)/,
    );
  });
});

describe('dev server watching sources', () => {
  let root: string;
  let server: DevServer | undefined;
  const source = (file: string) => join(root, 'cloudfunctions', 'greet', file);
  const greet = async (): Promise<unknown> =>
    (await callFunction((server as DevServer).urls.root, { app: 'B', name: 'greet', data: { who: 'Lei' }, openid: 'oB_w' })).result;
  /** Makes a change and resolves with the rebuild it causes. */
  const rebuildAfter = async (change: () => void): Promise<RebuildResult> => {
    const rebuilt = once((server as DevServer).events, 'rebuild') as Promise<[RebuildResult]>;
    change();
    return (await rebuilt)[0];
  };
  const writeMain = (version: string): void =>
    writeFileSync(
      source('src/index.ts'),
      `export async function main(event: { who?: string }) {\n  return { greeting: 'hello ${version}', who: event.who };\n}\n`,
    );

  beforeAll(async () => {
    // A project of its own: the repo's functions are not touched.
    root = mkdtempSync(join(tmpdir(), 'wxhub-dev-watch-'));
    writeFileSync(
      join(root, 'wxhub.config.example.json'),
      JSON.stringify({
        apps: {
          A: { appid: 'wxa0000000000000a1', secret: '${WXHUB_A_SECRET}', envId: 'a-env-watch1' },
          B: { appid: 'wxb0000000000000b2', secret: '${WXHUB_B_SECRET}', envId: 'b-env-watch2' },
        },
        functions: { greet: { app: 'B' } },
      }),
    );
    mkdirSync(source('src'), { recursive: true });
    writeFileSync(source('package.json'), JSON.stringify({ name: 'greet', version: '1.0.0', dependencies: {} }));
    writeFileSync(source('config.json'), JSON.stringify({ timeout: 5 }));
    writeMain('v1');
    const builder = childProcessBuilder({ module: BUILD_MODULE, root, outRoot: join(root, 'build', 'cloudfunctions') });
    await builder(['greet']);
    server = await startDevServer({
      root,
      runtime: { idleCheckIntervalMs: 0 },
      triggers: { intervalMs: 0 },
      watch: { builder, debounceMs: 100 },
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the built code, then the new code after a source edit', async () => {
    expect(await greet()).toEqual({ greeting: 'hello v1', who: 'Lei' });
    const result = await rebuildAfter(() => writeMain('v2'));
    expect(result).toMatchObject({ ok: true, names: ['greet'], deployed: ['greet'] });
    expect(await greet()).toEqual({ greeting: 'hello v2', who: 'Lei' });
  });

  it('reports a broken build without dying and keeps the previous bundle, then recovers', async () => {
    const broken = await rebuildAfter(() => writeFileSync(source('src/index.ts'), 'export async function main( {\n'));
    expect(broken.ok).toBe(false);
    expect(broken.deployed).toEqual([]);
    expect(broken.message).toContain('greet');
    // Still the last good code, also in a new instance started from the built folder.
    expect(await greet()).toEqual({ greeting: 'hello v2', who: 'Lei' });
    server?.project.deploy('greet');
    expect(server?.cloud.functions.instances('b-env-watch2', 'greet')).toBe(0);
    expect(await greet()).toEqual({ greeting: 'hello v2', who: 'Lei' });
    expect(existsSync(join(root, 'build', 'cloudfunctions', 'greet', 'index.js'))).toBe(true);
    expect(readdirSync(join(root, 'build', 'cloudfunctions')).filter((name) => name.startsWith('.staging'))).toEqual([]);

    const fixed = await rebuildAfter(() => writeMain('v3'));
    expect(fixed.ok).toBe(true);
    expect(await greet()).toEqual({ greeting: 'hello v3', who: 'Lei' });
  });

  it('picks up a timer trigger added to config.json, and refuses a cron WeChat would refuse', async () => {
    const added = await rebuildAfter(() =>
      writeFileSync(source('config.json'), JSON.stringify({ timeout: 5, triggers: [{ name: 'morning', type: 'timer', config: '0 0 8 * * * *' }] })),
    );
    expect(added.ok).toBe(true);
    expect(server?.scheduler.status()).toMatchObject([{ functionName: 'greet', triggerName: 'morning', config: '0 0 8 * * * *' }]);
    const run = await server?.scheduler.fire('b-env-watch2', 'greet');
    expect(run).toMatchObject({ ok: true, result: { greeting: 'hello v3' } });

    const refused = await rebuildAfter(() =>
      writeFileSync(source('config.json'), JSON.stringify({ timeout: 5, triggers: [{ name: 'morning', type: 'timer', config: '0 0 8 * *' }] })),
    );
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/greet: invalid cron expression "0 0 8 \* \*"/);
    expect(server?.scheduler.status()).toMatchObject([{ config: '0 0 8 * * * *' }]);
  });
});
