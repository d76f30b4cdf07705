import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { buildUrl, requestJson } from '@wxhub/core';
import { AdminApi } from '../src/admin-api';
import { ClientCallApi } from '../src/client-api';
import { LocalCloud } from '../src/local-cloud';
import { TriggerScheduler } from '../src/triggers';

/**
 * Issue 10: a property test of the dev server's HTTP surface (the local cloud with the admin API
 * and the client-call endpoint, as `pnpm local-cloud` serves them). 1,200 random requests —
 * methods, known and random paths, query strings, headers (Host, Origin, Content-Type…) and
 * bodies (JSON, near-JSON, binary, multipart-looking) — sent one at a time over loopback. For
 * each: an answer comes (a per-request deadline, not a timing assertion: a hang fails), the
 * status is a number below 500, a JSON answer parses, and a 4xx says why. After all of them the
 * server still issues a token.
 */

const A = { name: 'A', appid: 'wxa0000000000000f1', secret: 'appsecret-of-A-fuzz-0123456789ab', envId: 'a-env-fuzz1' };
const RUNS = 1200;
const DEADLINE_MS = 10_000;

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await LocalCloud.start({ apps: [A], runtime: { idleCheckIntervalMs: 0 } });
  const scheduler = new TriggerScheduler({ runtime: cloud.functions });
  cloud.mount(new AdminApi({ cloud, scheduler, functions: () => [], baiduClients: [] }).service);
  cloud.mount(new ClientCallApi({ apps: cloud.apps, runtime: cloud.functions }).service);
});

afterAll(() => cloud.stop());

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

function send(method: string, path: string, headers: OutgoingHttpHeaders, body: Buffer): Promise<Answer> {
  const url = new URL(cloud.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers: { ...headers, 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    // A deadline so that a hang fails the property instead of the whole suite.
    req.setTimeout(DEADLINE_MS, () => req.destroy(new Error(`no answer to ${method} ${path} within ${DEADLINE_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const KNOWN_PATHS = [
  '/',
  '/admin',
  '/admin/envs',
  '/admin/collection',
  '/admin/tokens',
  '/admin/logs',
  '/admin/triggers',
  '/admin/triggers/fire',
  '/admin/faults',
  '/client/callFunction',
  '/cgi-bin/token',
  '/cgi-bin/stable_token',
  '/tcb/invokecloudfunction',
  '/tcb/databasequery',
  '/tcb/databaseadd',
  '/tcb/databaseupdate',
  '/tcb/databasedelete',
  '/tcb/databasecount',
  '/tcb/databaseaggregate',
  '/tcb/databasecollectionadd',
  '/tcb/uploadfile',
  '/tcb/batchdownloadfile',
  '/tcb/batchdeletefile',
  '/sns/jscode2session',
  '/wxa/business/getuserphonenumber',
  '/baidu/oauth/2.0/token',
  '/baidu/rest/2.0/ocr/v1/general_basic',
];

const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'get', 'FOO');
const segment = fc.string({ unit: fc.constantFrom(...'abc/._-%~?#&=0129'.split('')), maxLength: 12 });
const path = fc.oneof(
  fc.constantFrom(...KNOWN_PATHS),
  fc.constant('SDK'),
  segment.map((s) => `/${s}`),
  fc.tuple(fc.constantFrom(...KNOWN_PATHS), segment).map(([known, extra]) => `${known}${extra}`),
  fc.constant('//admin/../admin/envs'),
  fc.constant('/%'),
);
const queryValue = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('A', A.envId, A.appid, 'client_credential', '-1', '1e308', '__proto__'));
const query = fc.dictionary(
  fc.constantFrom('env', 'name', 'limit', 'offset', 'appid', 'secret', 'grant_type', 'access_token', 'upstream', 'requestId', 'x'),
  queryValue,
  {
    maxKeys: 4,
  },
);
const headers = fc.record(
  {
    host: fc.constantFrom('LOOPBACK', 'LOOPBACK', 'localhost', 'evil.example', '[::1]', ''),
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      '',
    ),
    origin: fc.constantFrom('LOOPBACK_ORIGIN', 'http://evil.example', 'null'),
    'sec-fetch-site': fc.constantFrom('same-origin', 'cross-site', 'same-site', 'none'),
    'x-wx-openid': fc.string({ maxLength: 10 }),
  },
  { requiredKeys: ['host'] },
);
const jsonish = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom(
    '{"app":"A","name":"nope","data":{}}',
    '{"upstream":"wechat","fault":{"path":"/x"}}',
    '{"env":"a-env-fuzz1","query":"db.collection(\\"x\\").get()"}',
    '{"__proto__":{"polluted":1}}',
    '[]',
    '{',
  ),
);
const body = fc.oneof(
  jsonish.map((text) => Buffer.from(text, 'utf8')),
  fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(Buffer.from('--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nhi\r\n--x--\r\n')),
  fc.constant(Buffer.alloc(0)),
);

test(`${RUNS} random requests: every answer comes, below 500, well-formed; the server answers after`, async () => {
  const base = new URL(cloud.url);
  const sdkPath = new URL(cloud.sdkBackendUrl).pathname;
  await fc.assert(
    fc.asyncProperty(method, path, query, headers, body, async (m, p, q, h, b) => {
      const target = p === 'SDK' ? sdkPath : p;
      const search = new URLSearchParams(q).toString();
      const sent: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(h)) {
        if (value === '') continue;
        sent[name] = value === 'LOOPBACK' ? base.host : value === 'LOOPBACK_ORIGIN' ? `http://${base.host}` : value;
      }
      const answer = await send(m, search ? `${target}?${search}` : target, sent, b);
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(500);
      if (m.toUpperCase() === 'HEAD') return;
      if (answer.status >= 400) {
        // A refusal is JSON that says why (WeChat's errmsg, the backend's message, Baidu's error_description…).
        expect(answer.contentType).toMatch(/^application\/json/);
        expect(answer.text).toMatch(/"(errmsg|message|error_description|error_msg|error)"/);
      }
      if (answer.contentType.startsWith('application/json')) JSON.parse(answer.text);
      expect(answer.text).not.toMatch(/\n\s+at .+:\d+:\d+/); // never a stack trace
      expect(answer.text).not.toContain(A.secret);
    }),
    { numRuns: RUNS, seed: 20261203 },
  );
  const { body: token } = await requestJson(
    buildUrl(cloud.wechatApiBase, '/cgi-bin/token', { grant_type: 'client_credential', appid: A.appid, secret: A.secret }),
  );
  expect(token).toMatchObject({ access_token: expect.any(String), expires_in: 7200 });
});
