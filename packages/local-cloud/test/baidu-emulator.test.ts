import type { Server } from 'node:http';
import { ManualClock, buildUrl, requestJson } from '@wxhub/core';
import { WECHAT_TOKEN_POLICY, type BaiduClientConfig } from '../src/config';
import { Router } from '../src/http/router';
import { close, listen } from '../src/http/server';
import { BaiduEmulator } from '../src/baidu/baidu-emulator';

const CLIENT: BaiduClientConfig = { clientId: 'AbCdEfGhIjKlMnOpQrStUvWx', clientSecret: 'sEcReT0123456789sEcReT0123456789' };
const OTHER: BaiduClientConfig = { clientId: 'ZyXwVuTsRqPoNmLkJiHgFeDc', clientSecret: 'oThEr0123456789oThEr0123456789ab' };

let clock: ManualClock;
let baidu: BaiduEmulator;
let server: Server;
let base: string;

beforeEach(async () => {
  clock = new ManualClock();
  baidu = new BaiduEmulator({ clients: [CLIENT, OTHER], clock, policy: WECHAT_TOKEN_POLICY });
  const router = new Router();
  router.mount(baidu.service);
  const started = await listen(router);
  server = started.server;
  base = `${started.url}${BaiduEmulator.PREFIX}`;
});

afterEach(async () => {
  baidu.clearFaults();
  await close(server);
});

type Body = Record<string, unknown>;

async function oauth(query: Record<string, string>, form?: Record<string, string>): Promise<{ status: number; body: Body }> {
  const response = await requestJson(buildUrl(base, '/oauth/2.0/token', query), { method: 'POST', form });
  return { status: response.status, body: response.body as Body };
}

async function token(client: BaiduClientConfig = CLIENT): Promise<string> {
  const { body } = await oauth({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
  return body.access_token as string;
}

async function ocr(accessToken: string, form: Record<string, string>): Promise<Body> {
  const response = await requestJson(buildUrl(base, '/rest/2.0/ocr/v1/general_basic', { access_token: accessToken }), { method: 'POST', form });
  expect(response.status).toBe(200);
  return response.body as Body;
}

describe('POST /oauth/2.0/token', () => {
  it('issues a 30-day token with Baidu fields, from query parameters', async () => {
    const { status, body } = await oauth({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    expect(status).toBe(200);
    expect(body.expires_in).toBe(2_592_000);
    expect(body.access_token).toMatch(/^24\.[0-9a-f]{32}\.2592000\.\d+\.\d+-\d+$/);
    expect(body.refresh_token).toMatch(/^25\./);
    expect(typeof body.scope).toBe('string');
    expect(typeof body.session_key).toBe('string');
    expect(typeof body.session_secret).toBe('string');
    expect(baidu.issuedTokens(CLIENT.clientId)).toBe(1);
    expect(baidu.issuedTokens(OTHER.clientId)).toBe(0);
  });

  it('accepts the parameters in a form body too', async () => {
    const { body } = await oauth({}, { grant_type: 'client_credentials', client_id: OTHER.clientId, client_secret: OTHER.clientSecret });
    expect(typeof body.access_token).toBe('string');
    expect(baidu.issuedTokens(OTHER.clientId)).toBe(1);
  });

  it.each([
    [
      'an unknown client id',
      { grant_type: 'client_credentials', client_id: 'nope', client_secret: CLIENT.clientSecret },
      401,
      'invalid_client',
      'unknown client id',
    ],
    ['no client id', { grant_type: 'client_credentials', client_secret: CLIENT.clientSecret }, 401, 'invalid_client', 'unknown client id'],
    [
      'a wrong secret',
      { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: OTHER.clientSecret },
      401,
      'invalid_client',
      'Client authentication failed',
    ],
    [
      'a wrong grant type',
      { grant_type: 'client_credential', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret },
      400,
      'unsupported_grant_type',
      'The authorization grant type is not supported',
    ],
  ])('refuses %s', async (_case, query, status, error, description) => {
    const answer = await oauth(query);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error, error_description: description });
    expect(baidu.issuedTokens(CLIENT.clientId)).toBe(0);
  });

  it('leaves earlier tokens valid when a new one is issued', async () => {
    const first = await token();
    const second = await token();
    expect(second).not.toBe(first);
    expect(baidu.authenticate(first)).toEqual({ ok: true, clientId: CLIENT.clientId });
    expect(baidu.issuedTokens(CLIENT.clientId)).toBe(2);
  });
});

describe('authenticate', () => {
  it('answers 110 for unknown or missing tokens and 111 once a token is 30 days old', async () => {
    expect(baidu.authenticate('24.abc')).toMatchObject({ ok: false, error_code: 110 });
    expect(baidu.authenticate(undefined)).toMatchObject({ ok: false, error_code: 110 });
    const issued = await token();
    clock.advance(2_592_000_000 - 1);
    expect(baidu.authenticate(issued)).toEqual({ ok: true, clientId: CLIENT.clientId });
    clock.advance(1);
    expect(baidu.authenticate(issued)).toEqual({ ok: false, error_code: 111, error_msg: 'Access token expired' });
  });
});

describe('POST /rest/2.0/ocr/v1/general_basic', () => {
  it('reads a text "image" as its lines', async () => {
    const image = Buffer.from('发票号码 12345\n\n  total 42.00  \n').toString('base64');
    const body = await ocr(await token(), { image });
    expect(body.words_result).toEqual([{ words: '发票号码 12345' }, { words: 'total 42.00' }]);
    expect(body.words_result_num).toBe(2);
    expect(typeof body.log_id).toBe('number');
  });

  it('reads a binary image as one stable line that differs between images', async () => {
    const accessToken = await token();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const first = await ocr(accessToken, { image: png.toString('base64') });
    const again = await ocr(accessToken, { image: png.toString('base64') });
    const other = await ocr(accessToken, { image: Buffer.concat([png, Buffer.from([1])]).toString('base64') });
    expect(first.words_result_num).toBe(1);
    expect(again.words_result).toEqual(first.words_result);
    expect(other.words_result).not.toEqual(first.words_result);
  });

  it("answers Baidu's error_code for bad tokens and missing images", async () => {
    expect(await ocr('24.bogus', { image: 'aGk=' })).toMatchObject({ error_code: 110 });
    const accessToken = await token();
    expect(await ocr(accessToken, {})).toMatchObject({ error_code: 216101 });
    clock.advance(2_592_000_000);
    expect(await ocr(accessToken, { image: 'aGk=' })).toMatchObject({ error_code: 111, error_msg: 'Access token expired' });
  });
});

describe('BaiduEmulator.inject', () => {
  it('can fail the OAuth endpoint with a status, an OAuth error or an API error_code', async () => {
    const valid = { grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret };
    baidu.inject({ path: '/oauth/2.0/token', status: 503, times: 1 });
    expect((await oauth(valid)).status).toBe(503);
    baidu.inject({ path: '/oauth/2.0/token', error: 'invalid_client', error_description: 'Client authentication failed', times: 1 });
    expect(await oauth(valid)).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } });
    expect(typeof (await oauth(valid)).body.access_token).toBe('string');
    baidu.inject({ path: '/rest/2.0/ocr/v1/general_basic', error_code: 18, error_msg: 'Open api qps request limit reached' });
    expect(await ocr(await token(), { image: 'aGk=' })).toMatchObject({ error_code: 18 });
  });
});
