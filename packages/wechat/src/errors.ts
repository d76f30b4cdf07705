import { WxhubError, mask, scrub } from '@wxhub/core';

/** The errcodes that mean "this access token is no good": fetch a new one and try once more. */
const TOKEN_REJECTED: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/**
 * Only "system busy" clears up by itself within a retry loop's backoff. Quotas (45009 daily,
 * 45011 per minute) do not: retrying within seconds spends more quota and fails the same way.
 */
const TRANSIENT: ReadonlySet<number> = new Set([-1]);

export function isTokenRejected(errcode: number): boolean {
  return TOKEN_REJECTED.has(errcode);
}

export function isTransientErrcode(errcode: number): boolean {
  return TRANSIENT.has(errcode);
}

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

function explain(errcode: number, errmsg: string, appid: string | undefined): string {
  const app = appid ? ` for appid ${mask(appid)}` : '';
  switch (errcode) {
    case -1:
      return 'WeChat is busy (system error); try again shortly';
    case 40001:
      return `access token rejected as invalid or not the latest${app} (a newer one was fetched elsewhere, or the appsecret is wrong)`;
    case 40002:
      return 'grant_type must be client_credential';
    case 40013:
      return `invalid appid${appid ? ` ${mask(appid)}` : ''} (check the AppID in the mini program's settings)`;
    case 40014:
      return `access token invalid${app}`;
    case 40029:
      return 'invalid code (unknown, expired after 5 minutes, or from another mini program): call wx.login again';
    case 40163:
      return 'code already used: each wx.login code is exchanged once';
    case 40226:
      return 'WeChat refused this user (risk control)';
    case 41008:
      return 'code missing from the request';
    case 40125:
      return `invalid appsecret${app} (reset or copy it again from the mini program's development settings)`;
    case 40164: {
      const ip = /invalid ip (\S+?),? /.exec(errmsg)?.[1];
      return `caller IP${ip ? ` ${ip}` : ''} not in the API IP whitelist${app} (add it in the mini program's settings: Development > Development settings > IP whitelist)`;
    }
    case 40243:
      return `appsecret frozen${app} (unfreeze it on the mini program platform)`;
    case 41001:
      return 'access_token missing from the request';
    case 41002:
      return 'appid missing from the request';
    case 41004:
      return 'appsecret missing from the request';
    case 42001:
      return `access token expired${app}`;
    case 43002:
      return 'this API must be called with POST';
    case 44002:
      return 'the POST body is empty';
    case 45009:
      return `daily API quota reached${app} (resets at midnight Beijing time)`;
    case 45011:
      return `per-minute API quota reached${app}; slow down and retry next minute`;
    case 47001:
      return 'malformed request body (WeChat expects JSON)';
    case 89503:
      return `calls from this IP need the administrator's confirmation${app} (approve it in the WeChat notification)`;
    default:
      return 'WeChat API error';
  }
}
