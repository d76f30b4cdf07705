import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUrl, ManualClock, requestJson, type JsonRequest } from '@wxhub/core';
import { LocalCloud } from '../src/local-cloud';
import { AdminApi } from '../src/admin-api';
import { TriggerScheduler } from '../src/triggers';
import type { AppConfig } from '../src/config';

const A: AppConfig = { name: 'A', appid: 'wxa0000000000000a1', secret: 'appsecret-of-A-0123456789abcdef', envId: 'a-env-admin1' };
const B: AppConfig = { name: 'B', appid: 'wxb0000000000000b2', secret: 'appsecret-of-B-fedcba9876543210', envId: 'b-env-admin2' };
const BAIDU = { name: 'baidu_ocr', clientId: 'baidu-ak-0123456789abcdef', clientSecret: 'baidu-sk-secret-0123456789' };
const SECRETS = [A.secret, B.secret, BAIDU.clientSecret];

describe('admin API', () => {
  let cloud: LocalCloud;
  let scheduler: TriggerScheduler;
  let scratch: string;
  const deployed: Array<{ envId: string; name: string }> = [];

  /** A request to the local cloud; the raw text is checked for secrets on every answer. */
  async function http(path: string, init: JsonRequest = {}): Promise<{ status: number; body: any }> {
    const response = await requestJson(buildUrl(cloud.url, path), init);
    const text = JSON.stringify(response.body);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    return response as { status: number; body: any };
  }

  function deploy(envId: string, name: string, source: string, config: object): void {
    const dir = join(scratch, envId, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.js'), source);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    cloud.functions.register({ envId, name, dir, backendUrl: cloud.sdkBackendUrl });
    scheduler.register({ envId, name, dir });
    deployed.push({ envId, name });
  }

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'wxhub-admin-'));
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 1, 0, 0));
    cloud = await LocalCloud.start({ apps: [A, B], baiduClients: [BAIDU], clock, runtime: { idleCheckIntervalMs: 0 } });
    scheduler = new TriggerScheduler({ runtime: cloud.functions, clock });
    cloud.mount(new AdminApi({ cloud, scheduler, functions: () => deployed, baiduClients: [BAIDU] }).service);
    deploy(
      B.envId,
      'ticker',
      `exports.main = async (event) => { console.log('tick ' + event.TriggerName); return { got: event.Type, access_token: 'tok-should-be-masked-123' }; };\n`,
      { triggers: [{ name: 'every_hour', type: 'timer', config: '0 0 * * * * *' }] },
    );
    deploy(A.envId, 'talker', `exports.main = async (event) => { console.log('said ' + event.word + ' ${A.secret}'); return event.word; };\n`, {});
  });

  afterAll(async () => {
    await cloud?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('lists its endpoints', async () => {
    const { status, body } = await http('/admin');
    expect(status).toBe(200);
    expect(body.endpoints.join('\n')).toContain('/admin/faults');
  });

  it('lists environments with their app, collections (counted) and functions (with trigger)', async () => {
    cloud.backend.database(A.envId).createCollection('users');
    cloud.backend.database(A.envId).insert('users', [{ name: 'a' }, { name: 'b' }]);
    const { body } = await http('/admin/envs');
    const envA = body.envs.find((env: any) => env.envId === A.envId);
    const envB = body.envs.find((env: any) => env.envId === B.envId);
    expect(envA).toMatchObject({
      app: { name: 'A', appid: A.appid },
      collections: [{ name: 'users', count: 2 }],
      functions: [{ name: 'talker', instances: 0, queued: 0 }],
    });
    expect(envB.functions).toEqual([{ name: 'ticker', instances: 0, queued: 0, trigger: { name: 'every_hour', config: '0 0 * * * * *' } }]);
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('reads a collection with paging, masking secret fields and scrubbing secrets', async () => {
    const db = cloud.backend.database(B.envId);
    db.createCollection('token');
    db.insert('token', [
      { _id: A.appid, access_token: 'ACCESS-TOKEN-VALUE-1234567890', expires_in: 7200, note: `copied ${A.secret} by mistake` },
      { _id: 'second', at: new Date(Date.UTC(2026, 0, 2)) },
      { _id: 'third' },
    ]);
    const { status, body } = await http(`/admin/collection?env=${B.envId}&name=token&limit=2`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ env: B.envId, collection: 'token', total: 3, offset: 0, limit: 2 });
    expect(body.documents).toHaveLength(2);
    expect(body.documents[0]).toEqual({ _id: A.appid, access_token: 'ACC***90', expires_in: 7200, note: expect.stringContaining('copied app***ef') });
    expect(body.documents[1]).toEqual({ _id: 'second', at: '2026-01-02T00:00:00.000Z' });
    const next = await http(`/admin/collection?env=${B.envId}&name=token&limit=2&offset=2`);
    expect(next.body.documents).toEqual([{ _id: 'third' }]);

    expect((await http(`/admin/collection?env=nope&name=token`)).status).toBe(404);
    expect((await http(`/admin/collection?env=${B.envId}&name=nope`)).body.error.code).toBe('NO_COLLECTION');
    expect((await http(`/admin/collection?env=${B.envId}&name=token&limit=5000`)).status).toBe(400);
    expect((await http(`/admin/collection?env=${B.envId}`)).status).toBe(400);
  });

  it("counts the tokens WeChat and Baidu issued, without showing them or the apps' credentials", async () => {
    const before = (await http('/admin/tokens')).body;
    const none = { currentExpiresAt: null, lastIssuedAt: null, forceRefresh: { usedToday: 0, perDay: 20, lastAt: null } };
    expect(before.wechat).toEqual([
      { app: 'A', appid: A.appid, issued: { cgiBinToken: 0, stableToken: 0, total: 0 }, ...none },
      { app: 'B', appid: B.appid, issued: { cgiBinToken: 0, stableToken: 0, total: 0 }, ...none },
    ]);
    const issued = await http('/cgi-bin/token', { query: { grant_type: 'client_credential', appid: A.appid, secret: A.secret } });
    await http('/cgi-bin/stable_token', { method: 'POST', json: { grant_type: 'client_credential', appid: A.appid, secret: A.secret } });
    await http('/baidu/oauth/2.0/token', {
      method: 'POST',
      query: { grant_type: 'client_credentials', client_id: BAIDU.clientId, client_secret: BAIDU.clientSecret },
    });
    const { body } = await http('/admin/tokens');
    // The ManualClock stands at 2026-01-01T01:00Z; WeChat's tokens live 7200 s.
    expect(body.wechat[0]).toEqual({
      app: 'A',
      appid: A.appid,
      issued: { cgiBinToken: 1, stableToken: 1, total: 2 },
      currentExpiresAt: '2026-01-01T03:00:00.000Z',
      lastIssuedAt: '2026-01-01T01:00:00.000Z',
      forceRefresh: { usedToday: 0, perDay: 20, lastAt: null },
    });
    expect(body.baidu).toEqual([{ name: 'baidu_ocr', clientId: 'bai***ef', issued: 1, currentExpiresAt: expect.any(String) }]);
    expect(JSON.stringify(body)).not.toContain(issued.body.access_token);
    expect(JSON.stringify(body)).not.toContain(BAIDU.clientId);
  });

  it("shows one invocation's captured output by request id, secrets scrubbed", async () => {
    const first = await cloud.functions.invoke({ envId: A.envId, name: 'talker', event: { word: 'first' } });
    await cloud.functions.invoke({ envId: A.envId, name: 'talker', event: { word: 'second' } });
    const { body } = await http(`/admin/logs?env=${A.envId}&name=talker&requestId=${first.requestId}`);
    const messages = body.logs.map((line: any) => line.message);
    expect(messages.some((m: string) => m.startsWith('said first app***ef'))).toBe(true);
    expect(messages.some((m: string) => m.includes('second'))).toBe(false);
    expect(body.logs.every((line: any) => line.requestId === first.requestId)).toBe(true);
    const all = await http(`/admin/logs?env=${A.envId}&name=talker`);
    expect(all.body.logs.length).toBeGreaterThan(body.logs.length);
    expect((await http('/admin/logs?env=x')).status).toBe(400);
  });

  it("masks setconfig's value (the Baidu access token) and token-named string fields: a masked display only (issue 10, item 7)", async () => {
    const BAIDU_TOKEN = '24.6c5e1ff107f0e8bcef8c46d3424a0e78.2592000.1767225600.282335-11111111';
    const database = cloud.backend.database(B.envId);
    database.createCollection('setconfig');
    database.insert('setconfig', { _id: 'baidu_ocr', value: BAIDU_TOKEN, expires_at: 1767225600000, baidu_token: BAIDU_TOKEN, refreshes: 3 });
    const { status, body } = await http(`/admin/collection?env=${B.envId}&name=setconfig`);
    expect(status).toBe(200);
    expect(JSON.stringify(body)).not.toContain(BAIDU_TOKEN);
    expect(body.documents).toEqual([{ _id: 'baidu_ocr', value: '24.***11', expires_at: 1767225600000, baidu_token: '24.***11', refreshes: 3 }]);
    database.dropCollection('setconfig');
  });

  it('shows trigger status and fires a trigger on demand', async () => {
    const before = (await http('/admin/triggers')).body.triggers;
    expect(before).toEqual([
      expect.objectContaining({ envId: B.envId, functionName: 'ticker', triggerName: 'every_hour', nextFireAt: '2026-01-01T02:00:00.000Z', runs: 0 }),
    ]);
    const fired = await http('/admin/triggers/fire', { method: 'POST', json: { env: B.envId, name: 'ticker' } });
    expect(fired.status).toBe(200);
    expect(fired.body.run).toMatchObject({
      ok: true,
      manual: true,
      result: { got: 'Timer', access_token: 'tok***23' },
      scheduledAt: '2026-01-01T01:00:00.000Z',
    });
    const after = (await http('/admin/triggers')).body.triggers[0];
    expect(after).toMatchObject({ runs: 1, failures: 0, lastRun: { ok: true, requestId: fired.body.run.requestId } });
    const logs = await http(`/admin/logs?env=${B.envId}&name=ticker&requestId=${fired.body.run.requestId}`);
    expect(logs.body.logs.map((line: any) => line.message)).toContain('tick every_hour');

    expect((await http('/admin/triggers/fire', { method: 'POST', json: { env: A.envId, name: 'talker' } })).body.error.code).toBe('NO_TIMER_TRIGGER');
    expect((await http('/admin/triggers/fire', { method: 'POST', json: { env: A.envId } })).status).toBe(400);
  });

  it('arms a WeChat errcode fault for the next call only', async () => {
    const armed = await http('/admin/faults', { method: 'POST', json: { upstream: 'wechat', fault: { path: '/cgi-bin/token', errcode: -1, times: 1 } } });
    expect(armed.status).toBe(201);
    const query = { grant_type: 'client_credential', appid: B.appid, secret: B.secret };
    expect((await http('/cgi-bin/token', { query })).body).toMatchObject({ errcode: -1, errmsg: expect.stringContaining('system error') });
    expect((await http('/cgi-bin/token', { query })).body).toMatchObject({ access_token: expect.any(String), expires_in: 7200 });
  });

  it('arms faults for one app only, and for Baidu, until cleared', async () => {
    await http('/admin/faults', { method: 'POST', json: { upstream: 'wechat', fault: { path: '/cgi-bin/token', appid: A.appid, status: 502 } } });
    await http('/admin/faults', {
      method: 'POST',
      json: { upstream: 'baidu', fault: { path: '/oauth/2.0/token', error: 'invalid_client', error_description: 'unknown client id' } },
    });
    const tokenOf = (app: AppConfig) => http('/cgi-bin/token', { query: { grant_type: 'client_credential', appid: app.appid, secret: app.secret } });
    const baiduToken = () =>
      http('/baidu/oauth/2.0/token', {
        method: 'POST',
        query: { grant_type: 'client_credentials', client_id: BAIDU.clientId, client_secret: BAIDU.clientSecret },
      });

    expect((await tokenOf(A)).status).toBe(502);
    expect((await tokenOf(A)).status).toBe(502);
    expect((await tokenOf(B)).body.access_token).toEqual(expect.any(String));
    const refused = await baiduToken();
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client', error_description: 'unknown client id' } });

    expect((await http('/admin/faults?upstream=baidu', { method: 'DELETE' as JsonRequest['method'] })).body).toEqual({ cleared: ['baidu'] });
    expect((await baiduToken()).body.access_token).toEqual(expect.any(String));
    expect((await tokenOf(A)).status).toBe(502);
    expect((await http('/admin/faults', { method: 'DELETE' as JsonRequest['method'] })).body).toEqual({ cleared: ['wechat', 'baidu', 'backend'] });
    expect((await tokenOf(A)).body.access_token).toEqual(expect.any(String));
  });

  it('refuses faults it cannot arm, saying why', async () => {
    const bad = async (json: unknown): Promise<string> => {
      const { status, body } = await http('/admin/faults', { method: 'POST', json });
      expect(status).toBe(400);
      return body.error.message as string;
    };
    expect(await bad({ upstream: 'aliyun', fault: { path: '/x', status: 500 } })).toContain('upstream');
    expect(await bad({ upstream: 'wechat', fault: { path: '/cgi-bin/token' } })).toContain('needs one effect');
    expect(await bad({ upstream: 'wechat', fault: { path: 'cgi-bin/token', status: 500 } })).toContain('path');
    expect(await bad({ upstream: 'wechat', fault: { path: '/cgi-bin/token', errcode: -1, status: 500 } })).toContain('unknown fields: status');
    expect(await bad({ upstream: 'wechat', fault: { path: '/cgi-bin/token', delayMs: 10_000_000 } })).toContain('delayMs');
    expect(await bad({ upstream: 'baidu', fault: { path: '/oauth/2.0/token', errcode: 1 } })).toContain('needs one effect');
    expect(await bad({ upstream: 'baidu', fault: { path: '/oauth/2.0/token', appid: A.appid, status: 500 } })).toContain('appid');
    expect(await bad({ upstream: 'wechat', fault: { path: '/cgi-bin/token', status: 500, times: 0 } })).toContain('times');
  });
  it('shares an environment, lists grants and stops sharing; refuses what WeChat would not allow', async () => {
    expect((await http('/admin/sharing')).body).toEqual({ grants: [], tokenRequests: [] });
    const shared = await http('/admin/sharing', { method: 'PUT' as JsonRequest['method'], json: { owner: 'A', with: 'B', permissions: ['functions'] } });
    expect(shared).toEqual({ status: 200, body: { grant: { ownerAppid: A.appid, envId: A.envId, granteeAppid: B.appid, permissions: ['functions'] } } });
    expect((await http('/admin/sharing')).body.grants).toHaveLength(1);
    const refused = async (json: unknown): Promise<string> => {
      const { status, body } = await http('/admin/sharing', { method: 'PUT' as JsonRequest['method'], json });
      expect(status).toBe(400);
      return body.error.message as string;
    };
    expect(await refused({ owner: 'A', with: 'A' })).toContain('itself');
    expect(await refused({ owner: 'A', with: 'C' })).toContain('no app C');
    expect(await refused({ owner: 'A', with: 'B', permissions: ['everything'] })).toContain('unknown permission');
    expect(await refused({ owner: 'A' })).toContain('{owner, with');
    expect((await http(`/admin/sharing?env=${A.envId}&with=B`, { method: 'DELETE' as JsonRequest['method'] })).body).toEqual({
      unshared: { env: A.envId, with: 'B' },
    });
    expect((await http(`/admin/sharing?env=${A.envId}&with=B`, { method: 'DELETE' as JsonRequest['method'] })).status).toBe(404);
    expect((await http('/admin/sharing')).body.grants).toEqual([]);
  });

  describe('console routes', () => {
    const del = 'DELETE' as JsonRequest['method'];

    it('pages documents with a filter read by the HTTP API parser, and points at a bad one by line and column', async () => {
      cloud.backend.database(A.envId).createCollection('people');
      cloud.backend.database(A.envId).insert(
        'people',
        Array.from({ length: 30 }, (_, i) => ({ _id: `p${String(i).padStart(2, '0')}`, age: i, born: new Date(Date.UTC(2000, 0, 1 + i)) })),
      );
      const page = await http(`/admin/documents?env=${A.envId}&collection=people&offset=5&limit=3&filter=${encodeURIComponent('{age: _.gte(4)}')}`);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(26);
      expect(page.body.documents.map((d: any) => d._id)).toEqual(['p09', 'p10', 'p11']);
      expect(page.body.documents[0].born).toEqual({ $date: '2000-01-10T00:00:00Z' });
      const bad = await http(`/admin/documents?env=${A.envId}&collection=people&filter=${encodeURIComponent('{\n  age: _.gt(1) + 2\n}')}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'BAD_FILTER', line: 2 });
      expect(bad.body.error.column).toBeGreaterThan(1);
    });

    it('replaces a document keeping dates and numbers, adds, deletes, imports and exports', async () => {
      const replaced = await http('/admin/documents', {
        method: 'PUT' as JsonRequest['method'],
        json: { env: A.envId, collection: 'people', id: 'p00', document: { age: 41.5, born: { $date: '1985-05-05T00:00:00Z' } } },
      });
      expect(replaced.body).toEqual({ id: 'p00', replaced: true });
      const [doc] = cloud.backend.database(A.envId).find('people', { _id: 'p00' });
      expect(doc).toEqual({ _id: 'p00', age: 41.5, born: new Date('1985-05-05T00:00:00Z') });
      const added = await http('/admin/documents', { method: 'POST', json: { env: A.envId, collection: 'people', document: { _id: 'new1', age: 1 } } });
      expect(added).toMatchObject({ status: 201, body: { id: 'new1' } });
      expect((await http('/admin/documents', { method: 'POST', json: { env: A.envId, collection: 'people', document: { _id: 'new1' } } })).status).toBe(400);
      expect((await http(`/admin/documents?env=${A.envId}&collection=people&id=new1`, { method: del })).body).toEqual({ deleted: 1 });
      await http('/admin/collections', { method: 'POST', json: { env: A.envId, name: 'copy' } });
      const exported = await http(`/admin/collections/export?env=${A.envId}&name=people`);
      const refused = await http('/admin/collections/import', { method: 'POST', json: { env: A.envId, collection: 'copy', documents: [{ a: 1 }, 'nope'] } });
      expect(refused.status).toBe(400);
      expect(cloud.backend.database(A.envId).count('copy')).toBe(0);
      const imported = await http('/admin/collections/import', {
        method: 'POST',
        json: { env: A.envId, collection: 'copy', documents: exported.body.documents },
      });
      expect(imported.body).toEqual({ inserted: 30 });
      expect(cloud.backend.database(A.envId).find('copy', { _id: 'p00' })[0]?.born).toEqual(new Date('1985-05-05T00:00:00Z'));
      expect((await http(`/admin/collections?env=${A.envId}&name=copy`, { method: del })).body).toEqual({ dropped: true });
    });

    it('uploads, lists, serves a temp URL and deletes a file', async () => {
      const up = await http('/admin/storage', {
        method: 'POST',
        json: { env: B.envId, path: 'docs/hello.txt', contentBase64: Buffer.from('你好').toString('base64'), contentType: 'text/plain' },
      });
      expect(up.status).toBe(201);
      const list = await http(`/admin/storage?env=${B.envId}`);
      expect(list.body.files).toEqual([expect.objectContaining({ fileId: up.body.fileId, path: 'docs/hello.txt', size: 6, contentType: 'text/plain' })]);
      const temp = await http('/admin/storage/temp-url', { method: 'POST', json: { env: B.envId, fileId: up.body.fileId } });
      const served = await fetch(temp.body.url);
      expect(await served.text()).toBe('你好');
      expect((await http(`/admin/storage?env=${B.envId}&fileId=${encodeURIComponent(up.body.fileId)}`, { method: del })).body).toEqual({ deleted: true });
    });

    it('describes functions and invokes one as a user', async () => {
      const fns = await http(`/admin/functions?env=${B.envId}`);
      expect(fns.body.functions).toEqual([
        expect.objectContaining({
          name: 'ticker',
          timeoutMs: 3000,
          triggers: [{ name: 'every_hour', type: 'timer', config: '0 0 * * * * *' }],
          permissions: [],
        }),
      ]);
      const invoked = await http('/admin/functions/invoke', {
        method: 'POST',
        json: { env: A.envId, name: 'talker', event: { word: 'hi' }, openid: 'o_user1' },
      });
      expect(invoked.body).toMatchObject({ ok: true, result: 'hi' });
      const missing = await http('/admin/functions/invoke', { method: 'POST', json: { env: A.envId, name: 'nope', event: {} } });
      expect(missing.status).toBe(404);
    });

    it('arms a backend fault that the next SDK call meets, lists it and clears it', async () => {
      const armed = await http('/admin/faults', {
        method: 'POST',
        json: { upstream: 'backend', fault: { action: 'database.getDocument', status: 503, times: 1 } },
      });
      expect(armed.status).toBe(201);
      expect((await http('/admin/faults')).body.armed).toEqual([
        { upstream: 'backend', path: '', action: 'database.getDocument', remaining: 1, effect: 'HTTP 503' },
      ]);
      await http('/admin/faults?upstream=backend', { method: del });
      expect((await http('/admin/faults')).body.armed).toEqual([]);
    });
  });
});

/** GET (for env b-env) or PUT of one of the admin API's per-environment settings, answered as {status, body}. */
function envSettingCall(cloud: LocalCloud, setting: 'permissions' | 'indexes') {
  return async (method: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${cloud.url}/admin/${setting}${method === 'GET' ? '?env=b-env' : ''}`, {
      method,
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}

describe('admin API: page permissions', () => {
  it('shows, sets and refuses settings (a rule that does not parse: 400 with the character)', async () => {
    const cloud = await LocalCloud.start({
      apps: [{ name: 'B', appid: 'wxb0000000000000b2', secret: 'b-secret', envId: 'b-env' }],
      permissions: {
        settings: { 'b-env': { database: { token: 'ADMINONLY' } } },
        required: [{ app: 'B', envId: 'b-env', collection: 'token', mode: 'ADMINONLY', holds: "A's access token", usedBy: ['api'] }],
      },
    });
    try {
      cloud.mount(new AdminApi({ cloud }).service);
      const call = envSettingCall(cloud, 'permissions');
      const shown = await call('GET');
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({
        envs: [{ envId: 'b-env', collections: [{ name: 'token', setting: 'ADMINONLY' }], storage: 'READONLY', required: [{ collection: 'token', ok: true }] }],
        mismatches: [],
      });
      const bad = await call('PUT', { env: 'b-env', collection: 'notes', setting: { read: 'doc.a == ' } });
      expect(bad).toEqual({
        status: 400,
        body: { error: { code: 'BAD_PERMISSION', message: expect.stringContaining('at character 10'), where: 'b-env/notes.read', index: 9 } },
      });
      const set = await call('PUT', { env: 'b-env', collection: 'token', setting: 'READONLY' });
      expect(set.status).toBe(200);
      expect((await call('GET')).body).toMatchObject({ mismatches: [{ required: { collection: 'token' }, actual: 'READONLY' }] });
    } finally {
      await cloud.stop();
    }
  });
});

describe('admin API: indexes (索引管理)', () => {
  const app = { name: 'B', appid: 'wxb0000000000000b2', secret: 'b-secret', envId: 'b-env' };

  it('shows the declared indexes, adds more, and refuses a malformed declaration without changing anything', async () => {
    const cloud = await LocalCloud.start({ apps: [app], indexes: { 'b-env': { shops: { location: '2dsphere' } } } });
    try {
      cloud.mount(new AdminApi({ cloud }).service);
      const call = envSettingCall(cloud, 'indexes');
      expect((await call('GET')).body).toEqual({ envs: [{ envId: 'b-env', indexes: { shops: { location: '2dsphere' } } }] });
      const added = await call('PUT', { env: 'b-env', indexes: { shops: { city: 1 }, riders: { at: '2dsphere' } } });
      expect(added).toEqual({ status: 200, body: { envId: 'b-env', indexes: { shops: { location: '2dsphere', city: 1 }, riders: { at: '2dsphere' } } } });
      expect(cloud.backend.database('b-env').indexes.geoFields('riders')).toEqual(['at']);
      const bad = await call('PUT', { env: 'b-env', indexes: { shops: { other: 'geo' } } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('indexes.shops.other');
      expect((await call('PUT', { env: 'nowhere', indexes: {} })).status).toBe(404);
      expect((await call('PUT', { indexes: {} })).status).toBe(400);
      expect(cloud.backend.database('b-env').indexes.describe()).toEqual({ shops: { location: '2dsphere', city: 1 }, riders: { at: '2dsphere' } });
    } finally {
      await cloud.stop();
    }
  });

  it('refuses to start with indexes for an environment it does not have', async () => {
    await expect(LocalCloud.start({ apps: [app], indexes: { 'c-env': { shops: { location: '2dsphere' } } } })).rejects.toThrow(/indexes\.c-env/);
  });
});
