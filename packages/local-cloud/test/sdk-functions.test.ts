import * as path from 'node:path';
import * as cloud from 'wx-server-sdk';
import { applySdkEnv, sdkProcessEnv, type CallerIdentity } from '../src/sdk-backend/sdk-env';
import { startSdkCloud, sdkCall, ENV_A, type SdkCloud } from './support/sdk-cloud';

// cloud.callFunction between functions of one environment (functions.invokeFunction), with the
// real wx-server-sdk both in this process and inside functions run by the local cloud's runtime.

const FIXTURES = path.join(__dirname, 'fixtures', 'sdk-functions');
const APPID_A = 'wxa000000000000001';

let env: SdkCloud;

beforeAll(async () => {
  env = await startSdkCloud();
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  for (const name of ['caller', 'callee']) {
    env.cloud.functions.register({ envId: ENV_A, name, dir: path.join(FIXTURES, name), backendUrl: env.cloud.sdkBackendUrl });
  }
  env.cloud.functions.register({
    envId: ENV_A,
    name: 'hangs',
    dir: path.join(__dirname, 'fixtures', 'functions', 'hangs'),
    backendUrl: env.cloud.sdkBackendUrl,
  });
});

afterAll(() => env.stop());

interface CalleeResult {
  got: Record<string, unknown>;
  wx: Record<string, unknown>;
  hasApiToken: boolean;
}

interface SdkFailure {
  errCode?: number;
  code?: string;
  message: string;
}

function failureOf(promise: Promise<unknown>): Promise<SdkFailure | undefined> {
  return promise.then(
    () => undefined,
    (error: SdkFailure) => error,
  );
}

/**
 * Makes this process look like an invocation of a function running for `caller`: a WX_API_TOKEN
 * from the local cloud in WX_CONTEXT_KEYS, as the runtime gives every instance.
 */
function asInvocation(caller: CallerIdentity): () => void {
  const token = env.cloud.apiTokens.issue({ envId: ENV_A, functionName: 'in-process', caller, openapi: [] });
  const base = sdkProcessEnv({ backendUrl: env.cloud.sdkBackendUrl, envId: ENV_A, caller });
  const restore = applySdkEnv({ ...base, WX_API_TOKEN: token, WX_CONTEXT_KEYS: [base.WX_CONTEXT_KEYS, 'WX_API_TOKEN'].filter(Boolean).join(',') });
  return () => {
    restore();
    env.cloud.apiTokens.revoke(token);
  };
}

