import { clientInvocation, startProjectCloud, type ProjectCloud } from '@wxhub/local-cloud';
import { REPO_ROOT } from '@wxhub/test-support';

const user = { name: '韩梅梅', age: 26, sex: 'female', tel: '13900139000' };

/**
 * The BUILT users_add bundle in A's environment, called straight from a page of A (not through
 * B's `api`, which overwrites `openid` before users_add sees it): whatever `openid` the page puts
 * in `data`, the user stored is the caller from the invocation's context.
 */
describe('users_add (built bundle) called by a page of A', () => {
  let project: ProjectCloud;
  let envId: string;
  let appid: string;

  beforeEach(async () => {
    project = await startProjectCloud({ root: REPO_ROOT, runtime: { idleCheckIntervalMs: 0 } });
    const A = project.config.apps.A;
    if (!A || !project.functions.includes('users_add')) {
      await project.cloud.stop();
      throw new Error('users_add is not configured and built: run `pnpm build`');
    }
    ({ envId, appid } = A);
  });
  afterEach(async () => {
    await project.cloud.stop();
  });

  const usersOfA = () => {
    const db = project.cloud.backend.database(envId);
    return db.hasCollection('users') ? db.find('users') : [];
  };

  it("stores the caller, not another user's openid sent in data", async () => {
    const { result } = await project.cloud.functions.invoke({
      envId,
      name: 'users_add',
      ...clientInvocation(appid, { ...user, openid: 'oA_victim_0001' }, { openid: 'oA_caller_0001' }),
    });
    expect(result).toMatchObject({ errcode: 0, data: { openid: 'oA_caller_0001' } });
    const stored = usersOfA();
    expect(stored.map((u) => u.openid)).toEqual(['oA_caller_0001']);
    expect(JSON.stringify(stored)).not.toContain('oA_victim_0001');
  });

  it('refuses, for the caller, a second registration that names a fresh openid in data', async () => {
    const call = (spoofed: string) =>
      project.cloud.functions.invoke({ envId, name: 'users_add', ...clientInvocation(appid, { ...user, openid: spoofed }, { openid: 'oA_caller_0002' }) });
    expect((await call('oA_other_00001')).result).toMatchObject({ errcode: 0 });
    expect((await call('oA_other_00002')).result).toMatchObject({ errcode: -2001 });
    expect(usersOfA().map((u) => u.openid)).toEqual(['oA_caller_0002']);
  });
});
