import { defaultInstanceCap } from '@wxhub/local-cloud';
import { startTestProject, testedNodeRuntimes, type TestProject } from '@wxhub/test-support';
import { budgetDay } from '@wxhub/token-cache';

interface Reply {
  errcode: number;
  errmsg: string;
  data?: any;
}

const STABLE = '/cgi-bin/stable_token';
const user = { name: '韩梅梅', age: 27, sex: 'female', tel: '13700137000' };

/**
 * The built `api` under the faults its token path exists for, on WeChat's runtimes (16.13, 18.15):
 * B's `api` instances (separate processes) share A's access token through B's `token` collection.
 */
describe.each(testedNodeRuntimes())('api token path under faults on Node $version', ({ binary }) => {
  let project: TestProject;
  /** Ends a poll of a test that failed, so it can never act on the next test's cloud. */
  let ended = false;
  beforeEach(async () => {
    ended = false;
    project = await startTestProject(binary);
  });
  afterEach(async () => {
    ended = true;
    project.cloud.wechat.clearFaults();
    await project.cloud.stop();
  });

  /**
   * A's users_add warm for `calls` concurrent calls (set-up): what is tested is api's token path,
   * which a users_add starting cold inside api's upstream budget on a loaded machine would decide.
   */
  const warmUsersAdd = (calls: number) => project.cloud.functions.provision(project.A.envId, 'users_add', Math.min(calls, defaultInstanceCap()));
  const api = (openid: string) => project.call(project.B, 'api', { func: 'users_add', data: user }, openid) as Promise<Reply>;
  const tokens = () => project.cloud.backend.database(project.B.envId);
  const tokenDocument = () => (tokens().hasCollection('token') ? tokens().find('token', { _id: project.A.appid })[0] : undefined);
  /** Counts requests to the token endpoint (the fault never fires: `when` answers false). */
  const countTokenRequests = () => {
    const seen = { plain: 0, forced: 0 };
    project.cloud.wechat.faults.inject({
      path: STABLE,
      status: 500,
      when: (request) => {
        if (request.body.toString('utf8').includes('"force_refresh":true')) seen.forced++;
        else seen.plain++;
        return false;
      },
    });
    return seen;
  };

  /** The holder of the lease on A's token once one instance has claimed it (its id starts with its pid). */
  const leaseHolder = async (): Promise<string> => {
    const own = project;
    // Polls an event that must come (the fetch is held 6 s); ends with the test.
    while (!ended && own === project) {
      const holder = tokenDocument()?.lease_holder;
      if (typeof holder === 'string' && holder !== '') return holder;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no instance claimed the lease on the token');
  };

  /** Resolves once WeChat holds a request under the armed delay (the holder's fetch is in flight). */
  const heldRequest = async (): Promise<void> => {
    const own = project;
    while (!ended && own === project) {
      if (project.cloud.wechat.faults.pending > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the token request never reached WeChat');
  };

  it('holder killed mid-refresh: every other call is answered 0, at most 2 tokens', async () => {
    await warmUsersAdd(4);
    const issuedBefore = project.cloud.wechat.issuedTokens(project.A.appid);
    project.cloud.wechat.inject({ path: STABLE, delayMs: 6_000, times: 1 });
    const calls = Array.from({ length: 4 }, (_, i) => api(`oB_crash_000${i}`).catch((error: unknown) => ({ errcode: NaN, errmsg: String(error) })));
    const holder = await leaseHolder();
    // Mid-refresh: the holder's token request has reached WeChat (held by the delay) before the kill.
    await heldRequest();
    const pid = Number(holder.split('-')[0]);
    // Only an instance of this cloud's `api` (the lease names its process id).
    expect(project.cloud.functions.instances(project.B.envId, 'api')).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const replies = await Promise.all(calls);
    const answered = replies.filter((reply) => reply.errcode === 0);
    // The killed instance's own call dies with it; every other one gets A's answer.
    expect(answered.length).toBeGreaterThanOrEqual(replies.length - 1);
    expect(project.cloud.wechat.issuedTokens(project.A.appid) - issuedBefore).toBeLessThanOrEqual(2);
  });

  it('the token endpoint hangs while a valid token is stored: every call is answered 0', async () => {
    await warmUsersAdd(3);
    expect((await api('oB_hang_0000')).errcode).toBe(0);
    const stored = tokenDocument()!;
    // The same token, now inside the 5-minute margin (4 minutes left): every instance refreshes.
    tokens().clear('token');
    tokens().insert('token', { _id: project.A.appid, access_token: stored.access_token, expires_in: Date.now() + 4 * 60_000 });
    project.deploy('api', {}); // fresh instances: nothing in memory
    project.cloud.wechat.inject({ path: STABLE, hang: true });
    const replies = await Promise.all(Array.from({ length: 3 }, (_, i) => api(`oB_hang_000${i + 1}`)));
    expect(replies.map((reply) => reply.errcode)).toEqual(replies.map(() => 0));
  });

  it('persistent 40001: forced refreshes stop at the budget and the page gets -3001 naming the cause, never 45009', async () => {
    await warmUsersAdd(1); // the first call goes through to A
    expect((await api('oB_40001_000')).errcode).toBe(0);
    const seen = countTokenRequests();
    project.cloud.wechat.inject({ path: '/tcb/invokecloudfunction', errcode: 40001 });
    const replies: Reply[] = [];
    for (let i = 0; i < 4; i++) replies.push(await api(`oB_40001_00${i + 1}`));
    // The first call forces one refresh (after a plain fetch handed the rejected token back); the
    // next ones are within 30 s of it: refused by the budget, no request forced.
    expect(seen.forced).toBe(1);
    expect(replies[0]).toMatchObject({ errcode: -3001, data: { errcode: 40001 } });
    for (const reply of replies.slice(1)) {
      expect(reply).toMatchObject({ errcode: -3001, data: { errcode: 'FORCE_REFRESH_BUDGET' } });
      expect(reply.errmsg).toMatch(/forced refresh/);
    }
    expect(JSON.stringify(replies)).not.toContain('45009');
    expect(tokenDocument()).toMatchObject({ forced_day: budgetDay(Date.now()), forced_count: 1 });

    // A day's budget already spent (by other instances, earlier): nothing is forced at all.
    tokens().clear('token');
    tokens().insert('token', { _id: project.A.appid, forced_day: budgetDay(Date.now()), forced_count: 10, forced_last_at: Date.now() - 3_600_000 });
    project.deploy('api', {});
    const spent = await api('oB_40001_009');
    expect(spent).toMatchObject({ errcode: -3001, data: { errcode: 'FORCE_REFRESH_BUDGET' } });
    expect(spent.errmsg).toMatch(/10 forced refreshes/);
    expect(seen.forced).toBe(1);
    expect(JSON.stringify(spent)).not.toContain(project.cloud.app(project.A.appid).secret);
  });
});
