import type { Server } from 'node:http';
import { HttpStatusError, InvalidArgumentError, ManualClock, TimeoutError } from '@wxhub/core';
import { BaiduEmulator, WECHAT_TOKEN_POLICY, type BaiduClientConfig } from '@wxhub/local-cloud';
import { Router, close, listen } from '@wxhub/local-cloud/testing';
import { BaiduApiError, baiduOAuthProvider } from '../src';

const CLIENT: BaiduClientConfig = { clientId: 'AbCdEfGhIjKlMnOpQrStUvWx', clientSecret: 'sEcReT0123456789sEcReT0123456789' };

let clock: ManualClock;
let baidu: BaiduEmulator;
let server: Server;
let baseUrl: string;

beforeEach(async () => {
  clock = new ManualClock();
  baidu = new BaiduEmulator({ clients: [CLIENT], clock, policy: WECHAT_TOKEN_POLICY });
  const router = new Router();
  router.mount(baidu.service);
  const started = await listen(router);
  server = started.server;
  baseUrl = `${started.url}${BaiduEmulator.PREFIX}`;
});

afterEach(async () => {
  baidu.clearFaults();
  await close(server);
});

function provider(overrides: Partial<{ clientId: string; clientSecret: string; timeoutMs: number }> = {}) {
  return baiduOAuthProvider({ ...CLIENT, baseUrl, clock, ...overrides });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('baiduOAuthProvider', () => {
  it('fetches a token valid for 30 days on the given clock', async () => {
    const token = await provider().fetch({ key: 'baidu', forceRefresh: false });
    expect(token.expiresAt).toBe(clock.now() + 2_592_000_000);
    expect(baidu.authenticate(token.value)).toEqual({ ok: true, clientId: CLIENT.clientId });
    expect(baidu.issuedTokens(CLIENT.clientId)).toBe(1);
  });

  it('describes itself without the keys', () => {
    const { description } = provider();
    expect(description).toMatch(/^baidu oauth /);
    expect(description).not.toContain(CLIENT.clientId);
    expect(description).not.toContain(CLIENT.clientSecret);
  });

  it('turns an unknown client id into a non-transient BaiduApiError', async () => {
    const error = await rejection(provider({ clientId: 'UnknownKey0123456789abcd' }).fetch({ key: 'baidu', forceRefresh: false }));
    expect(error).toBeInstanceOf(BaiduApiError);
    const apiError = error as BaiduApiError;
    expect(apiError).toMatchObject({ code: 'BAIDU_API', status: 401, error: 'invalid_client', error_description: 'unknown client id', transient: false });
    expect(apiError.message).toContain('unknown API key');
    expect(apiError.message).not.toContain(CLIENT.clientSecret);
  });

  it('turns a wrong secret into invalid_client / Client authentication failed without the secret', async () => {
    const wrongSecret = 'wRoNg0123456789wRoNg0123456789ab';
    const error = (await rejection(provider({ clientSecret: wrongSecret }).fetch({ key: 'baidu', forceRefresh: false }))) as BaiduApiError;
    expect(error).toBeInstanceOf(BaiduApiError);
    expect(error.error_description).toBe('Client authentication failed');
    expect(error.transient).toBe(false);
    expect(error.message).not.toContain(wrongSecret);
  });

  it('reports an outage (503) as transient', async () => {
    baidu.inject({ path: '/oauth/2.0/token', status: 503, times: 1 });
    const error = await rejection(provider().fetch({ key: 'baidu', forceRefresh: false }));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).transient).toBe(true);
    expect((error as HttpStatusError).message).not.toContain(CLIENT.clientSecret);
    expect((error as HttpStatusError).message).not.toContain(CLIENT.clientId);
  });

  it('reports an OAuth error with a 5xx status as a transient BaiduApiError', async () => {
    baidu.inject({ path: '/oauth/2.0/token', status: 500, error: 'server_error', error_description: 'internal error', times: 1 });
    const error = (await rejection(provider().fetch({ key: 'baidu', forceRefresh: false }))) as BaiduApiError;
    expect(error).toBeInstanceOf(BaiduApiError);
    expect(error.transient).toBe(true);
  });

  it('times out with TimeoutError and does not retry', async () => {
    baidu.inject({ path: '/oauth/2.0/token', delayMs: 60_000, times: 1 });
    expect(await rejection(provider({ timeoutMs: 50 }).fetch({ key: 'baidu', forceRefresh: false }))).toBeInstanceOf(TimeoutError);
  });

  it('refuses empty keys before calling anyone', () => {
    expect(() => provider({ clientSecret: '' })).toThrow(InvalidArgumentError);
  });
});
