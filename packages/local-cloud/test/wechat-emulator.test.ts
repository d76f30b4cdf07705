import type { Server } from 'node:http';
import { ManualClock, buildUrl, requestJson } from '@wxhub/core';
import { WECHAT_TOKEN_POLICY, type AppConfig } from '../src/config';
import { Router } from '../src/http/router';
import { close, listen } from '../src/http/server';
import { WeChatEmulator } from '../src/wechat/wechat-emulator';

const APP: AppConfig = { name: 'A', appid: 'wx1234567890abcdef', secret: '0123456789abcdef0123456789abcdef', envId: 'a-env' };
const OTHER: AppConfig = { name: 'B', appid: 'wxfedcba0987654321', secret: 'fedcba9876543210fedcba9876543210', envId: 'b-env' };
const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

let clock: ManualClock;
let wechat: WeChatEmulator;
let server: Server;
let base: string;

beforeEach(async () => {
  clock = new ManualClock();
  wechat = new WeChatEmulator({ apps: [APP, OTHER], clock, policy: WECHAT_TOKEN_POLICY });
  const router = new Router();
  router.mount(wechat.service);
  ({ server, url: base } = await listen(router));
});

afterEach(async () => {
  wechat.clearFaults();
  await close(server);
});

type Body = Record<string, unknown>;

async function getToken(query: Record<string, string | undefined>): Promise<Body> {
  const response = await requestJson(buildUrl(base, '/cgi-bin/token', query));
  expect(response.status).toBe(200);
  return response.body as Body;
}

async function cgiToken(app: AppConfig = APP): Promise<string> {
  const body = await getToken({ grant_type: 'client_credential', appid: app.appid, secret: app.secret });
  expect(typeof body.access_token).toBe('string');
  return body.access_token as string;
}

async function stable(app: AppConfig, forceRefresh?: boolean): Promise<Body> {
  const response = await requestJson(buildUrl(base, '/cgi-bin/stable_token'), {
    method: 'POST',
    json: { grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: forceRefresh },
  });
  return response.body as Body;
}

/** What an authenticated WeChat API answers for this token: 0 when accepted, else the errcode. */
async function errcodeFor(token: string): Promise<number> {
  const response = await requestJson(buildUrl(base, '/cgi-bin/get_api_domain_ip', { access_token: token }));
  const body = response.body as Body;
  if (Array.isArray(body.ip_list)) return 0;
  return body.errcode as number;
}

