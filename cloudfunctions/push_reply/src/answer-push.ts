import { mask } from '@wxhub/core';
import { dedupeKey, pushMessageFromEvent, type PushMessage } from '@wxhub/message-push';
import { replyTo } from './replies';

/** What WeChat expects back from a push; anything else (or a failure) shows the user "该小程序提供的服务出现故障". */
export const PUSH_ANSWER = 'success';

export interface PushDependencies {
  /** The OPENID of the invocation (getWXContext): for a real push, the user who wrote. */
  readonly caller: string | undefined;
  /** Records the push as answered; false when it was already (one of WeChat's retries). */
  claim(key: string): Promise<boolean>;
  /** Sends a customer-service text message (cloud.openapi.customerServiceMessage.send). */
  sendText(touser: string, content: string): Promise<void>;
  readonly log: { error(line: string): void };
}

/**
 * One push of 云开发消息推送: the event is the message. The user is answered at most once per
 * message however often WeChat retries, and the answer to WeChat is always `success`: a failure
 * to send is logged, never turned into an error the user would see.
 */
export async function answerPush(event: unknown, deps: PushDependencies): Promise<typeof PUSH_ANSWER> {
  const message = readMessage(event, deps);
  if (!message) return PUSH_ANSWER;
  const reply = replyTo(message);
  if (reply === undefined) return PUSH_ANSWER;
  if (!(await claimOrProceed(dedupeKey(message), deps))) return PUSH_ANSWER;
  try {
    await deps.sendText(message.FromUserName, reply);
  } catch (error) {
    deps.log.error(`push_reply: the reply to ${mask(message.FromUserName)} was not sent: ${describe(error)}`);
  }
  return PUSH_ANSWER;
}

/**
 * The event must be a push and come from its own sender: the function can also be called by any
 * user of the mini program (wx.cloud.callFunction) with an event of their making, and must not
 * then message someone else.
 */
function readMessage(event: unknown, deps: PushDependencies): PushMessage | undefined {
  let message: PushMessage;
  try {
    message = pushMessageFromEvent(event);
  } catch (error) {
    deps.log.error(`push_reply: ignored an event that is not a push: ${describe(error)}`);
    return undefined;
  }
  if (message.FromUserName !== deps.caller) {
    deps.log.error(`push_reply: ignored a push from ${mask(message.FromUserName)} invoked as ${deps.caller ? mask(deps.caller) : 'no user'}`);
    return undefined;
  }
  return message;
}

/** When the dedupe record cannot be written, answering twice beats not answering. */
async function claimOrProceed(key: string, deps: PushDependencies): Promise<boolean> {
  try {
    return await deps.claim(key);
  } catch (error) {
    deps.log.error(`push_reply: could not record the push, answering anyway: ${describe(error)}`);
    return true;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'a non-Error value was thrown';
  const code = (error as { errCode?: unknown }).errCode;
  return `${typeof code === 'number' ? `errCode ${code}: ` : ''}${error.message.slice(0, 300)}`;
}
