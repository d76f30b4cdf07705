import { buildUrl, requestJson } from '@wxhub/core';
import { HTTP_API_CALLER, LocalCloud } from '../src';

const app = { name: 'B', appid: 'wxb0000000000000b2', secret: 'custom-send-test-secret', envId: 'b-env-custom' };

describe('POST /cgi-bin/message/custom/send', () => {
  let cloud: LocalCloud;
  let token: string;
  beforeAll(async () => {
    cloud = await LocalCloud.start({ apps: [app] });
    const answer = await requestJson(
      buildUrl(cloud.wechatApiBase, '/cgi-bin/token', { grant_type: 'client_credential', appid: app.appid, secret: app.secret }),
    );
    token = (answer.body as { access_token: string }).access_token;
  });
  afterAll(() => cloud.stop());

  const send = (body: unknown, accessToken = token) =>
    requestJson(buildUrl(cloud.wechatApiBase, '/cgi-bin/message/custom/send', { access_token: accessToken }), { method: 'POST', json: body });

  it('records the message as the cloud call does and answers ok', async () => {
    const message = { touser: 'oUser0000001', msgtype: 'text', text: { content: '你好' } };
    expect((await send(message)).body).toEqual({ errcode: 0, errmsg: 'ok' });
    const [call] = cloud.openapi.calls(app.envId, 'customerServiceMessage.send');
    expect(call).toMatchObject({ appid: app.appid, functionName: HTTP_API_CALLER, request: message });
  });

  it("refuses what WeChat refuses, with WeChat's errcodes", async () => {
    expect((await send({ touser: '', msgtype: 'text', text: { content: 'x' } })).body).toMatchObject({ errcode: 40003 });
    expect((await send({ touser: 'oUser0000001', msgtype: 'video' })).body).toMatchObject({ errcode: 40008 });
    expect((await send({ touser: 'oUser0000001', msgtype: 'text' })).body).toMatchObject({ errcode: 47001 });
    expect((await send({ touser: 'oUser0000001', msgtype: 'text', text: { content: 'x' } }, 'not-a-token')).body).toMatchObject({ errcode: 40001 });
  });
});
