import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUrl, ManualClock, requestJson } from '@wxhub/core';
import { startProjectCloud, type ProjectCloud } from '../src/project/project-cloud';
import { callFunction, CallFunctionError, ClientCallApi, type ClientCallRequest } from '../src/client-api';
import type { AppConfig } from '../src/config';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(__dirname, 'fixtures', 'functions');

/** Resolves to the CallFunctionError a call rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<CallFunctionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CallFunctionError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('client-call endpoint (wx.cloud.callFunction over HTTP)', () => {
  let project: ProjectCloud;
  let A: AppConfig;
  let B: AppConfig;
  let scratch: string;
  const call = (request: ClientCallRequest) => callFunction(project.cloud.url, request);

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'build', 'cloudfunctions', 'api', 'index.js'))) {
      throw new Error('the cloud functions are not built: run `pnpm build` (pnpm test does it first)');
    }
    project = await startProjectCloud({ root: REPO_ROOT, clock: new ManualClock(Date.now()), runtime: { idleCheckIntervalMs: 0 } });
    const cloud = project.cloud;
    cloud.mount(new ClientCallApi({ apps: cloud.apps, runtime: cloud.functions }).service);
    A = cloud.app('A');
    B = cloud.app('B');
    // A function of B's that reports what it was given: the event and getWXContext().
    scratch = mkdtempSync(join(tmpdir(), 'wxhub-client-api-'));
    const whoami = join(scratch, 'whoami');
    mkdirSync(whoami);
    writeFileSync(
      join(whoami, 'index.js'),
      `const cloud = require('wx-server-sdk');
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
exports.main = async (event) => ({ event, wx: cloud.getWXContext() });
`,
    );
    cloud.functions.register({ envId: B.envId, name: 'whoami', dir: whoami, backendUrl: cloud.sdkBackendUrl });
    cloud.functions.register({ envId: B.envId, name: 'throws', dir: join(FIXTURES, 'throws'), backendUrl: cloud.sdkBackendUrl });
  });

  afterAll(async () => {
    await project?.cloud.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("runs the function in the app's environment as that app's user, with userInfo added to the event", async () => {
    const reply = await call({ app: 'B', name: 'whoami', data: { page: 'index', n: 1 }, openid: 'oB_user_1', unionid: 'oU_union_1' });
    expect(reply.errMsg).toBe('cloud.callFunction:ok');
    expect(reply.requestID).toMatch(/\S/);
    expect(reply.result).toEqual({
      event: { page: 'index', n: 1, userInfo: { appId: B.appid, openId: 'oB_user_1' } },
      wx: expect.objectContaining({ OPENID: 'oB_user_1', APPID: B.appid, UNIONID: 'oU_union_1', ENV: B.envId, SOURCE: 'wx_client' }),
    });
    const logs = project.cloud.functions.logs(B.envId, 'whoami', reply.requestID);
    expect(logs.some((line) => line.message.includes(reply.requestID))).toBe(true);
  });

  it("replaces a userInfo the page sent with WeChat's, and calls without a user carry no OPENID", async () => {
    const forged = await call({ appid: B.appid, name: 'whoami', data: { userInfo: { appId: 'wxforged', openId: 'oVictim' } }, openid: 'oB_user_2' });
    expect((forged.result as { event: unknown }).event).toEqual({ userInfo: { appId: B.appid, openId: 'oB_user_2' } });

    const anonymous = await call({ app: 'B', name: 'whoami' });
    const result = anonymous.result as { event: unknown; wx: Record<string, unknown> };
    expect(result.event).toEqual({ userInfo: { appId: B.appid } });
    expect(result.wx.OPENID).toBeUndefined();
    expect(result.wx.APPID).toBe(B.appid);
  });

  it("plays B's page registering a user: B's api → A's users_add, stored in A's database", async () => {
    const user = { name: '李雷', age: 28, sex: 'male', tel: '13800138000' };
    const reply = await call({ app: 'B', name: 'api', data: { func: 'users_add', data: user }, openid: 'oB_client_api_1' });
    expect(reply.result).toMatchObject({ errcode: 0, data: { errcode: 0, data: { ...user, openid: 'oB_client_api_1' } } });
    const stored = project.cloud.backend.database(A.envId).find('users', { openid: 'oB_client_api_1', app: B.appid });
    expect(stored).toHaveLength(1);
  });

  it('answers exactly the client SDK shape on the wire', async () => {
    const response = await requestJson(buildUrl(project.cloud.url, '/client/callFunction'), {
      method: 'POST',
      json: { app: 'B', name: 'whoami', openid: 'oB_wire' },
    });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body as object).sort()).toEqual(['errMsg', 'requestID', 'result']);
  });

  it('rejects like the client SDK when the function throws: -404011 with -504002 inside, no stack', async () => {
    const error = await failure(call({ app: 'B', name: 'throws', data: { marker: 'x1' }, openid: 'oB_user_3' }));
    expect(error.status).toBe(502);
    expect(error.errCode).toBe(-404011);
    expect(error.errMsg).toMatch(
      /^cloud\.callFunction:fail requestID \S+, cloud function service error code -504002, error message .*RangeError: no such item x1/,
    );
    expect(error.errMsg).not.toMatch(/\n\s+at /);
    expect(error.requestID).toBeDefined();
    // The stack is in the function's logs, under the same request id.
    const logs = project.cloud.functions.logs(B.envId, 'throws', error.requestID);
    expect(logs.map((line) => line.message).join('\n')).toMatch(/RangeError: no such item x1\n\s+at /);
  });

  it('rejects a function that does not exist in the environment', async () => {
    const error = await failure(call({ app: 'B', name: 'users_add', openid: 'oB_user_4' }));
    expect(error.status).toBe(502);
    expect(error.errCode).toBe(-404011);
    expect(error.errMsg).toContain('cloud function service error code -501000');
    expect(error.errMsg).toContain('users_add');
    expect(error.requestID).toBeUndefined();
  });

  it("refuses another app's environment and one that does not exist", async () => {
    const foreign = await failure(call({ app: 'B', env: A.envId, name: 'users_add', openid: 'oB_user_5' }));
    expect(foreign.status).toBe(403);
    expect(foreign.errMsg).toContain(`env ${A.envId} is not an environment of mini program ${B.appid}`);
    const missing = await failure(call({ app: 'B', env: 'nope-env-000', name: 'api', openid: 'oB_user_5' }));
    expect(missing.status).toBe(404);
    expect(missing.errMsg).toContain('env not exists');
    expect(project.cloud.backend.database(A.envId).find('users', { _id: 'oB_user_5' })).toHaveLength(0);
  });

  it('names the apps it has when asked for one it does not', async () => {
    const error = await failure(call({ appid: 'wx00000000000000ff', name: 'api', openid: 'o1' }));
    expect(error.status).toBe(404);
    expect(error.errMsg).toContain('no mini program wx00000000000000ff');
    expect(error.errMsg).toContain(`B (${B.appid})`);
    const byName = await failure(call({ app: 'C', name: 'api' }));
    expect(byName.errMsg).toContain('no mini program C');
  });

  it('refuses requests the client SDK would not send', async () => {
    const noName = await failure(call({ app: 'B' } as ClientCallRequest));
    expect(noName.status).toBe(400);
    expect(noName.errMsg).toBe('cloud.callFunction:fail parameter error: parameter.name should be String instead of Undefined');
    const arrayData = await failure(call({ app: 'B', name: 'whoami', data: [1, 2] as unknown as Record<string, unknown> }));
    expect(arrayData.errMsg).toContain('parameter.data should be Object instead of Array');
    const both = await failure(call({ app: 'B', appid: B.appid, name: 'whoami' }));
    expect(both.errMsg).toContain('exactly one of appid and app');
    const get = await requestJson(buildUrl(project.cloud.url, '/client/callFunction'), { method: 'GET' });
    expect(get.status).toBe(405);
  });
});
