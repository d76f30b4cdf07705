import { WxhubError, isTransientErrcode, mask, scrub, wechatCode } from '@wxhub/core';

// The codes' meanings (token rejected, transient, what to do) live in @wxhub/core's one table;
// this package re-exports the two questions its callers ask of an errcode.
export { isTokenRejected, isTransientErrcode } from '@wxhub/core';

export interface WeChatApiErrorInit {
  /** The API path, e.g. '/cgi-bin/token'. */
  readonly api: string;
  readonly errcode: number;
  /** WeChat's errmsg as received; it is scrubbed before it is kept. */
  readonly errmsg: string;
  /** The mini program concerned, when known (shown masked). */
  readonly appid?: string;
  /** Values that must not appear in the message (appsecret, tokens): WeChat may echo them. */
  readonly secrets?: Iterable<string | undefined>;
}

/**
 * WeChat answered HTTP 200 with a non-zero errcode. `code` is always 'WECHAT_API'; switch on
 * `errcode` for the reason. The message says in plain words what went wrong and what to do,
 * followed by WeChat's own errmsg (with secrets and anything token-like masked).
 */
export class WeChatApiError extends WxhubError {
  readonly code = 'WECHAT_API';
  readonly transient: boolean;
  readonly api: string;
  readonly errcode: number;
  readonly errmsg: string;
  readonly appid?: string;

  constructor(init: WeChatApiErrorInit) {
    const errmsg = scrubUpstream(init.errmsg, init.secrets ?? []);
    super(`${init.api}: ${explain(init.errcode, errmsg, init.appid)} (errcode ${init.errcode}: ${errmsg})`);
    this.api = init.api;
    this.errcode = init.errcode;
    this.errmsg = errmsg;
    this.appid = init.appid;
    this.transient = isTransientErrcode(init.errcode);
  }
}

/** Anything that looks like an access token (long opaque run) is masked even if we did not know it. */
function scrubUpstream(errmsg: string, secrets: Iterable<string | undefined>): string {
  return scrub(errmsg, secrets).replace(/[A-Za-z0-9_\-.]{40,}/g, (run) => mask(run));
}

/** The table's meaning of `errcode` with the app (masked) and, for 40164, the caller's IP filled in. */
function explain(errcode: number, errmsg: string, appid: string | undefined): string {
  const meaning = wechatCode(errcode)?.meaning ?? 'WeChat API error';
  const ip = /invalid ip (\S+?),? /.exec(errmsg)?.[1];
  return meaning
    .replace('{app}', appid ? ` for appid ${mask(appid)}` : '')
    .replace('{appid}', appid ? ` ${mask(appid)}` : '')
    .replace('{ip}', ip ? ` ${ip}` : '');
}
