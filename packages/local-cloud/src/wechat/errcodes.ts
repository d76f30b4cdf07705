import { randomBytes } from 'node:crypto';
import { wechatCode } from '@wxhub/core';

/** WeChat's own errmsg text of `errcode` (English, as the API sends it), from @wxhub/core's table. */
export function wechatErrmsg(errcode: number): string | undefined {
  return wechatCode(errcode)?.errmsg;
}

export interface WeChatErrorBody {
  errcode: number;
  errmsg: string;
}

/**
 * WeChat's request id: the first group is the server's time in hex seconds, the others are
 * opaque; every errmsg ends with ` rid: <id>` so support can trace the call.
 */
export function requestId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${seconds}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

/** An error body the way WeChat sends it (HTTP 200). `errmsg` overrides the standard text. */
export function wechatError(errcode: number, nowMs: number, errmsg?: string): WeChatErrorBody {
  const text = errmsg ?? wechatErrmsg(errcode) ?? `errcode ${errcode}`;
  return { errcode, errmsg: `${text} rid: ${requestId(nowMs)}` };
}
