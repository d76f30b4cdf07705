import * as path from 'node:path';
import * as cloud from 'wx-server-sdk';
import { applySdkEnv, sdkProcessEnv, type CallerIdentity } from '../src/sdk-backend/sdk-env';
import { startSdkCloud, ENV_A, type SdkCloud } from './support/sdk-cloud';

// Cloud calls (cloud.openapi.*, the SDK's wx.openApi action: multipart in, protobuf out) made by
// the real wx-server-sdk, inside functions the local cloud runs and in this process.

const FIXTURES = path.join(__dirname, 'fixtures', 'sdk-functions');
const APPID_A = 'wxa000000000000001';
const USER: CallerIdentity = { openid: 'o-user-9', appid: APPID_A, source: 'wx_client' };

let env: SdkCloud;

beforeAll(async () => {
  env = await startSdkCloud();
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  for (const name of ['sender', 'sender-undeclared']) {
    env.cloud.functions.register({ envId: ENV_A, name, dir: path.join(FIXTURES, name), backendUrl: env.cloud.sdkBackendUrl });
  }
});

afterAll(() => env.stop());

beforeEach(() => {
  env.cloud.openapi.clearCalls();
  env.cloud.openapi.clearAnswers();
});

type SendOutcome = { result?: Record<string, unknown>; error?: { errCode: number; message: string } };

async function send(name: string, api: string, data: Record<string, unknown>): Promise<SendOutcome> {
  const { result } = await env.cloud.functions.invoke({ envId: ENV_A, name, event: { api, data }, caller: USER });
  return result as SendOutcome;
}

