import { HttpStatusError, InvalidArgumentError, TimeoutError } from '@wxhub/core';
import { WeChatApiError, clientCredentialProvider, stableTokenProvider } from '../src';
import { APP_A, APP_B, startLocalWeChat, type LocalWeChat } from './support/local-wechat';

let cloud: LocalWeChat;

beforeEach(async () => {
  cloud = await startLocalWeChat();
});

afterEach(async () => {
  await cloud.stop();
});

function provider(overrides: Partial<{ appid: string; secret: string; timeoutMs: number }> = {}) {
  return clientCredentialProvider({ appid: APP_A.appid, secret: APP_A.secret, baseUrl: cloud.url, clock: cloud.clock, ...overrides });
}

function stable() {
  return stableTokenProvider({ appid: APP_A.appid, secret: APP_A.secret, baseUrl: cloud.url, clock: cloud.clock });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function accepted(token: string): boolean {
  return cloud.wechat.authenticate(new URLSearchParams({ access_token: token })).ok;
}

describe('clientCredentialProvider', () => {
  it('fetches a token that expires 7200 s from now on the given clock', async () => {
    const token = await provider().fetch({ key: 'wechat:A', forceRefresh: false });
    expect(token.expiresAt).toBe(cloud.clock.now() + 7_200_000);
    expect(accepted(token.value)).toBe(true);
    expect(cloud.wechat.issuedTokens(APP_A.appid, 'token')).toBe(1);
  });

  it('describes itself without the secret', () => {
    const description = provider().description;
    expect(description).toContain('cgi-bin/token');
    expect(description).not.toContain(APP_A.secret);
  });

  it('turns an unknown appid into WeChatApiError 40013 whose message holds no secret', async () => {
    const error = await rejection(provider({ appid: 'wx0000000000000000' }).fetch({ key: 'k', forceRefresh: false }));
    expect(error).toBeInstanceOf(WeChatApiError);
    const apiError = error as WeChatApiError;
    expect(apiError.errcode).toBe(40013);
    expect(apiError.code).toBe('WECHAT_API');
    expect(apiError.transient).toBe(false);
    expect(apiError.api).toBe('/cgi-bin/token');
    expect(apiError.message).toMatch(/invalid appid/);
    expect(apiError.message).not.toContain(APP_A.secret);
  });

  it('turns a wrong secret into 40125 naming the masked appid', async () => {
    const error = (await rejection(provider({ secret: APP_B.secret }).fetch({ key: 'k', forceRefresh: false }))) as WeChatApiError;
    expect(error.errcode).toBe(40125);
    expect(error.message).toContain('invalid appsecret for appid wx1***ef');
    expect(error.message).not.toContain(APP_B.secret);
    expect(error.message).not.toContain(APP_A.appid);
  });

  it('explains 40164 and scrubs anything WeChat echoes', async () => {
    cloud.wechat.inject({
      path: '/cgi-bin/token',
      errcode: 40164,
      errmsg: `invalid ip 198.51.100.7 ipv6 ::ffff:198.51.100.7, not in whitelist (secret=${APP_A.secret})`,
    });
    const error = (await rejection(provider().fetch({ key: 'k', forceRefresh: false }))) as WeChatApiError;
    expect(error.errcode).toBe(40164);
    expect(error.message).toContain('caller IP 198.51.100.7 not in the API IP whitelist');
    expect(error.message).not.toContain(APP_A.secret);
    expect(error.errmsg).not.toContain(APP_A.secret);
  });

  it('reports system busy (-1) as a transient WeChatApiError', async () => {
    cloud.wechat.inject({ path: '/cgi-bin/token', errcode: -1, times: 1 });
    const error = (await rejection(provider().fetch({ key: 'k', forceRefresh: false }))) as WeChatApiError;
    expect(error.errcode).toBe(-1);
    expect(error.transient).toBe(true);
  });

  it('reports a quota (45009) as not transient', async () => {
    cloud.wechat.inject({ path: '/cgi-bin/token', errcode: 45009, times: 1 });
    const error = (await rejection(provider().fetch({ key: 'k', forceRefresh: false }))) as WeChatApiError;
    expect(error.errcode).toBe(45009);
    expect(error.transient).toBe(false);
  });

  it('times out with TimeoutError when WeChat answers later than timeoutMs, and does not retry', async () => {
    // Only the first request is held: a retry inside the provider would get a token and resolve.
    cloud.wechat.inject({ path: '/cgi-bin/token', delayMs: 60_000, times: 1 });
    const error = await rejection(provider({ timeoutMs: 50 }).fetch({ key: 'k', forceRefresh: false }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).not.toContain(APP_A.secret);
  });

  it('turns a 502 gateway page into a transient HttpStatusError without the secret', async () => {
    cloud.wechat.inject({ path: '/cgi-bin/token', status: 502 });
    const error = await rejection(provider().fetch({ key: 'k', forceRefresh: false }));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(502);
    expect((error as HttpStatusError).transient).toBe(true);
    expect((error as HttpStatusError).message).not.toContain(APP_A.secret);
  });

  it('refuses empty credentials before calling anyone', () => {
    expect(() => provider({ secret: '' })).toThrow(InvalidArgumentError);
  });
});

describe('stableTokenProvider', () => {
  it('returns the same token unless forced; forcing invalidates the previous one', async () => {
    const first = await stable().fetch({ key: 'k', forceRefresh: false });
    cloud.clock.advance(600_000);
    const again = await stable().fetch({ key: 'k', forceRefresh: false });
    expect(again.value).toBe(first.value);
    expect(again.expiresAt).toBe(first.expiresAt);
    const forced = await stable().fetch({ key: 'k', forceRefresh: true });
    expect(forced.value).not.toBe(first.value);
    expect(forced.expiresAt).toBe(cloud.clock.now() + 7_200_000);
    expect(accepted(first.value)).toBe(false);
    expect(accepted(forced.value)).toBe(true);
    expect(cloud.wechat.issuedTokens(APP_A.appid, 'stable_token')).toBe(2);
  });

  it('reports the remaining lifetime, not a fresh 7200 s, for a token issued earlier', async () => {
    const first = await stable().fetch({ key: 'k', forceRefresh: false });
    cloud.clock.advance(3_600_000);
    const later = await stable().fetch({ key: 'k', forceRefresh: false });
    expect(later.expiresAt).toBe(first.expiresAt);
  });

  it('turns a wrong secret into 40125 without the secret', async () => {
    const wrong = stableTokenProvider({ appid: APP_A.appid, secret: APP_B.secret, baseUrl: cloud.url });
    const error = (await rejection(wrong.fetch({ key: 'k', forceRefresh: false }))) as WeChatApiError;
    expect(error.errcode).toBe(40125);
    expect(error.api).toBe('/cgi-bin/stable_token');
    expect(error.message).not.toContain(APP_B.secret);
  });
});