describe('from this process', () => {
  test('callFunction runs the callee in the runtime and returns its result', async () => {
    const res = await sdkCall(cloud.callFunction({ name: 'callee', data: { n: 7, list: ['a', { deep: true }] } }));
    expect(res.errMsg).toBe('callFunction:ok');
    expect(typeof res.requestID).toBe('string');
    const result = res.result as CalleeResult;
    expect(result.got).toEqual({ n: 7, list: ['a', { deep: true }] });
    // No invocation token here: the callee knows its environment and that a function called it, not for whom.
    expect(result.wx).toEqual({ ENV: ENV_A, SOURCE: 'scf' });
    expect(result.hasApiToken).toBe(true);
  });

  test("the callee runs for the calling invocation's user, and its SOURCE extends the caller's chain", async () => {
    const restore = asInvocation({ openid: 'o-user-1', appid: APPID_A, source: 'wx_client' });
    try {
      const res = await sdkCall(cloud.callFunction({ name: 'callee', data: {} }));
      expect((res.result as CalleeResult).wx).toEqual({ OPENID: 'o-user-1', APPID: APPID_A, ENV: ENV_A, SOURCE: 'wx_client,scf' });
    } finally {
      restore();
    }
  });

  test('a callee that throws fails the call with FUNCTIONS_EXECUTE_FAIL, its message and no stack', async () => {
    const failure = await failureOf(sdkCall(cloud.callFunction({ name: 'callee', data: { fail: 'bad input' } })));
    // wx-server-sdk 4.0.2 reports -1: @cloudbase/node-sdk throws before wx-server-sdk's code table is consulted.
    expect(failure).toMatchObject({ errCode: -1, code: 'FUNCTIONS_EXECUTE_FAIL' });
    expect(failure?.message).toBe('callFunction:fail TypeError: callee refused: bad input');
    expect(env.cloud.functions.logs(ENV_A, 'callee').some((line) => line.message.includes('at exports.main'))).toBe(true);
  });

  test('a callee past its time limit fails the call with FUNCTIONS_EXECUTE_FAIL', async () => {
    const failure = await failureOf(sdkCall(cloud.callFunction({ name: 'hangs', data: {} })));
    expect(failure).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' });
    expect(failure?.message).toBe('callFunction:fail Invoking task timed out after 0.3 seconds');
  });

  // FUNCTION_NOT_FOUND: what @cloudbase/node-sdk's own tests expect of the real backend (docs/wechat-facts.md, Corrections 7).
  test('an unknown function fails the call with FUNCTION_NOT_FOUND', async () => {
    const failure = await failureOf(sdkCall(cloud.callFunction({ name: 'nobody', data: {} })));
    expect(failure).toMatchObject({ errCode: -1, code: 'FUNCTION_NOT_FOUND' });
    expect(failure?.message).toBe(`callFunction:fail [ResourceNotFound.FunctionName] function nobody does not exist in env ${ENV_A}`);
  });

  test('data nested deeper than WeChat takes is refused as INVALID_PARAM before the callee runs', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 1; i < 150; i++) deep = { a: deep };
    const before = env.cloud.functions.logs(ENV_A, 'callee').length;
    const failure = await failureOf(sdkCall(cloud.callFunction({ name: 'callee', data: deep })));
    expect(failure).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('the event of function callee is nested deeper than 100 levels') });
    expect(failure?.message).not.toMatch(/\n\s+at /);
    expect(env.cloud.functions.logs(ENV_A, 'callee')).toHaveLength(before);
  });

  test('results that are not objects come back as they were returned', async () => {
    for (const bare of [0, 'text', null, [1, 'two'], false]) {
      const res = await sdkCall(cloud.callFunction({ name: 'callee', data: { bare } }));
      expect(res.result).toEqual(bare);
    }
  });
});

describe('between functions run by the local cloud', () => {
  test('a mini program user → caller → callee: the callee gets the data, the user and the SOURCE chain', async () => {
    const { result } = await env.cloud.functions.invoke({
      envId: ENV_A,
      name: 'caller',
      event: { target: 'callee', data: { order: 42 } },
      caller: { openid: 'o-user-2', appid: APPID_A, source: 'wx_client' },
    });
    const answer = result as { self: Record<string, unknown>; result: CalleeResult; errMsg: string };
    expect(answer.errMsg).toBe('callFunction:ok');
    expect(answer.self).toEqual({ OPENID: 'o-user-2', APPID: APPID_A, ENV: ENV_A, SOURCE: 'wx_client' });
    expect(answer.result.got).toEqual({ order: 42 });
    expect(answer.result.wx).toEqual({ OPENID: 'o-user-2', APPID: APPID_A, ENV: ENV_A, SOURCE: 'wx_client,scf' });
    // Every invocation's token is revoked when it ends.
    expect(env.cloud.apiTokens.size).toBe(0);
  });

  test('a failing callee reaches the calling function as an SDK error it can catch', async () => {
    const { result } = await env.cloud.functions.invoke({ envId: ENV_A, name: 'caller', event: { target: 'callee', data: { fail: 'nope' } } });
    expect((result as { error: SdkFailure }).error).toEqual({
      errCode: -1,
      code: 'FUNCTIONS_EXECUTE_FAIL',
      message: 'callFunction:fail TypeError: callee refused: nope',
    });
  });
});