describe('customerServiceMessage.send from a function that declares it', () => {
  test('answers ok and records what was sent, by which function, for which user', async () => {
    const outcome = await send('sender', 'customerServiceMessage.send', { touser: 'o-user-9', msgtype: 'text', text: { content: '您好，订单已发货' } });
    expect(outcome).toEqual({ result: { errMsg: 'openapi.customerServiceMessage.send:ok', errCode: 0 } });
    expect(env.cloud.openapi.calls(ENV_A)).toEqual([
      {
        envId: ENV_A,
        appid: APPID_A,
        functionName: 'sender',
        caller: USER,
        apiName: 'customerServiceMessage.send',
        request: { touser: 'o-user-9', msgtype: 'text', text: { content: '您好，订单已发货' } },
        media: {},
        response: { errcode: 0, errmsg: 'ok' },
        at: env.clock.now(),
      },
    ]);
  });

  test("the SDK's camelCase parameters reach WeChat snake_cased", async () => {
    await send('sender', 'customerServiceMessage.send', {
      touser: 'o-user-9',
      msgtype: 'miniprogrampage',
      miniprogrampage: { title: 'Order', pagepath: 'pages/order?id=1', thumbMediaId: 'media-1' },
    });
    const [call] = env.cloud.openapi.calls(ENV_A, 'customerServiceMessage.send');
    expect(call?.request.miniprogrampage).toEqual({ title: 'Order', pagepath: 'pages/order?id=1', thumb_media_id: 'media-1' });
  });

  test('a malformed message is refused with WeChat errcodes, which the SDK throws as errCode', async () => {
    const noUser = await send('sender', 'customerServiceMessage.send', { msgtype: 'text', text: { content: 'x' } });
    expect(noUser.error?.errCode).toBe(40003);
    expect(noUser.error?.message).toMatch(/^errCode: 40003 {2}\| errMsg: openapi\.customerServiceMessage\.send:fail invalid openid rid: /);
    const badType = await send('sender', 'customerServiceMessage.send', { touser: 'o-user-9', msgtype: 'voice', voice: {} });
    expect(badType.error?.errCode).toBe(40008);
    expect(env.cloud.openapi.calls(ENV_A).map((call) => call.response.errcode)).toEqual([40003, 40008]);
  });

  test('a canned answer replaces the built-in one (e.g. the 48-hour window has passed)', async () => {
    env.cloud.openapi.respond('customerServiceMessage.send', { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' });
    const outcome = await send('sender', 'customerServiceMessage.send', { touser: 'o-user-9', msgtype: 'text', text: { content: 'late' } });
    expect(outcome.error?.errCode).toBe(45015);
    expect(outcome.error?.message).toContain('response out of time limit');
    expect(env.cloud.openapi.calls(ENV_A)).toHaveLength(1);
  });
});

describe('any other API', () => {
  test('is recorded and answered by its built-in verdict, or with a canned answer the SDK camelCases', async () => {
    const plain = await send('sender', 'security.msgSecCheck', { content: 'hello', version: 2, scene: 1, openid: 'o-user-9' });
    expect(plain).toMatchObject({ result: { errMsg: 'openapi.security.msgSecCheck:ok', errCode: 0, result: { suggest: 'pass', label: 100 } } });
    env.cloud.openapi.respond('security.msgSecCheck', (call) => ({
      errcode: 0,
      errmsg: 'ok',
      trace_id: `trace-${String(call.request.content)}`,
      result: { suggest: 'pass', label: 100 },
    }));
    const canned = await send('sender', 'security.msgSecCheck', { content: 'again', version: 2, scene: 1, openid: 'o-user-9' });
    expect(canned).toEqual({
      result: { traceId: 'trace-again', result: { suggest: 'pass', label: 100 }, errMsg: 'openapi.security.msgSecCheck:ok', errCode: 0 },
    });
    expect(env.cloud.openapi.calls(ENV_A, 'security.msgSecCheck').map((call) => call.request.content)).toEqual(['hello', 'again']);
  });
});

describe('permissions (config.json permissions.openapi)', () => {
  test('an API the function does not declare is refused with -604101 and never reaches WeChat', async () => {
    const outcome = await send('sender', 'subscribeMessage.send', { touser: 'o-user-9', templateId: 't', data: {} });
    expect(outcome.error?.errCode).toBe(-604101);
    expect(outcome.error?.message).toBe('errCode: -604101 function has no permission to call this API | errMsg: system error: error code: -604101');
    const undeclared = await send('sender-undeclared', 'customerServiceMessage.send', { touser: 'o-user-9', msgtype: 'text', text: { content: 'x' } });
    expect(undeclared.error?.errCode).toBe(-604101);
    expect(env.cloud.openapi.calls()).toEqual([]);
  });

  test('a call outside any function invocation (no WX_API_TOKEN) is refused with -604104', async () => {
    const failure = await (cloud.openapi.customerServiceMessage.send({ touser: 'o', msgtype: 'text', text: { content: 'x' } }) as Promise<unknown>).then(
      () => undefined,
      (error: { errCode: number }) => error,
    );
    expect(failure?.errCode).toBe(-604104);
    expect(env.cloud.openapi.calls()).toEqual([]);
  });

  test('in this process, with a token the local cloud issued for a function that declares the API', async () => {
    const token = env.cloud.apiTokens.issue({ envId: ENV_A, functionName: 'in-process', caller: USER, openapi: ['customerServiceMessage.send'] });
    const base = sdkProcessEnv({ backendUrl: env.cloud.sdkBackendUrl, envId: ENV_A, caller: USER });
    const restore = applySdkEnv({ ...base, WX_API_TOKEN: token, WX_CONTEXT_KEYS: `${base.WX_CONTEXT_KEYS},WX_API_TOKEN` });
    try {
      const result = (await cloud.openapi.customerServiceMessage.send({ touser: 'o-user-9', msgtype: 'text', text: { content: 'hi' } })) as Record<
        string,
        unknown
      >;
      expect(result).toEqual({ errMsg: 'openapi.customerServiceMessage.send:ok', errCode: 0 });
      expect(env.cloud.openapi.calls(ENV_A)[0]).toMatchObject({ functionName: 'in-process', caller: USER });
    } finally {
      restore();
      env.cloud.apiTokens.revoke(token);
    }
  });
});

describe('the wire', () => {
  test('the answer is binary protobuf, not typed application/json; charset=utf-8', async () => {
    const token = env.cloud.apiTokens.issue({ envId: ENV_A, functionName: 'wire', caller: {}, openapi: [] });
    try {
      const form = new FormData();
      form.append('action', 'wx.openApi');
      form.append('apiName', 'customerServiceMessage.send');
      form.append('requestData', new Blob([Buffer.from([0x08, 0x00])]));
      form.append('wxCloudApiToken', token);
      const response = await fetch(`${env.cloud.sdkBackendUrl}?env=${ENV_A}`, { method: 'POST', body: form });
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      // field 3 (errorCode), varint -604101 as ten bytes of 64-bit two's complement
      const body = Buffer.from(await response.arrayBuffer());
      expect(body[0]).toBe(0x18);
      expect(body.length).toBe(11);
    } finally {
      env.cloud.apiTokens.revoke(token);
    }
  });

  test('a multipart body without an action, or a broken one, is refused as the JSON ones are', async () => {
    const form = new FormData();
    form.append('apiName', 'x');
    const response = await fetch(`${env.cloud.sdkBackendUrl}?env=${ENV_A}`, { method: 'POST', body: form });
    expect(await response.json()).toMatchObject({ code: 'INVALID_PARAM', message: 'action is missing' });
    const broken = await fetch(`${env.cloud.sdkBackendUrl}?env=${ENV_A}`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=abc' },
      body: '--abc\r\nContent-Disposition: form-data; name="action"\r\n\r\nwx.openApi',
    });
    expect(await broken.json()).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('multipart') });
  });
});

