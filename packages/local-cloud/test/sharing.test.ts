import * as path from 'node:path';
import * as cloud from 'wx-server-sdk';
import { applySdkEnv, sdkProcessEnv, type CallerIdentity } from '../src/sdk-backend/sdk-env';
import { startSdkCloud, ENV_A, ENV_B, type SdkCloud } from './support/sdk-cloud';

// Cross-account sharing (环境共享) with the real wx-server-sdk 4.0.2 in this process, running as an
// invocation of a function of B: new cloud.Cloud({resourceAppid: A, resourceEnv: A's env}) + init().

const APPID_A = 'wxa000000000000001';
const APPID_B = 'wxb000000000000002';
const FIXTURES = path.join(__dirname, 'fixtures');
const USER: CallerIdentity = { openid: 'oB_shared_user_1', appid: APPID_B, unionid: 'uShared_person_1', source: 'wx_client' };

interface SharedCloud {
  init(): Promise<void>;
  callFunction(param: { name: string; data?: unknown }): Promise<{ result: any }>;
  database(): any;
}
const SdkCloud = (cloud as unknown as { Cloud: new (options: { resourceAppid: string; resourceEnv: string }) => SharedCloud }).Cloud;

let env: SdkCloud;
let restoreInvocation: (() => void) | undefined;

/** This process as an invocation of a function of B, run for `caller`. */
function asInvocationOfB(caller: CallerIdentity = USER): void {
  const token = env.cloud.apiTokens.issue({ envId: ENV_B, functionName: 'api', caller, openapi: [] });
  const base = sdkProcessEnv({ backendUrl: env.cloud.sdkBackendUrl, envId: ENV_B, caller });
  const restore = applySdkEnv({ ...base, WX_API_TOKEN: token, WX_CONTEXT_KEYS: [base.WX_CONTEXT_KEYS, 'WX_API_TOKEN'].filter(Boolean).join(',') });
  restoreInvocation = () => {
    restore();
    env.cloud.apiTokens.revoke(token);
  };
}

function deployAuth(answer?: unknown): void {
  env.cloud.functions.register({
    envId: ENV_A,
    name: 'cloudbase_auth',
    dir: path.join(FIXTURES, 'sharing', 'cloudbase_auth'),
    backendUrl: env.cloud.sdkBackendUrl,
    env: answer === undefined ? {} : { AUTH_ANSWER: JSON.stringify(answer) },
    // The runner loads the bundle (wx-server-sdk) inside the first call's time limit; on a loaded
    // machine that alone can pass WeChat's default 3 s. What is tested here is the answer, not time.
    timeoutMs: 30_000,
  });
}

async function failure(promise: Promise<unknown>): Promise<{ errCode?: unknown; errMsg?: unknown; message?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { errCode?: unknown };
  }
  throw new Error('expected a refusal');
}

beforeEach(async () => {
  env = await startSdkCloud({ envId: ENV_B });
  env.cloud.functions.register({ envId: ENV_A, name: 'callee', dir: path.join(FIXTURES, 'sdk-functions', 'callee'), backendUrl: env.cloud.sdkBackendUrl });
  env.cloud.sharing.share({ owner: 'A', with: 'B' });
  asInvocationOfB();
});

afterEach(async () => {
  restoreInvocation?.();
  await env.stop();
});

const sharedA = () => new SdkCloud({ resourceAppid: APPID_A, resourceEnv: ENV_A });

describe('a shared environment', () => {
  beforeEach(() => deployAuth());

  it("runs A's function for B's user: FROM_OPENID / FROM_APPID / FROM_UNIONID, no OPENID, in A's env", async () => {
    const a = sharedA();
    await a.init();
    const { result } = await a.callFunction({ name: 'callee', data: { n: 1 } });
    expect(result.got).toEqual({ n: 1 });
    expect(result.wx).toMatchObject({ FROM_OPENID: USER.openid, FROM_APPID: APPID_B, FROM_UNIONID: USER.unionid, ENV: ENV_A });
    expect(result.wx.OPENID).toBeUndefined();
    expect(env.cloud.crossAccountTokenRequests).toEqual([
      { resourceAppid: APPID_A, resourceEnv: ENV_A, caller: { appid: APPID_B, openid: USER.openid, unionid: USER.unionid }, errorCode: 0 },
    ]);
    // cloudbase_auth ran in A for that caller.
    expect(
      env.cloud.functions
        .logs(ENV_A, 'cloudbase_auth')
        .map((entry) => entry.message)
        .join('\n'),
    ).toContain(`asked by ${APPID_B} for ${USER.openid}`);
  });

  it("reads and writes A's database, not B's", async () => {
    const a = sharedA();
    await a.init();
    await a.database().createCollection('notes');
    await a
      .database()
      .collection('notes')
      .add({ data: { _id: 'n1', text: 'from B' } });
    expect(env.cloud.backend.database(ENV_A).find('notes')).toEqual([expect.objectContaining({ _id: 'n1', text: 'from B' })]);
    expect(env.cloud.backend.database(ENV_B).hasCollection('notes')).toBe(false);
  });
});

describe('refusals', () => {
  beforeEach(() => deployAuth());

  it('an environment not shared with B: init fails with -601012 and A is never asked', async () => {
    env.cloud.sharing.unshare(ENV_A, 'B');
    expect(await failure(sharedA().init())).toMatchObject({ errCode: -601012 });
    expect(env.cloud.functions.logs(ENV_A, 'cloudbase_auth')).toEqual([]);
  });

  it.each([
    ['an env that does not exist', APPID_A, 'no-such-env'],
    ["an env that is not the resource app's", APPID_B, ENV_A],
  ])('%s: -601012', async (_case, resourceAppid, resourceEnv) => {
    expect(await failure(new SdkCloud({ resourceAppid, resourceEnv }).init())).toMatchObject({ errCode: -601012 });
  });

  it.each([
    ['refuses (non-zero errCode)', { errCode: 1, errMsg: 'no' }, -601017],
    ['answers without errCode', { auth: '{}' }, -601015],
  ])("A's cloudbase_auth %s: %s", async (_case, answer, code) => {
    deployAuth(answer);
    expect(await failure(sharedA().init())).toMatchObject({ errCode: code });
    expect(env.cloud.crossAccountTokenRequests.map((request) => request.errorCode)).toEqual([code]);
  });

  it('unsharing takes effect at once: an instance that already holds a credential is refused on its next call', async () => {
    const a = sharedA();
    await a.init();
    await a.callFunction({ name: 'callee', data: {} });
    env.cloud.sharing.unshare(ENV_A, 'B');
    const refused = await failure(a.callFunction({ name: 'callee', data: {} }));
    expect(String(refused.errMsg ?? refused.message)).toMatch(/no longer shared/);
  });

  it('a grant without database permission refuses database requests but serves function calls', async () => {
    env.cloud.sharing.share({ owner: 'A', with: 'B', permissions: ['functions'] });
    const a = sharedA();
    await a.init();
    await a.callFunction({ name: 'callee', data: {} });
    const refused = await failure(a.database().createCollection('notes'));
    expect(String(refused.errMsg ?? refused.message)).toMatch(/does not include database/);
    expect(env.cloud.backend.database(ENV_A).hasCollection('notes')).toBe(false);
  });
});

describe('an owner without cloudbase_auth', () => {
  it('refuses init with -601016 (UNCERTAIN which code WeChat uses)', async () => {
    expect(await failure(sharedA().init())).toMatchObject({ errCode: -601016 });
    expect(env.cloud.crossAccountTokenRequests.map((request) => request.errorCode)).toEqual([-601016]);
  });
});
