import cloud from 'wx-server-sdk';
import { answerPush, type PUSH_ANSWER } from './answer-push';
import { claimPush } from './push-dedupe';

// The typings declare `env` as a string, but the SDK documents the symbol for "this function's env".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/** `cloud.openapi` is untyped in wx-server-sdk's typings; this is the one call made through it. */
interface CustomerServiceMessage {
  send(params: { touser: string; msgtype: 'text'; text: { content: string } }): Promise<unknown>;
}

/**
 * Mini program B's cloud-hosted message push (开发管理 → 消息推送 → 云函数 push_reply): answers
 * users in the customer-service session with customer-service messages. Needs
 * `customerServiceMessage.send` in config.json `permissions.openapi`.
 */
export async function main(event: unknown): Promise<typeof PUSH_ANSWER> {
  const { OPENID } = cloud.getWXContext();
  const customerService = (cloud.openapi as { customerServiceMessage: CustomerServiceMessage }).customerServiceMessage;
  return answerPush(event, {
    caller: OPENID,
    claim: (key) => claimPush(cloud.database(), key),
    sendText: async (touser, content) => {
      await customerService.send({ touser, msgtype: 'text', text: { content } });
    },
    log: console,
  });
}
