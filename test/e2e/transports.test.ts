import { startTestProject, testedNodeRuntimes, type TestProject } from '@wxhub/test-support';

const user = { name: '李雷', age: 28, sex: 'male', tel: '13800138000' };

interface Reply {
  errcode: number;
  errmsg: string;
  data?: any;
}

const TRANSPORTS = ['http', 'shared'] as const;
type Transport = (typeof TRANSPORTS)[number];

/**
 * The project with B's `api` deployed on the given transport (the configuration's other settings
 * unchanged), one instance each of B's `api` and A's `users_add` started. Starting them is setup:
 * a cold `users_add` would start inside `api`'s upstream budget, so on a loaded machine the time
 * the platform spent starting it, not the transport, would decide the answer (TIMEOUT).
 */
async function projectOn(binary: string, transport: Transport): Promise<TestProject> {
  const project = await startTestProject(binary);
  project.deploy('api', { API_TRANSPORT: transport });
  await project.cloud.functions.provision(project.B.envId, 'api', 1);
  await project.cloud.functions.provision(project.A.envId, 'users_add', 1);
  return project;
}

/**
 * B's pages → B's `api` (built bundle) → A's `users_add` (built bundle), through each transport:
 * `http` (WeChat's tcb/invokecloudfunction with A's access token) and `shared` (cross-account
 * sharing, no secret of A in B), on each Node version WeChat's cloud runs.
 */
describe.each(testedNodeRuntimes())('api transports on Node $version', ({ binary }) => {
  describe.each(TRANSPORTS)('transport %s', (transport) => {
    let project: TestProject;
    const usersOfA = () => {
      const db = project.cloud.backend.database(project.A.envId);
      return db.hasCollection('users') ? db.find('users') : [];
    };
    const person = (app: 'A' | 'B', name: string) => project.cloud.login.identity(app, name);
    const api = (data: unknown, caller: { openid: string; unionid?: string }) => project.call(project.B, 'api', data, caller) as Promise<Reply>;

    beforeEach(async () => {
      project = await projectOn(binary, transport);
    });
    afterEach(async () => {
      await project.cloud.stop();
    });

    it("stores the caller of B's page with B's appid and the unionid, whatever openid the page sent", async () => {
      const lilei = person('B', 'lilei');
      const victim = person('B', 'hanmeimei');
      const reply = await api({ func: 'users_add', data: { ...user, openid: victim.openid, unionid: victim.unionid } }, lilei);
      expect(reply).toMatchObject({ errcode: 0, data: { errcode: 0, data: { openid: lilei.openid, app: project.B.appid, unionid: lilei.unionid } } });
      expect(usersOfA()).toEqual([
        expect.objectContaining({ _id: `unionid:${lilei.unionid}`, openid: lilei.openid, unionid: lilei.unionid, app: project.B.appid }),
      ]);
      expect(JSON.stringify(usersOfA())).not.toContain(victim.openid);
      // Only the http transport needs A's token; the shared one asks WeChat for a cross-account credential.
      expect(project.cloud.wechat.issuedTokens(project.A.appid)).toBe(transport === 'http' ? 1 : 0);
      expect(project.cloud.crossAccountTokenRequests).toHaveLength(transport === 'shared' ? 1 : 0);
    });

    it('keeps one user for one person registering from A and from B (one unionid), answering -2001 the second time', async () => {
      const fromA = person('A', 'lilei');
      const fromB = person('B', 'lilei');
      expect(fromA.openid).not.toBe(fromB.openid);
      expect(fromA.unionid).toBe(fromB.unionid);
      const direct = (await project.call(project.A, 'users_add', user, fromA)) as Reply;
      expect(direct).toMatchObject({ errcode: 0, data: { app: project.A.appid, openid: fromA.openid, unionid: fromA.unionid } });
      const viaB = await api({ func: 'users_add', data: user }, fromB);
      expect(viaB).toMatchObject({ errcode: 0, data: { errcode: -2001 } });
      expect(usersOfA()).toEqual([expect.objectContaining({ _id: `unionid:${fromA.unionid}`, app: project.A.appid })]);
    });

    it('keeps two people apart: two users', async () => {
      // One after the other: what is tested is identity, not races (functions.test.ts has those).
      const replies: Reply[] = [];
      for (const name of ['lilei', 'hanmeimei']) replies.push(await api({ func: 'users_add', data: user }, person('B', name)));
      expect(replies.map((reply) => reply.data?.errcode)).toEqual([0, 0]);
      const stored = usersOfA();
      expect(stored).toHaveLength(2);
      expect(new Set(stored.map((u) => u.unionid)).size).toBe(2);
    });
  });

  it('answers the same page calls the same way through both transports', async () => {
    const pageCalls = (project: TestProject): Array<() => Promise<unknown>> => {
      const lilei = project.cloud.login.identity('B', 'lilei');
      const call = (data: unknown, caller?: { openid: string; unionid?: string }) => () => project.call(project.B, 'api', data, caller);
      return [
        call({ func: 'users_add', data: user }, lilei),
        call({ func: 'users_add', data: user }, lilei),
        call({ func: 'users_add', data: { ...user, tel: '12345' } }, project.cloud.login.identity('B', 'hanmeimei')),
        call({ func: 'users_delete', data: {} }, lilei),
        call({ func: 'users_add', data: { ...user, name: 'x'.repeat(70_000) } }, lilei),
        call({ func: 'users_add', data: user }),
      ];
    };
    const answers: Record<string, unknown[]> = {};
    for (const transport of TRANSPORTS) {
      const project = await projectOn(binary, transport);
      try {
        answers[transport] = [];
        for (const call of pageCalls(project)) answers[transport].push(await call());
      } finally {
        await project.cloud.stop();
      }
    }
    expect(answers.shared).toEqual(answers.http);
    expect((answers.http ?? []).map((reply) => [(reply as Reply).errcode, (reply as Reply).data?.errcode])).toEqual([
      [0, 0],
      [0, -2001],
      [0, -1001],
      [-1003, undefined],
      [-1004, undefined],
      [-1002, undefined],
    ]);
  });

  it('refuses clearly when A has not shared its environment with B (-3001, A-side code -601012), and stores nothing', async () => {
    const project = await projectOn(binary, 'shared');
    try {
      expect(project.cloud.sharing.unshare(project.A.envId, 'B')).toBe(true);
      const reply = (await project.call(project.B, 'api', { func: 'users_add', data: user }, project.cloud.login.identity('B', 'lilei'))) as Reply;
      expect(reply).toMatchObject({ errcode: -3001, data: { errcode: -601012 } });
      expect(reply.errmsg).toMatch(/not shared with this mini program/);
      expect(project.cloud.backend.database(project.A.envId).hasCollection('users')).toBe(false);
      expect(JSON.stringify(reply)).not.toMatch(/\n\s+at /);
    } finally {
      await project.cloud.stop();
    }
  });
});
