import { ErrorCode, ReplyError } from '@wxhub/function-kit';
import { LocalCloud } from '@wxhub/local-cloud';
import { recognizeLines } from '../src/baidu-ocr';
import { OcrErrorCode } from '../src/codes';

const client = { name: 'baidu_ocr', clientId: 'test-ak-0123456789', clientSecret: 'test-sk-0123456789' };
const image = (text: string) => Buffer.from(text, 'utf8').toString('base64');

async function refusal(promise: Promise<unknown>): Promise<ReplyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ReplyError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('recognizeLines against the local Baidu emulator', () => {
  let cloud: LocalCloud;
  let token: string;

  beforeEach(async () => {
    cloud = await LocalCloud.start({ apps: [], baiduClients: [client] });
    const response = await fetch(
      `${cloud.baiduApiBase}/oauth/2.0/token?grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}`,
      { method: 'POST' },
    );
    token = String(((await response.json()) as { access_token?: unknown }).access_token);
  });
  afterEach(async () => {
    await cloud.stop();
  });

  const call = (overrides: { token?: string; image?: string; baseUrl?: string } = {}) =>
    recognizeLines({
      baseUrl: overrides.baseUrl ?? cloud.baiduApiBase,
      token: overrides.token ?? token,
      image: overrides.image ?? image('第一行\n第二行'),
      timeoutMs: 5000,
    });

  it('answers the recognised lines', async () => {
    expect(await call()).toEqual(['第一行', '第二行']);
  });

  it('answers -4002 for a token Baidu does not know (110) or calls expired (111), without the token', async () => {
    const unknown = await refusal(call({ token: 'not-a-baidu-token-value' }));
    expect(unknown).toMatchObject({ errcode: OcrErrorCode.TOKEN_REJECTED, data: { error_code: 110 } });
    expect(unknown.errmsg).not.toContain('not-a-baidu-token-value');
    cloud.baidu.inject({ path: '/rest/2.0/ocr/v1/general_basic', error_code: 111, error_msg: `Access token expired: ${token}` });
    const expired = await refusal(call());
    expect(expired).toMatchObject({ errcode: OcrErrorCode.TOKEN_REJECTED, data: { error_code: 111 } });
    expect(expired.errmsg).not.toContain(token);
  });

  it('answers -1001 naming the image when Baidu cannot read it', async () => {
    const error = await refusal(call({ image: '' }));
    expect(error).toMatchObject({ errcode: ErrorCode.INVALID_INPUT, data: { field: 'image', error_code: 216101 } });
  });

  it("answers -3002 with Baidu's code for its other errors, and for HTTP failures", async () => {
    cloud.baidu.inject({ path: '/rest/2.0/ocr/v1/general_basic', error_code: 17, error_msg: 'Open api daily request limit reached', times: 1 });
    expect(await refusal(call())).toMatchObject({ errcode: OcrErrorCode.THIRD_PARTY_FAILED, data: { error_code: 17 } });
    cloud.baidu.inject({ path: '/rest/2.0/ocr/v1/general_basic', status: 502, times: 1 });
    expect(await refusal(call())).toMatchObject({ errcode: OcrErrorCode.THIRD_PARTY_FAILED, data: { status: 502 } });
  });

  it('answers -3002 when Baidu does not answer in time, with the token masked in the message', async () => {
    cloud.baidu.inject({ path: '/rest/2.0/ocr/v1/general_basic', hang: true });
    const pending = recognizeLines({ baseUrl: cloud.baiduApiBase, token, image: image('x'), timeoutMs: 200 });
    const error = await refusal(pending);
    cloud.baidu.clearFaults();
    expect(error).toMatchObject({ errcode: OcrErrorCode.THIRD_PARTY_FAILED, data: { code: 'TIMEOUT' } });
    expect(error.errmsg).toContain('access_token=');
    expect(error.errmsg).not.toContain(token);
  });
});
