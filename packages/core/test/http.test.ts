import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NetworkError, ProtocolError, TimeoutError, buildUrl, requestJson } from '../src';

let server: Server;
let base: string;
let handle: (request: IncomingMessage, body: string, response: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => handle(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Answers every request with `status` and `text`, recording what came in. */
function answer(status: number, text: string): Array<{ method?: string; url?: string; type?: string; body: string }> {
  const seen: Array<{ method?: string; url?: string; type?: string; body: string }> = [];
  handle = (request, body, response) => {
    seen.push({ method: request.method, url: request.url, type: request.headers['content-type'], body });
    response.writeHead(status, { 'content-type': 'application/json' }).end(text);
  };
  return seen;
}

describe('buildUrl', () => {
  test('joins a base with or without a trailing slash, a path with or without a leading one, and the defined query values', () => {
    expect(buildUrl('https://api.weixin.qq.com', '/cgi-bin/token', { appid: 'wx1', n: 2, skip: undefined }).toString()).toBe(
      'https://api.weixin.qq.com/cgi-bin/token?appid=wx1&n=2',
    );
    expect(buildUrl('http://127.0.0.1:1/baidu/', 'oauth/2.0/token').toString()).toBe('http://127.0.0.1:1/baidu/oauth/2.0/token');
  });
});

describe('requestJson', () => {
  test('GET with the query merged in; the parsed body and status come back', async () => {
    const seen = answer(200, '{"errcode":0,"n":1}');
    const response = await requestJson(new URL(`${base}/a?x=1`), { query: { y: 'two', z: undefined } });
    expect(response).toEqual({ status: 200, body: { errcode: 0, n: 1 } });
    expect(seen).toEqual([{ method: 'GET', url: '/a?x=1&y=two', type: undefined, body: '' }]);
  });

  test('POST of a JSON body or of a form', async () => {
    const seen = answer(200, '{}');
    await requestJson(new URL(`${base}/json`), { json: { a: [1, '二'] } });
    await requestJson(new URL(`${base}/form`), { form: { grant_type: 'client_credentials', n: 3, none: undefined } });
    expect(seen).toEqual([
      { method: 'POST', url: '/json', type: 'application/json', body: '{"a":[1,"二"]}' },
      { method: 'POST', url: '/form', type: 'application/x-www-form-urlencoded', body: 'grant_type=client_credentials&n=3' },
    ]);
  });

  test('an empty body is undefined; an error page that is not JSON keeps its status; a 200 that is not JSON is a ProtocolError', async () => {
    answer(200, '');
    expect(await requestJson(new URL(`${base}/empty`))).toEqual({ status: 200, body: undefined });
    answer(502, '<html>bad gateway</html>');
    expect(await requestJson(new URL(`${base}/gateway`))).toEqual({ status: 502, body: { __nonJson: true, status: 502 } });
    answer(200, '<html>login</html>');
    await expect(requestJson(new URL(`${base}/html`))).rejects.toBeInstanceOf(ProtocolError);
  });

  test('an upstream that never answers is a TimeoutError whose message masks the secrets of the URL', async () => {
    handle = () => undefined; // holds the request open
    const error = await requestJson(new URL(`${base}/hang?access_token=SECRET_TOKEN_VALUE_1`), { timeoutMs: 100 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe(`timed out after 100 ms calling ${base}/hang?access_token=SEC***_1`);
    expect((error as TimeoutError).transient).toBe(true);
  });

  test('a refused connection is a transient NetworkError naming the system code, secrets masked', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await requestJson(new URL(`http://127.0.0.1:${port}/x?secret=APPSECRET_VALUE_0042`)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toBe(`network error calling http://127.0.0.1:${port}/x?secret=APP***42: ECONNREFUSED`);
    expect((error as NetworkError).transient).toBe(true);
  });
});
