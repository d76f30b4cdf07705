import { join } from 'node:path';
import { ConfigError } from '@wxhub/core';
import { ReplyError } from '@wxhub/function-kit';
import { callerEvent } from '../src/caller-event';
import { SharedTransport, type CrossAccountSdk } from '../src/shared-transport';
import { createTransport, readTransportKind } from '../src/transport';
import { Forwarder } from '../src/forward';

// The function's folder, whose config.json sets the time budget of the http transport.
const FUNCTION_DIR = join(__dirname, '..');

describe('callerEvent', () => {
  it("sets openid and unionid to the caller's, whatever the page sent", () => {
    expect(callerEvent({ name: 'x', openid: 'oVictim', unionid: 'uVictim' }, { openid: 'oMe', unionid: 'uMe' })).toEqual({
      name: 'x',
      openid: 'oMe',
      unionid: 'uMe',
    });
  });
  it('drops a unionid the page sent when WeChat gave the caller none', () => {
    expect(callerEvent({ name: 'x', unionid: 'uVictim' }, { openid: 'oMe' })).toEqual({ name: 'x', openid: 'oMe' });
  });
});

describe('transport choice (API_TRANSPORT)', () => {
  const base = { A_APPID: 'wxa0000000000000a1', A_ENV: 'a-env', API_ALLOWED_FUNCTIONS: 'users_add' };

  it('is http by default and shared when asked; anything else is a configuration error', () => {
    expect(readTransportKind({})).toBe('http');
    expect(readTransportKind({ API_TRANSPORT: 'shared' })).toBe('shared');
    expect(() => readTransportKind({ API_TRANSPORT: 'grpc' })).toThrow(ConfigError);
  });

  it('shared needs no secret of A and no database (no token cache)', () => {
    const sdk = { Cloud: jest.fn(), database: jest.fn() } as unknown as CrossAccountSdk & { database(): unknown };
    expect(createTransport({ ...base, API_TRANSPORT: 'shared' }, sdk, FUNCTION_DIR)).toBeInstanceOf(SharedTransport);
    expect(sdk.database).not.toHaveBeenCalled();
  });

  it("http needs A's secret", () => {
    const sdk = { Cloud: jest.fn(), database: () => ({}) } as unknown as CrossAccountSdk & { database(): unknown };
    expect(() => createTransport(base, sdk, FUNCTION_DIR)).toThrow(ConfigError);
    expect(createTransport({ ...base, A_APPSECRET: 'a-secret-value' }, sdk, FUNCTION_DIR)).toBeInstanceOf(Forwarder);
  });
});

describe('SharedTransport', () => {
  const settings = { targetAppid: 'wxa0000000000000a1', targetEnv: 'a-env' };
  const sdkWith = (init: () => Promise<void>, call: () => Promise<{ result?: unknown }>) => {
    const made: unknown[] = [];
    const sdk: CrossAccountSdk = {
      Cloud: class {
        constructor(options: unknown) {
          made.push(options);
        }
        init = init;
        callFunction = call;
      } as unknown as CrossAccountSdk['Cloud'],
    };
    return { sdk, made };
  };

  it("makes a new Cloud per call (the credential binds the invocation's user) and returns A's result", async () => {
    const { sdk, made } = sdkWith(
      async () => undefined,
      async () => ({ result: { errcode: 0 } }),
    );
    const transport = new SharedTransport(settings, sdk);
    expect(await transport.invoke('users_add', {})).toEqual({ errcode: 0 });
    expect(await transport.invoke('users_add', {})).toEqual({ errcode: 0 });
    expect(made).toEqual([
      { resourceAppid: settings.targetAppid, resourceEnv: 'a-env' },
      { resourceAppid: settings.targetAppid, resourceEnv: 'a-env' },
    ]);
  });

  it('answers -3001 with the code and its meaning when the environment is not shared', async () => {
    const { sdk } = sdkWith(
      () => Promise.reject({ errCode: -601012, errMsg: 'system error: error code: -601012' }),
      async () => ({}),
    );
    const failure = await new SharedTransport(settings, sdk).invoke('users_add', {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReplyError);
    expect(failure).toMatchObject({ errcode: -3001, data: { errcode: -601012 } });
    expect((failure as Error).message).toMatch(/not shared with this mini program/);
  });
});