describe('GET /cgi-bin/token', () => {
  it('issues a long opaque token valid for 7200 s and counts it', async () => {
    const body = await getToken({ grant_type: 'client_credential', appid: APP.appid, secret: APP.secret });
    expect(body.expires_in).toBe(7200);
    expect(String(body.access_token).length).toBeGreaterThan(100);
    expect(String(body.access_token)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(wechat.issuedTokens(APP.appid)).toBe(1);
    expect(wechat.issuedTokens(APP.appid, 'token')).toBe(1);
    expect(wechat.issuedTokens(APP.appid, 'stable_token')).toBe(0);
    expect(wechat.issuedTokens(OTHER.appid)).toBe(0);
  });

  it.each([
    ['a wrong grant_type', { grant_type: 'password', appid: APP.appid, secret: APP.secret }, 40002, 'invalid grant_type'],
    ['no appid', { grant_type: 'client_credential', secret: APP.secret }, 41002, 'appid missing'],
    ['no secret', { grant_type: 'client_credential', appid: APP.appid }, 41004, 'appsecret missing'],
    ['an unknown appid', { grant_type: 'client_credential', appid: 'wx0000000000000000', secret: APP.secret }, 40013, 'invalid appid'],
    ['a wrong secret', { grant_type: 'client_credential', appid: APP.appid, secret: OTHER.secret }, 40125, 'invalid appsecret'],
    ["another app's secret pairing", { grant_type: 'client_credential', appid: OTHER.appid, secret: APP.secret }, 40125, 'invalid appsecret'],
  ])('answers %s with HTTP 200 and errcode', async (_case, query, errcode, text) => {
    const body = await getToken(query);
    expect(body.errcode).toBe(errcode);
    expect(body.errmsg).toMatch(RID);
    expect(String(body.errmsg).startsWith(text)).toBe(true);
    expect(body.access_token).toBeUndefined();
    expect(wechat.issuedTokens(APP.appid) + wechat.issuedTokens(OTHER.appid)).toBe(0);
  });

  it('keeps the superseded token working for the overlap window, then answers 40001', async () => {
    const first = await cgiToken();
    clock.advance(1_000_000);
    const second = await cgiToken();
    expect(second).not.toBe(first);
    clock.advance(299_000);
    expect(await errcodeFor(first)).toBe(0);
    clock.advance(1_000);
    expect(await errcodeFor(first)).toBe(40001);
    expect(await errcodeFor(second)).toBe(0);
  });

  it('honours only the latest token and the one before it', async () => {
    const first = await cgiToken();
    const second = await cgiToken();
    const third = await cgiToken();
    expect(await errcodeFor(first)).toBe(40001);
    expect(await errcodeFor(second)).toBe(0);
    expect(await errcodeFor(third)).toBe(0);
    expect(wechat.issuedTokens(APP.appid, 'token')).toBe(3);
  });

  it('answers 42001 once a token outlives its 7200 s', async () => {
    const token = await cgiToken();
    clock.advance(7_199_000);
    expect(await errcodeFor(token)).toBe(0);
    clock.advance(1_000);
    expect(await errcodeFor(token)).toBe(42001);
  });

  it("does not touch another app's tokens", async () => {
    const mine = await cgiToken(APP);
    await cgiToken(OTHER);
    await cgiToken(OTHER);
    clock.advance(600_000);
    expect(await errcodeFor(mine)).toBe(0);
  });
});

describe('authenticate', () => {
  it('tells missing, unknown, valid and expired tokens apart', async () => {
    const missing = wechat.authenticate(new URLSearchParams());
    expect(missing).toMatchObject({ ok: false, errcode: 41001 });
    const unknown = wechat.authenticate(new URLSearchParams({ access_token: 'not-a-token' }));
    expect(unknown).toMatchObject({ ok: false, errcode: 40001 });
    if (!unknown.ok) expect(unknown.errmsg).toMatch(/^invalid credential, access_token is invalid or not latest rid: /);
    const token = await cgiToken(OTHER);
    expect(wechat.authenticate(new URLSearchParams({ access_token: token }))).toEqual({ ok: true, appid: OTHER.appid });
    clock.advance(7_200_000);
    const expired = wechat.authenticate(new URLSearchParams({ access_token: token }));
    expect(expired).toMatchObject({ ok: false, errcode: 42001 });
    if (!expired.ok) expect(expired.errmsg).toMatch(/^access_token expired rid: /);
  });

  it('is what get_api_domain_ip answers without a token', async () => {
    const response = await requestJson(buildUrl(base, '/cgi-bin/get_api_domain_ip'));
    expect((response.body as Body).errcode).toBe(41001);
  });
});

describe('POST /cgi-bin/stable_token', () => {
  it('returns the same token while valid, with the remaining lifetime as expires_in', async () => {
    const first = await stable(APP);
    expect(first.expires_in).toBe(7200);
    clock.advance(1_000_000);
    const again = await stable(APP, false);
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe(6200);
    expect(wechat.issuedTokens(APP.appid, 'stable_token')).toBe(1);
  });

  it('renews within the last 300 s, so a returned token always has at least 300 s; the old one runs out on its own', async () => {
    const first = await stable(APP);
    clock.advance(6_900_000);
    const edge = await stable(APP);
    expect(edge.access_token).toBe(first.access_token);
    expect(edge.expires_in).toBe(300);
    clock.advance(1_000);
    const renewed = await stable(APP);
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(renewed.expires_in).toBe(7200);
    expect(await errcodeFor(first.access_token as string)).toBe(0);
    clock.advance(299_000);
    expect(await errcodeFor(first.access_token as string)).toBe(42001);
    expect(await errcodeFor(renewed.access_token as string)).toBe(0);
  });

  it('force_refresh issues a new token and invalidates the previous one at once', async () => {
    const first = await stable(APP);
    const forced = await stable(APP, true);
    expect(forced.access_token).not.toBe(first.access_token);
    expect(forced.expires_in).toBe(7200);
    expect(await errcodeFor(first.access_token as string)).toBe(40001);
    expect(await errcodeFor(forced.access_token as string)).toBe(0);
  });

  it('does not refresh again within 30 s of the previous force', async () => {
    const forced = await stable(APP, true);
    clock.advance(29_000);
    const tooSoon = await stable(APP, true);
    expect(tooSoon.access_token).toBe(forced.access_token);
    clock.advance(1_000);
    const later = await stable(APP, true);
    expect(later.access_token).not.toBe(forced.access_token);
  });

  it('allows 20 forced refreshes a day, then answers 45009 until the next day (Beijing time)', async () => {
    for (let i = 0; i < 20; i++) {
      expect(typeof (await stable(APP, true)).access_token).toBe('string');
      clock.advance(30_000);
    }
    const refused = await stable(APP, true);
    expect(refused.errcode).toBe(45009);
    expect(typeof (await stable(APP, false)).access_token).toBe('string');
    // ManualClock starts at 2026-01-01T00:00Z = 08:00 in Beijing; the next Beijing day starts 16 h later.
    clock.set(Date.UTC(2026, 0, 1, 16));
    expect(typeof (await stable(APP, true)).access_token).toBe('string');
  });

  it('is isolated from cgi-bin/token', async () => {
    const stableToken = (await stable(APP)).access_token as string;
    await cgiToken();
    await cgiToken();
    const plain = await cgiToken();
    expect(await errcodeFor(stableToken)).toBe(0);
    await stable(APP, true);
    expect(await errcodeFor(plain)).toBe(0);
    expect(wechat.issuedTokens(APP.appid, 'token')).toBe(3);
    expect(wechat.issuedTokens(APP.appid, 'stable_token')).toBe(2);
    expect(wechat.issuedTokens(APP.appid)).toBe(5);
  });

  it('checks credentials like cgi-bin/token', async () => {
    expect((await stable({ ...APP, secret: OTHER.secret })).errcode).toBe(40125);
    expect((await stable({ ...APP, appid: 'wx0000000000000000' })).errcode).toBe(40013);
  });

  it('refuses GET (43002), an empty body (44002) and a body that is not a JSON object (47001)', async () => {
    const url = buildUrl(base, '/cgi-bin/stable_token');
    expect(((await requestJson(url, { method: 'GET' })).body as Body).errcode).toBe(43002);
    expect(((await requestJson(url, { method: 'POST', form: {} })).body as Body).errcode).toBe(44002);
    expect(((await requestJson(url, { method: 'POST', form: { appid: APP.appid } })).body as Body).errcode).toBe(47001);
    const badForce = { grant_type: 'client_credential', appid: APP.appid, secret: APP.secret, force_refresh: 'yes' };
    expect(((await requestJson(url, { method: 'POST', json: badForce })).body as Body).errcode).toBe(47001);
    expect(wechat.issuedTokens(APP.appid)).toBe(0);
  });
});
