import { wechatError } from '../wechat/errcodes';

/** The message types a mini program's customer-service message may have (message/custom/send). */
const MESSAGE_TYPES = ['text', 'image', 'link', 'miniprogrampage'] as const;

/**
 * `customerServiceMessage.send` (POST /cgi-bin/message/custom/send): checks the request the way
 * WeChat refuses malformed ones, or answers ok. Whether the user wrote within 48 hours (45015)
 * is not tracked: a test that needs that answer sets it with OpenApiService.respond.
 */
export function sendCustomerServiceMessage(request: Readonly<Record<string, unknown>>, nowMs: number): Record<string, unknown> {
  const { touser, msgtype } = request;
  if (typeof touser !== 'string' || touser === '') return { ...wechatError(40003, nowMs, 'invalid openid') };
  if (typeof msgtype !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(msgtype)) {
    return { ...wechatError(40008, nowMs, 'invalid message type') };
  }
  const body = request[msgtype];
  if (typeof body !== 'object' || body === null) return { ...wechatError(47001, nowMs, `data format error: ${msgtype} is missing`) };
  return { errcode: 0, errmsg: 'ok' };
}
