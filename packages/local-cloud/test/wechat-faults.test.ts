import type { Server } from 'node:http';
import { ManualClock, TimeoutError, buildUrl, requestJson } from '@wxhub/core';
import { WECHAT_TOKEN_POLICY, type AppConfig } from '../src/config';
import { Router } from '../src/http/router';
import { close, listen } from '../src/http/server';
import { API_DOMAIN_IPS, WeChatEmulator } from '../src/wechat/wechat-emulator';
import { FaultPlan } from '../src/faults/faults';

const APP: AppConfig = { name: 'A', appid: 'wx1234567890abcdef', secret: '0123456789abcdef0123456789abcdef', envId: 'a-env' };
const OTHER: AppConfig = { name: 'B', appid: 'wxfedcba0987654321', secret: 'fedcba9876543210fedcba9876543210', envId: 'b-env' };

let wechat: WeChatEmulator;
let server: Server;
let base: string;

beforeEach(async () => {
  wechat = new WeChatEmulator({ apps: [APP, OTHER], clock: new ManualClock(), policy: WECHAT_TOKEN_POLICY });
  const router = new Router();
  router.mount(wechat.service);
  ({ server, url: base } = await listen(router));
});

afterEach(async () => {
  wechat.clearFaults();
  await close(server);
});

function tokenUrl(app: AppConfig): URL {
  return buildUrl(base, '/cgi-bin/token', { grant_type: 'client_credential', appid: app.appid, secret: app.secret });
}

async function fetchToken(app: AppConfig): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await requestJson(tokenUrl(app));
  return { status: response.status, body: response.body as Record<string, unknown> };
}

describe('WeChatEmulator.inject', () => {
  it('answers an injected errcode with WeChat errmsg and a rid, for `times` requests only', async () => {
    wechat.inject({ path: '/cgi-bin/token', errcode: 45009, times: 2 });
    for (let i = 0; i < 2; i++) {
      const { status, body } = await fetchToken(APP);
      expect(status).toBe(200);
      expect(body.errcode).toBe(45009);
      expect(body.errmsg).toMatch(/^reach max api daily quota limit rid: [0-9a-f-]{26}$/);
    }
    expect(typeof (await fetchToken(APP)).body.access_token).toBe('string');
    expect(wechat.issuedTokens(APP.appid)).toBe(1);
  });

  it('keeps an injected fault until cleared, with a custom errmsg', async () => {
    wechat.inject({ path: '/cgi-bin/token', errcode: 40164, errmsg: 'invalid ip 198.51.100.7 ipv6 ::ffff:198.51.100.7, not in whitelist' });
    for (let i = 0; i < 3; i++) expect((await fetchToken(APP)).body.errcode).toBe(40164);
    expect((await fetchToken(APP)).body.errmsg).toMatch(/^invalid ip 198\.51\.100\.7 .* rid: /);
    wechat.clearFaults();
    expect(typeof (await fetchToken(APP)).body.access_token).toBe('string');
  });

  it('can target one appid, by parameter or by the owner of the access_token', async () => {
    wechat.inject({ path: '/cgi-bin/token', appid: OTHER.appid, errcode: -1 });
    expect(typeof (await fetchToken(APP)).body.access_token).toBe('string');
    expect((await fetchToken(OTHER)).body).toMatchObject({ errcode: -1 });
    wechat.clearFaults();
    const mine = (await fetchToken(APP)).body.access_token as string;
    const theirs = (await fetchToken(OTHER)).body.access_token as string;
    wechat.inject({ path: '/cgi-bin/get_api_domain_ip', appid: APP.appid, errcode: 45011 });
    const ipUrl = (token: string): URL => buildUrl(base, '/cgi-bin/get_api_domain_ip', { access_token: token });
    expect(((await requestJson(ipUrl(mine))).body as Record<string, unknown>).errcode).toBe(45011);
    expect(((await requestJson(ipUrl(theirs))).body as Record<string, unknown>).ip_list).toEqual(API_DOMAIN_IPS);
  });

  it('answers an injected HTTP status with a gateway HTML page', async () => {
    wechat.inject({ path: '/cgi-bin/token', status: 502, times: 1 });
    const { status, body } = await fetchToken(APP);
    expect(status).toBe(502);
    expect(body).toEqual({ __nonJson: true, status: 502 });
    expect(wechat.issuedTokens(APP.appid)).toBe(0);
  });

  it('delays the real answer by real time', async () => {
    wechat.inject({ path: '/cgi-bin/token', delayMs: 20, times: 1 });
    expect(typeof (await fetchToken(APP)).body.access_token).toBe('string');
  });

  it('makes a client with a shorter deadline time out, and clearFaults releases the held request', async () => {
    wechat.inject({ path: '/cgi-bin/token', delayMs: 60_000 });
    await expect(requestJson(tokenUrl(APP), { timeoutMs: 50 })).rejects.toBeInstanceOf(TimeoutError);
    expect(wechat.issuedTokens(APP.appid)).toBe(0);
  });

  it('hangs until cleared, then answers 503', async () => {
    wechat.inject({ path: '/cgi-bin/token', hang: true, times: 1 });
    const pending = requestJson(tokenUrl(APP));
    // The request is held by the fault; clearing releases it (the clear races the request's
    // arrival, so clear after the server has it: poll the plan, not the clock).
    await waitUntil(() => wechat.faults.pending > 0);
    wechat.clearFaults();
    expect((await pending).status).toBe(503);
    expect(wechat.issuedTokens(APP.appid)).toBe(0);
  });
});

describe('FaultPlan', () => {
  it('refuses a non-positive `times`', () => {
    expect(() => new FaultPlan().inject({ path: '/x', status: 500, times: 0 })).toThrow(/times/);
  });

  it('matches the method when one is given', async () => {
    const plan = new FaultPlan();
    plan.inject({ path: '/x', method: 'POST', status: 500 });
    const handler = plan.wrap('/x', () => ({ body: { ok: true } }));
    const request = { path: '/x', query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) };
    expect(await handler({ ...request, method: 'GET' })).toEqual({ body: { ok: true } });
    expect((await handler({ ...request, method: 'POST' })).status).toBe(500);
  });
});

/** Yields to the event loop until `condition` holds (no wall-clock sleeping). */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
