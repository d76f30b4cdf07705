import { join } from 'node:path';
import { startProjectCloud, type ProjectCloud } from '@wxhub/local-cloud';
import { GREETING, KEYWORD_RULES, TEXT_DEFAULT } from '../src/replies';
import { testedNodeRuntimes } from '@wxhub/test-support';

const ROOT = join(__dirname, '..', '..', '..');
const USER = 'oB_push_user_0001';
const SEND = 'customerServiceMessage.send';

/**
 * The BUILT bundle in B's environment on the local cloud, invoked as 云开发消息推送 invokes it:
 * the message as the event, the user who wrote as the caller; its customer-service messages go
 * through the real wx-server-sdk's cloud.openapi to the local cloud, which records them. On each
 * Node version WeChat's cloud runs.
 */
describe.each(testedNodeRuntimes())('push_reply (built bundle) on Node $version', ({ binary }) => {
  let project: ProjectCloud;
  let envId: string;
  let appid: string;

  beforeEach(async () => {
    project = await startProjectCloud({ root: ROOT, nodeBinary: binary, runtime: { idleCheckIntervalMs: 0 } });
    const B = project.config.apps.B;
    if (!B || !project.functions.includes('push_reply')) throw new Error('push_reply is not configured and built: run `pnpm build`');
    ({ envId, appid } = B);
  });
  afterEach(async () => {
    await project.cloud.stop();
  });

  const push = async (event: Record<string, unknown>, openid = USER) =>
    (await project.cloud.functions.invoke({ envId, name: 'push_reply', event, caller: { appid, openid } })).result;
  const text = (Content: string, MsgId: string) => ({
    ToUserName: 'gh_0123456789ab',
    FromUserName: USER,
    CreateTime: 1767225600,
    MsgType: 'text',
    Content,
    MsgId,
  });
  const sent = () => project.cloud.openapi.calls(envId, SEND).map((call) => ({ function: call.functionName, request: call.request }));

  it('answers a text message with a customer-service message to its sender, and WeChat with success', async () => {
    expect(await push(text('我的订单呢', '24602289745563241'))).toBe('success');
    expect(sent()).toEqual([{ function: 'push_reply', request: { touser: USER, msgtype: 'text', text: { content: KEYWORD_RULES[1]?.reply } } }]);
  });

  it('sends one reply for a message WeChat delivers four times, and for a repeated session event', async () => {
    const message = text('你好', '24602289745563242');
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await push(message));
    const enter = {
      ToUserName: 'gh_0123456789ab',
      FromUserName: USER,
      CreateTime: 1767225700,
      MsgType: 'event',
      Event: 'user_enter_tempsession',
      SessionFrom: '',
    };
    answers.push(await push(enter), await push(enter));
    expect(answers).toEqual(Array(6).fill('success'));
    expect(sent().map((call) => call.request.text)).toEqual([{ content: TEXT_DEFAULT }, { content: GREETING }]);
    const records = project.cloud.backend
      .database(envId)
      .find('push_dedupe')
      .map((doc) => doc._id);
    expect(records.sort()).toEqual([`event:${USER}:1767225700:event:user_enter_tempsession`, `msg:${USER}:24602289745563242`]);
  });

  it('sends one reply when the retries race', async () => {
    const message = text('你好', '24602289745563243');
    expect(await Promise.all([push(message), push(message), push(message)])).toEqual(['success', 'success', 'success']);
    expect(sent()).toHaveLength(1);
  });

  it('answers success when WeChat refuses the customer-service message (48-hour window passed)', async () => {
    project.cloud.openapi.respond(SEND, { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' });
    expect(await push(text('在吗', '24602289745563244'))).toBe('success');
    expect(project.cloud.openapi.calls(envId, SEND).map((call) => call.response.errcode)).toEqual([45015]);
  });

  it('answers success and sends nothing for a forged event naming another user', async () => {
    expect(await push(text('hi', '24602289745563245'), 'oB_attacker_0002')).toBe('success');
    expect(await push({ hello: 'world' })).toBe('success');
    expect(sent()).toEqual([]);
  });
});
