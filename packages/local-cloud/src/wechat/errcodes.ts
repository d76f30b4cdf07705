import { randomBytes } from 'node:crypto';

/** WeChat's own errmsg texts (English, as the API sends them), without the trailing ` rid: …`. */
export const WECHAT_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40097: 'invalid args',
  40101: 'missing parameter',
  40125: 'invalid appsecret',
  40164: 'invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist',
  40243: 'AppSecret has been frozen, unfreeze it on the platform and call again',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  47001: 'data format error',
  89503: 'this call from the ip needs the admin to confirm it',
};

export interface WeChatErrorBody {
  errcode: number;
  errmsg: string;
}

/**
 * WeChat's request id: the first group is the server's time in hex seconds, the others are
 * opaque; every errmsg ends with ` rid: <id>` so support can trace the call.
 */
export function requestId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  return `${seconds}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

/** An error body the way WeChat sends it (HTTP 200). `errmsg` overrides the standard text. */
export function wechatError(errcode: number, nowMs: number, errmsg?: string): WeChatErrorBody {
  const text = errmsg ?? WECHAT_ERRMSG[errcode] ?? `errcode ${errcode}`;
  return { errcode, errmsg: `${text} rid: ${requestId(nowMs)}` };
}
