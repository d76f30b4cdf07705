import dns from 'node:dns';
import { applySdkEnv, sdkProcessEnv, SDK_ENV_VARIABLES } from '../src/sdk-backend/sdk-env';
import { startSdkCloud, sdkCall, ENV_A, type SdkCloud } from './support/sdk-cloud';

type WxServerSdk = typeof import('wx-server-sdk');

/** A fresh copy of wx-server-sdk (its init and its metadata cache are per module instance). */
function freshSdk(): WxServerSdk {
  let sdk: WxServerSdk | undefined;
  jest.isolateModules(() => {
    sdk = jest.requireActual<WxServerSdk>('wx-server-sdk');
  });
  if (!sdk) throw new Error('wx-server-sdk did not load');
  return sdk;
}

describe('sdkProcessEnv', () => {
  test('points the SDK at the backend and names the environment', () => {
    const env = sdkProcessEnv({ backendUrl: 'http://127.0.0.1:4000/sdk-backend', envId: 'e-1' });
    expect(JSON.parse(env.TCB_CONTEXT_CNFG as string)).toEqual({ URL: 'http://127.0.0.1:4000/sdk-backend' });
    expect(env).toMatchObject({
      TCB_ENV: 'e-1',
      SCF_NAMESPACE: 'e-1',
      TCB_CONTEXT_KEYS: 'TCB_ENV',
      TENCENTCLOUD_RUNENV: 'SCF',
      TENCENTCLOUD_REGION: 'ap-shanghai',
      WX_CONTEXT_KEYS: '',
    });
    // Dummies the SDK needs to sign with; nothing checks them, and they are no one's secrets.
    expect([env.TENCENTCLOUD_SECRETID, env.TENCENTCLOUD_SECRETKEY, env.TENCENTCLOUD_SESSIONTOKEN]).toEqual([
      'local-cloud-dummy-secret-id',
      'local-cloud-dummy-secret-key',
      'local-cloud-dummy-session-token',
    ]);
    expect(Object.keys(env).every((key) => SDK_ENV_VARIABLES.includes(key))).toBe(true);
  });

  test('carries the caller identity', () => {
    const env = sdkProcessEnv({
      backendUrl: 'http://127.0.0.1:4000/sdk-backend',
      envId: 'e-1',
      caller: { openid: 'o-1', appid: 'wx1', unionid: 'u-1', source: 'wx_client' },
    });
    expect(env).toMatchObject({
      WX_OPENID: 'o-1',
      WX_APPID: 'wx1',
      WX_UNIONID: 'u-1',
      WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID',
      TCB_SOURCE: 'wx_client',
      TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SOURCE',
    });
  });

  test('refuses a URL with a query (the SDK appends its own)', () => {
    expect(() => sdkProcessEnv({ backendUrl: 'http://127.0.0.1:4000/sdk-backend?x=1', envId: 'e-1' })).toThrow(/must not contain "\?"/);
  });
});

describe('applySdkEnv', () => {
  test('sets the variables, removes stale SDK ones, and restores the previous values', () => {
    const target: NodeJS.ProcessEnv = { WX_OPENID: 'previous-caller', TCB_ENV: 'old-env', UNRELATED: 'kept' };
    const restore = applySdkEnv(sdkProcessEnv({ backendUrl: 'http://127.0.0.1:1/sdk-backend', envId: 'e-2' }), target);
    expect(target.TCB_ENV).toBe('e-2');
    expect(target.WX_OPENID).toBeUndefined();
    expect(target.UNRELATED).toBe('kept');
    restore();
    expect(target).toEqual({ WX_OPENID: 'previous-caller', TCB_ENV: 'old-env', UNRELATED: 'kept' });
  });
});

describe('the real SDK in this environment', () => {
  let env: SdkCloud;
  const metadataLookups: string[] = [];
  const realLookup = dns.lookup;

  beforeAll(async () => {
    env = await startSdkCloud({ caller: { openid: 'o-42', appid: 'wxa000000000000001', unionid: 'u-42', source: 'wx_client' } });
    env.cloud.backend.database(ENV_A).createCollection('c');
    // The metadata host is answered "not found" here, so no probe can leave this machine.
    const fakeLookup = (hostname: string, ...rest: unknown[]): void => {
      if (hostname.includes('metadata.tencentyun.com')) {
        metadataLookups.push(hostname);
        const callback = rest[rest.length - 1] as (error: NodeJS.ErrnoException) => void;
        const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        process.nextTick(() => callback(error));
        return;
      }
      (realLookup as (...args: unknown[]) => void)(hostname, ...rest);
    };
    (dns as { lookup: unknown }).lookup = fakeLookup;
  });

  afterAll(async () => {
    (dns as { lookup: unknown }).lookup = realLookup;
    await env.stop();
  });

  beforeEach(() => {
    metadataLookups.length = 0;
  });

  test('getWXContext reports the caller and the environment', () => {
    const sdk = freshSdk();
    sdk.init({ env: ENV_A });
    expect(sdk.getWXContext()).toEqual({ OPENID: 'o-42', APPID: 'wxa000000000000001', UNIONID: 'u-42', ENV: ENV_A, SOURCE: 'wx_client' });
  });

  test('DYNAMIC_CURRENT_ENV resolves to TCB_ENV', async () => {
    const sdk = freshSdk();
    sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV as unknown as string });
    await sdkCall(
      sdk
        .database()
        .collection('c')
        .add({ data: { _id: 'dyn' } }),
    );
    expect(env.cloud.backend.database(ENV_A).find('c', { _id: 'dyn' })).toEqual([{ _id: 'dyn' }]);
  });

  test('the SDK never probes the cloud metadata host', async () => {
    const sdk = freshSdk();
    sdk.init({ env: ENV_A });
    for (let i = 0; i < 5; i += 1) await sdkCall(sdk.database().collection('c').count());
    expect(metadataLookups).toEqual([]);
  });

  test('without TENCENTCLOUD_RUNENV it would probe on every call (the detector works)', async () => {
    const saved = process.env.TENCENTCLOUD_RUNENV;
    delete process.env.TENCENTCLOUD_RUNENV;
    try {
      const sdk = freshSdk();
      sdk.init({ env: ENV_A });
      for (let i = 0; i < 3; i += 1) await sdkCall(sdk.database().collection('c').count());
      expect(metadataLookups.length).toBeGreaterThanOrEqual(3);
    } finally {
      process.env.TENCENTCLOUD_RUNENV = saved;
    }
  });
});
