import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { buildUrl, requestJson } from '@wxhub/core';
import { AdminApi } from '../src/admin-api';
import { ClientCallApi } from '../src/client-api';
import { guardRequest, hostName, isLoopbackName } from '../src/http/request-guard';
import { LocalCloud } from '../src/local-cloud';
import { TriggerScheduler } from '../src/triggers';

/**
 * Issue 10, item 2: any web page could drive the local cloud. A foreign Host (DNS rebinding)
 * read /admin; cross-origin text/plain POSTs created a user through /client/callFunction and
 * armed a fault through /admin/faults. Both sides are tested: what a page must not do, and what
 * curl, the SDK's undici and a same-origin page (the console at /console) still do.
 */

const A = { name: 'A', appid: 'wxa0000000000000g1', secret: 'appsecret-of-A-guard-0123456789', envId: 'a-env-guard1' };

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await LocalCloud.start({ apps: [A], allowedHosts: ['devbox.lan'], runtime: { idleCheckIntervalMs: 0 } });
  const scheduler = new TriggerScheduler({ runtime: cloud.functions });
  cloud.mount(new AdminApi({ cloud, scheduler, functions: () => [], baiduClients: [] }).service);
  cloud.mount(new ClientCallApi({ apps: cloud.apps, runtime: cloud.functions }).service);
});

afterAll(() => cloud.stop());

/** A raw request, so Host, Origin and Sec-Fetch-Site can be set as a browser would. */
function raw(
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  body = '',
): Promise<{ status: number; body: { errcode?: number; errmsg?: string } & Record<string, unknown> }> {
  const url = new URL(path, cloud.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const host = (): string => new URL(cloud.url).host;
const FAULT = JSON.stringify({ upstream: 'wechat', fault: { path: '/cgi-bin/token', errcode: -1, times: 1 } });
const CALL = JSON.stringify({ app: 'A', name: 'users_add', data: { name: 'mallory' }, openid: 'oAttacker' });

async function tokenAnswer(): Promise<Record<string, unknown>> {
  const { body } = await requestJson(buildUrl(cloud.wechatApiBase, '/cgi-bin/token', { grant_type: 'client_credential', appid: A.appid, secret: A.secret }));
  return body as Record<string, unknown>;
}

describe('refused: what another web page could do', () => {
  test('a foreign Host (DNS rebinding) does not read /admin', async () => {
    const answer = await raw('GET', '/admin/envs', { host: `evil.example:${new URL(cloud.url).port}` });
    expect(answer.status).toBe(403);
    expect(answer.body.errmsg).toContain('is not a loopback name');
    expect(JSON.stringify(answer.body)).not.toContain(A.envId);
  });

  test('a cross-origin text/plain POST does not arm a fault', async () => {
    const answer = await raw(
      'POST',
      '/admin/faults',
      { host: host(), origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
      FAULT,
    );
    expect(answer.status).toBe(403);
    expect(await tokenAnswer()).toMatchObject({ access_token: expect.any(String) });
  });

  test('a cross-origin text/plain POST does not reach /client/callFunction', async () => {
    const answer = await raw('POST', '/client/callFunction', { host: host(), origin: 'http://evil.example', 'content-type': 'text/plain' }, CALL);
    expect(answer.status).toBe(403);
    expect(answer.body.errmsg).toContain('cross-origin');
  });

  test('another port on localhost is same-site but not same-origin: refused', async () => {
    const answer = await raw(
      'POST',
      '/admin/faults',
      { host: host(), origin: 'http://127.0.0.1:5173', 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
      FAULT,
    );
    expect(answer.status).toBe(403);
  });

  test('a same-origin page must still send JSON (a form post is refused)', async () => {
    const answer = await raw(
      'POST',
      '/admin/faults',
      { host: host(), origin: cloud.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' },
      FAULT,
    );
    expect(answer.status).toBe(403);
    expect(answer.body.errmsg).toContain('Content-Type: application/json');
  });

  test('a same-origin DELETE without a body must declare JSON too (the console forgot it once: every delete was refused)', async () => {
    await raw('POST', '/admin/faults', { host: host(), 'content-type': 'application/json' }, FAULT);
    const answer = await raw('DELETE', '/admin/faults', { host: host(), origin: cloud.url, 'sec-fetch-site': 'same-origin' });
    expect(answer.status).toBe(403);
    expect(answer.body.errmsg).toContain('Content-Type: application/json');
    expect(await tokenAnswer()).toMatchObject({ errcode: -1 });
  });

  test('Origin: null (a sandboxed frame, a file: page) is refused', async () => {
    const answer = await raw('DELETE', '/admin/faults', { host: host(), origin: 'null', 'content-type': 'application/json' });
    expect(answer.status).toBe(403);
  });
});

describe('still served', () => {
  test('curl: no Origin, any content type, Host 127.0.0.1 or localhost', async () => {
    const armed = await raw('POST', '/admin/faults', { host: host(), 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'curl/8.5.0' }, FAULT);
    expect(armed.status).toBe(201);
    expect(await tokenAnswer()).toMatchObject({ errcode: -1 });
    const envs = await raw('GET', '/admin/envs', { host: `localhost:${new URL(cloud.url).port}` });
    expect(envs.status).toBe(200);
  });

  test('a same-origin page of the local cloud (the console) posting JSON', async () => {
    const armed = await raw(
      'POST',
      '/admin/faults',
      { host: host(), origin: cloud.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      FAULT,
    );
    expect(armed.status).toBe(201);
    expect(await tokenAnswer()).toMatchObject({ errcode: -1 });
  });

  test("a same-origin page's bodyless DELETE declaring JSON (the console clearing faults)", async () => {
    await raw('POST', '/admin/faults', { host: host(), 'content-type': 'application/json' }, FAULT);
    const cleared = await raw('DELETE', '/admin/faults', {
      host: host(),
      origin: cloud.url,
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/json',
    });
    expect(cleared.status).toBe(200);
    expect(await tokenAnswer()).toMatchObject({ access_token: expect.any(String) });
  });

  test('a host the user allowed (allowedHosts / --allow-host)', async () => {
    const envs = await raw('GET', '/admin/envs', { host: `devbox.lan:${new URL(cloud.url).port}` });
    expect(envs.status).toBe(200);
  });

  test('undici (what wx-server-sdk and the toolkit use): JSON POST without Origin', async () => {
    const { status } = await requestJson(buildUrl(cloud.url, '/admin/faults'), { method: 'DELETE' as 'POST' });
    expect(status).toBe(200);
  });
});

describe('the rules', () => {
  test.each([
    ['localhost', true],
    ['app.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['192.168.1.5', false],
    ['localhost.evil.example', false],
    ['evil.example', false],
  ])('%s loopback: %s', (name, expected) => {
    expect(isLoopbackName(name)).toBe(expected);
  });

  test('Host parsing drops the port and brackets', () => {
    expect(hostName('[::1]:8780')).toBe('::1');
    expect(hostName('LOCALHOST:8780')).toBe('localhost');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
  });

  test('safe methods are not checked for origin; a foreign Host is refused on every method', () => {
    expect(guardRequest('GET', { host: '127.0.0.1:1', origin: 'http://evil.example' })).toBeUndefined();
    expect(guardRequest('GET', { host: 'evil.example' })?.status).toBe(403);
    expect(guardRequest('PUT', { host: '127.0.0.1:1', origin: 'http://127.0.0.1:1', 'content-type': 'application/json; charset=utf-8' })).toBeUndefined();
  });
});
