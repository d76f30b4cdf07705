import { HttpStatusError, TimeoutError } from '@wxhub/core';
import { WeChatApiError, WeChatClient, clientCredentialProvider, tokenSource, type TokenSource } from '../src';
import { APP_A, APP_B, startLocalWeChat, type LocalWeChat } from './support/local-wechat';
import { API_DOMAIN_IPS } from '@wxhub/local-cloud/testing';

let cloud: LocalWeChat;

beforeEach(async () => {
  cloud = await startLocalWeChat();
});

afterEach(async () => {
  await cloud.stop();
});

/** A minimal token source: hands out `current`, counts calls, fetches a new token on invalidate. */
class CountingSource implements TokenSource {
  gets = 0;
  readonly invalidated: string[] = [];
  constructor(
    public current: string,
    private readonly refresh: () => Promise<string>,
  ) {}
  async get(): Promise<string> {
    this.gets += 1;
    return this.current;
  }
  async invalidate(rejected: string): Promise<void> {
    this.invalidated.push(rejected);
    if (rejected === this.current) this.current = await this.refresh();
  }
}

async function freshToken(app = APP_A): Promise<string> {
  const token = await clientCredentialProvider({ appid: app.appid, secret: app.secret, baseUrl: cloud.url, clock: cloud.clock }).fetch({
    key: app.appid,
    forceRefresh: false,
  });
  return token.value;
}

function client(tokens: TokenSource, timeoutMs?: number): WeChatClient {
  return new WeChatClient({ baseUrl: cloud.url, tokens, appid: APP_A.appid, timeoutMs });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const IP_API = '/cgi-bin/get_api_domain_ip';

describe('WeChatClient', () => {
  it('GETs with the access token attached', async () => {
    const source = new CountingSource(await freshToken(), () => freshToken());
    const answer = await client(source).get<{ ip_list: string[] }>(IP_API);
    expect(answer.ip_list).toEqual(API_DOMAIN_IPS);
    expect(source.gets).toBe(1);
    expect(source.invalidated).toEqual([]);
  });

  it('POSTs a JSON body with the token and extra query parameters', async () => {
    const source = new CountingSource(await freshToken(APP_B), () => freshToken(APP_B));
    const answer = await client(source).post('/test/echo', { text: '你好', n: 1 }, { env: 'b-env' });
    expect(answer).toMatchObject({ appid: APP_B.appid, received: { text: '你好', n: 1 } });
  });

  it('after a 40001 with a stale token, invalidates exactly that token and retries once', async () => {
    const stale = await freshToken();
    await freshToken();
    await freshToken(); // `stale` is now two generations old: WeChat answers 40001
    const source = new CountingSource(stale, () => freshToken());
    const issuedBefore = cloud.wechat.issuedTokens(APP_A.appid);
    const answer = await client(source).get<{ ip_list: string[] }>(IP_API);
    expect(answer.ip_list).toEqual(API_DOMAIN_IPS);
    expect(source.invalidated).toEqual([stale]);
    expect(source.gets).toBe(2);
    expect(cloud.wechat.issuedTokens(APP_A.appid)).toBe(issuedBefore + 1);
  });

  it('retries only once: a second rejection reaches the caller as WeChatApiError', async () => {
    const source = new CountingSource('86_not-a-token-wechat-ever-issued', async () => '86_also-not-a-token');
    const error = await rejection(client(source).get(IP_API));
    expect(error).toBeInstanceOf(WeChatApiError);
    expect((error as WeChatApiError).errcode).toBe(40001);
    expect(source.gets).toBe(2);
    expect(source.invalidated).toEqual(['86_not-a-token-wechat-ever-issued']);
  });

  it('keeps the superseded token working within 300 s of a refetch, and gets 40001 after', async () => {
    const old = await freshToken();
    await freshToken();
    // A source that never changes its token shows what WeChat says about it.
    const fixed = new CountingSource(old, async () => old);
    cloud.clock.advance(299_000);
    await expect(client(fixed).get(IP_API)).resolves.toEqual({ ip_list: API_DOMAIN_IPS });
    expect(fixed.invalidated).toEqual([]);
    cloud.clock.advance(1_000);
    const error = (await rejection(client(fixed).get(IP_API))) as WeChatApiError;
    expect(error.errcode).toBe(40001);
    expect(fixed.invalidated).toEqual([old]);
  });

  it('gets 42001 for an expired token, and recovers with a fresh one', async () => {
    const expired = await freshToken();
    cloud.clock.advance(7_200_000);
    const fixed = new CountingSource(expired, async () => expired);
    const error = (await rejection(client(fixed).get(IP_API))) as WeChatApiError;
    expect(error.errcode).toBe(42001);
    expect(error.message).toContain('access token expired');
    expect(error.message).not.toContain(expired);

    const recovering = new CountingSource(expired, () => freshToken());
    await expect(client(recovering).get(IP_API)).resolves.toEqual({ ip_list: API_DOMAIN_IPS });
    expect(recovering.invalidated).toEqual([expired]);
  });

  it('does not invalidate the token for errors that are not about the token', async () => {
    cloud.wechat.inject({ path: IP_API, errcode: 45009, times: 1 });
    const source = new CountingSource(await freshToken(), () => freshToken());
    const error = (await rejection(client(source).get(IP_API))) as WeChatApiError;
    expect(error.errcode).toBe(45009);
    expect(source.invalidated).toEqual([]);
    expect(source.gets).toBe(1);
  });

  it('masks the token in messages even when WeChat echoes it', async () => {
    const token = await freshToken();
    cloud.wechat.inject({ path: IP_API, errcode: 40014, errmsg: `invalid access_token ${token}` });
    const source = new CountingSource(token, async () => token);
    const error = (await rejection(client(source).get(IP_API))) as WeChatApiError;
    expect(error.errcode).toBe(40014);
    expect(error.message).not.toContain(token);
    expect(error.errmsg).not.toContain(token);
  });

  it('times out with TimeoutError and a 502 is a transient HttpStatusError; neither touches the token', async () => {
    const source = new CountingSource(await freshToken(), () => freshToken());
    cloud.wechat.inject({ path: IP_API, delayMs: 60_000, times: 1 });
    expect(await rejection(client(source, 50).get(IP_API))).toBeInstanceOf(TimeoutError);
    cloud.wechat.inject({ path: IP_API, status: 502, times: 1 });
    const gateway = await rejection(client(source).get(IP_API));
    expect(gateway).toBeInstanceOf(HttpStatusError);
    expect((gateway as HttpStatusError).transient).toBe(true);
    expect((gateway as HttpStatusError).message).not.toContain(source.current);
    expect(source.invalidated).toEqual([]);
  });
});

describe('tokenSource', () => {
  it('binds a keyed cache to one key', async () => {
    const calls: string[] = [];
    const cache = {
      get: async (key: string) => (calls.push(`get ${key}`), `token-of-${key}`),
      invalidate: async (key: string, rejected: string) => calls.push(`invalidate ${key} ${rejected}`),
    };
    const source = tokenSource(cache, 'wechat:A');
    expect(await source.get()).toBe('token-of-wechat:A');
    await source.invalidate('old');
    expect(calls).toEqual(['get wechat:A', 'invalidate wechat:A old']);
  });
});