describe('realistic payloads', () => {
  beforeAll(() => {
    env.cloud.functions.register({ envId: ENV_A, name: 'code-maker', dir: path.join(FIXTURES, 'code-maker'), backendUrl: env.cloud.sdkBackendUrl });
  });

  test('wxacode.getUnlimited answers a PNG of a QR code as wide as asked, which the project can upload', async () => {
    const { result } = await env.cloud.functions.invoke({ envId: ENV_A, name: 'code-maker', event: { scene: 'order-42', width: 300 }, caller: USER });
    const { errCode, contentType, bytes, fileID } = result as { errCode: number; contentType: string; bytes: number; fileID: string };
    expect({ errCode, contentType }).toEqual({ errCode: 0, contentType: 'image/png' });
    const stored = env.cloud.storage.read(fileID)?.content ?? Buffer.alloc(0);
    expect(stored.length).toBe(bytes);
    // PNG signature, then the IHDR chunk's width (big-endian at offset 16).
    expect(stored.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(stored.readUInt32BE(16)).toBe(300);
    expect(env.cloud.openapi.calls(ENV_A, 'wxacode.getUnlimited')).toEqual([
      expect.objectContaining({ functionName: 'code-maker', request: { scene: 'order-42', page: 'pages/index/index', width: 300 } }),
    ]);
  });

  test('security.msgSecCheck gives a verdict: ok, or 87014 for risky content; version 2 a suggestion', async () => {
    expect(await send('sender', 'security.msgSecCheck', { content: '今天天气不错' })).toEqual({
      result: { errCode: 0, errMsg: 'openapi.security.msgSecCheck:ok' },
    });
    const risky = await send('sender', 'security.msgSecCheck', { content: '这是[risky]内容' });
    expect(risky.error?.errCode).toBe(87014);
    const v2 = await send('sender', 'security.msgSecCheck', { content: '赌博', version: 2, scene: 1, openid: 'o-user-9' });
    expect(v2.result).toMatchObject({ errCode: 0, result: { suggest: 'risky', label: 20006 } });
  });

  test('a code image for a function whose config.json does not declare it: -604101', async () => {
    const outcome = await send('sender', 'wxacode.getUnlimited', { scene: 'x' });
    expect(outcome.error?.errCode).toBe(-604101);
  });
});
