import type { ProjectCloud } from '@wxhub/local-cloud';
import { startBuiltFunctionInB } from '@wxhub/test-support';

/** The BUILT bundle in B's environment on the local cloud: who may call it. */
describe('token_status (built bundle)', () => {
  let project: ProjectCloud;
  let envId: string;
  let appid: string;

  beforeEach(async () => {
    ({ project, envId, appid } = await startBuiltFunctionInB('token_status'));
  });
  afterEach(async () => {
    await project.cloud.stop();
  });

  const call = async (openid?: string) =>
    (await project.cloud.functions.invoke({ envId, name: 'token_status', event: {}, caller: { appid, openid, source: openid ? 'wx_client' : undefined } }))
      .result;

  it('answers an empty list before setconfig exists, and creates nothing', async () => {
    expect(await call('oB_status_user_1')).toEqual({ errcode: 0, errmsg: 'success', data: { tokens: [], access_tokens: [] } });
    expect(project.cloud.backend.database(envId).hasCollection('setconfig')).toBe(false);
    expect(project.cloud.backend.database(envId).hasCollection('token')).toBe(false);
  });

  it('refuses a call without a user (-1002)', async () => {
    expect(await call()).toMatchObject({ errcode: -1002 });
  });

  it('refuses users outside TOKEN_STATUS_VIEWERS when it is set (-1003)', async () => {
    project.deploy('token_status', { TOKEN_STATUS_VIEWERS: 'oB_status_admin' });
    expect(await call('oB_status_user_1')).toMatchObject({ errcode: -1003 });
    expect(await call('oB_status_admin')).toMatchObject({ errcode: 0 });
  });
});
