import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { defaultInstanceCap } from '@wxhub/local-cloud';
import { BUILT_FUNCTIONS, startTestProject, testedNodeRuntimes, type TestProject } from '@wxhub/test-support';

const user = { name: '李雷', age: 28, sex: 'male', tel: '13800138000' };

interface Reply {
  errcode: number;
  errmsg: string;
  data?: any;
}

/**
 * B's pages → B's `api` (built bundle) → WeChat's tcb/invokecloudfunction → A's `users_add`
 * (built bundle, in A's environment) → A's `users` collection; on each Node version WeChat's
 * cloud runs.
 */
describe.each(testedNodeRuntimes())('cloud functions on Node $version', ({ binary }) => {
  let project: TestProject;
  const usersOfA = () => {
    const db = project.cloud.backend.database(project.A.envId);
    return db.hasCollection('users') ? db.find('users') : [];
  };

  beforeEach(async () => {
    project = await startTestProject(binary);
    // A's users_add started ahead (SCF's provisioned concurrency): api's budget for the nested call
    // then measures the call, not a cold start stretched by a loaded test machine.
    await project.cloud.functions.provision(project.A.envId, 'users_add', 1);
  });
  afterEach(async () => {
    await project.cloud.stop();
  });

  const api = (data: unknown, openid?: string) => project.call(project.B, 'api', data, openid) as Promise<Reply>;
  /**
   * One warm instance each of B's api and A's users_add, for a test whose call goes through to A.
   * Starting them is setup: a users_add starting cold inside api's upstream budget would let the
   * platform's start-up time on a loaded machine, not the code, decide the answer (TIMEOUT).
   */
  const warm = async () => {
    await project.cloud.functions.provision(project.B.envId, 'api', 1);
    await project.cloud.functions.provision(project.A.envId, 'users_add', 1);
  };

  it("adds a user to A's database as the calling user of B", async () => {
    await warm();
    const reply = await api({ func: 'users_add', data: user }, 'oB_user_0001');
    expect(reply).toMatchObject({ errcode: 0, errmsg: 'success', data: { errcode: 0, data: { ...user, openid: 'oB_user_0001' } } });
    const stored = usersOfA();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ ...user, openid: 'oB_user_0001', app: project.B.appid, _id: `${project.B.appid}:oB_user_0001` });
    expect(stored[0]?.created_at).toBeInstanceOf(Date);
    // The token for A lives in B's token collection, in the shape seed-era code reads.
    const [token] = project.cloud.backend.database(project.B.envId).find('token', { _id: project.A.appid });
    expect(token).toMatchObject({ _id: project.A.appid, access_token: expect.any(String), expires_in: expect.any(Number) });
  });

  describe('with as many instances provisioned as can run at once', () => {
    // The race is about the database, not cold starts. Without provisioning, A's users_add
    // starting cold inside api's 6 s upstream budget decides the outcome on a loaded machine,
    // and the cold starts eat the test's own time; provisioning is setup, so it is done here.
    const overlapping = Math.min(4, defaultInstanceCap());
    beforeEach(async () => {
      await project.cloud.functions.provision(project.B.envId, 'api', overlapping);
      await project.cloud.functions.provision(project.A.envId, 'users_add', overlapping);
    });

    it('answers -2001 for an openid that exists, even when calls race, and stores one user', async () => {
      // The four calls reach the runtime together: each of the `overlapping` instances takes one,
      // the rest queue, and queueing does not count against api's time limit, so load makes this
      // slower, never a timeout.
      const replies = await Promise.all(Array.from({ length: 4 }, () => api({ func: 'users_add', data: user }, 'oB_user_race')));
      const codes = replies.map((reply) => reply.data?.errcode).sort();
      expect(codes).toEqual([-2001, -2001, -2001, 0]);
      expect(usersOfA()).toHaveLength(1);
      expect(project.cloud.functions.instances(project.B.envId, 'api')).toBe(overlapping);
    });
  });

  it('answers -1001 naming the field for invalid input, and stores nothing', async () => {
    await warm();
    const reply = await api({ func: 'users_add', data: { ...user, tel: '12345' } }, 'oB_user_0002');
    expect(reply.errcode).toBe(0);
    expect(reply.data).toMatchObject({ errcode: -1001, errmsg: expect.stringContaining('invalid tel') });
    expect(usersOfA()).toHaveLength(0);
  });

  it("overwrites an openid the page sent with the caller's own", async () => {
    await warm();
    await api({ func: 'users_add', data: { ...user, openid: 'oVictim_00001' } }, 'oB_attacker01');
    expect(usersOfA().map((u) => u.openid)).toEqual(['oB_attacker01']);
  });

  it('refuses a call without OPENID and a function that is not allowed, before any upstream call', async () => {
    expect(await api({ func: 'users_add', data: user })).toMatchObject({ errcode: -1002 });
    expect(await api({ func: 'users_delete', data: {} }, 'oB_user_0003')).toMatchObject({ errcode: -1003 });
    expect(project.cloud.wechat.issuedTokens(project.A.appid)).toBe(0);
  });

  it('refreshes a rejected token once and retries the call', async () => {
    await warm();
    await api({ func: 'users_add', data: user }, 'oB_user_0004');
    expect(project.cloud.wechat.issuedTokens(project.A.appid)).toBe(1);
    // WeChat's clock moves past the token's life; the function's own clock does not know.
    project.clock.advance(7200 * 1000 + 1000);
    const reply = await api({ func: 'users_add', data: user }, 'oB_user_0005');
    expect(reply).toMatchObject({ errcode: 0, data: { errcode: 0 } });
    expect(project.cloud.wechat.issuedTokens(project.A.appid)).toBe(2);
    expect(usersOfA()).toHaveLength(2);
  });

  it("answers -3001 with A's errcode and no secret when the call to A fails", async () => {
    const wrongSecret = 'wrong-secret-value-1234567890';
    project.deploy('api', { A_APPSECRET: wrongSecret });
    const reply = await api({ func: 'users_add', data: user }, 'oB_user_0006');
    expect(reply).toMatchObject({ errcode: -3001, data: { errcode: 40125 } });
    expect(reply.errmsg).toMatch(/appsecret/i);
    expect(JSON.stringify(reply)).not.toContain(wrongSecret);
    expect(JSON.stringify(reply)).not.toMatch(/\n\s+at /);
  });

  it('keeps the Baidu token in setconfig fresh, skips fresh entries and survives an outage', async () => {
    const setconfig = () => project.cloud.backend.database(project.B.envId).find('setconfig');
    const run = async () => (await project.call(project.B, 'refresh_tokens', { Type: 'Timer', TriggerName: 'refresh_third_party_tokens' })) as Reply;

    expect(await run()).toMatchObject({ errcode: 0, data: { refreshed: ['baidu_ocr'], fresh: [], failed: [] } });
    const [first] = setconfig();
    expect(first).toMatchObject({ config_name: 'baidu_ocr', value: expect.any(String), last_error: null });
    expect(first?.refreshed_at).toBeInstanceOf(Date);
    expect(project.cloud.baidu.authenticate(String(first?.value)).ok).toBe(true);

    expect(await run()).toMatchObject({ data: { refreshed: [], fresh: ['baidu_ocr'] } });

    // Inside the margin while Baidu is down: the old value stays, the error is recorded.
    project.cloud.backend.database(project.B.envId).clear('setconfig');
    project.cloud.backend.database(project.B.envId).insert('setconfig', { ...first, expires_at: Date.now() + 60_000 });
    project.cloud.baidu.inject({ path: '/oauth/2.0/token', status: 503 });
    const outage = await run();
    expect(outage).toMatchObject({ data: { refreshed: [], failed: [{ config_name: 'baidu_ocr' }] } });
    const [kept] = setconfig();
    expect(kept).toMatchObject({ value: first?.value, last_error: { code: expect.any(String), message: expect.stringContaining('503') } });
    expect(setconfig()).toHaveLength(1);

    project.cloud.baidu.clearFaults();
    expect(await run()).toMatchObject({ data: { refreshed: ['baidu_ocr'] } });
    expect(setconfig()[0]).toMatchObject({ last_error: null });
    expect(setconfig()[0]?.value).not.toBe(first?.value);
  });

  it('records a failure when Baidu is down on the very first run, with no value to keep', async () => {
    project.cloud.baidu.inject({ path: '/oauth/2.0/token', status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } });
    const reply = (await project.call(project.B, 'refresh_tokens', {})) as Reply;
    expect(reply).toMatchObject({
      errcode: 0,
      data: { failed: [{ config_name: 'baidu_ocr', error: expect.stringContaining('Client authentication failed') }] },
    });
    const entries = project.cloud.backend.database(project.B.envId).find('setconfig');
    expect(entries).toEqual([expect.objectContaining({ config_name: 'baidu_ocr', last_error: expect.objectContaining({ code: 'BAIDU_API' }) })]);
    expect(entries[0]).not.toHaveProperty('value');
  });
});

describe('built function folders', () => {
  it.each(['api', 'users_add', 'refresh_tokens'])('%s is ready for "upload and deploy": index.js, package.json, config.json', (name) => {
    const dir = join(BUILT_FUNCTIONS, name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).toEqual(['wx-server-sdk']);
    expect(pkg.main).toBe('index.js');
    const bundle = readFileSync(join(dir, 'index.js'), 'utf8');
    const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => String(m[1])).filter((m) => !isBuiltin(m)));
    expect([...required]).toEqual(['wx-server-sdk']);
    JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  });

  it("declares refresh_tokens' timer trigger in WeChat's 7-field cron form", () => {
    const config = JSON.parse(readFileSync(join(BUILT_FUNCTIONS, 'refresh_tokens', 'config.json'), 'utf8'));
    expect(config.triggers).toHaveLength(1);
    expect(config.triggers[0]).toMatchObject({ type: 'timer', name: expect.any(String) });
    expect(String(config.triggers[0].config).split(' ')).toHaveLength(7);
  });
});
