import { ErrorCode, ReplyError } from '@wxhub/function-kit';

/** What getWXContext() says about the invocation (strings when set). */
export interface WXContextFields {
  readonly OPENID?: unknown;
  readonly APPID?: unknown;
  readonly UNIONID?: unknown;
  readonly FROM_OPENID?: unknown;
  readonly FROM_APPID?: unknown;
  readonly FROM_UNIONID?: unknown;
}

/** The user a registration is for, and how we know. */
export interface RegisteringCaller {
  readonly openid: unknown;
  readonly app: string;
  readonly unionid?: string;
  /** `page`: A's own page; `shared`: another app through cross-account sharing; `http`: WeChat's HTTP API. */
  readonly via: 'page' | 'shared' | 'http';
}

/**
 * Who is registering, most trusted source first:
 * 1. a page of A: OPENID / APPID / UNIONID, set by WeChat — an `openid` in the event is ignored;
 * 2. another mini program through cross-account sharing: FROM_OPENID / FROM_APPID / FROM_UNIONID,
 *    set by WeChat;
 * 3. only when the context names no user (WeChat's HTTP API, tcb/invokecloudfunction, which B's
 *    `api` calls with A's access token): the event's `openid`/`unionid`, which `api` overwrote with
 *    its caller's, and the app configured as that route's source (USERS_HTTP_SOURCE_APPID).
 */
export function registeringCaller(context: WXContextFields, event: Readonly<Record<string, unknown>>, httpSourceAppid: string | undefined): RegisteringCaller {
  if (present(context.OPENID)) {
    return { openid: context.OPENID, app: text(context.APPID), via: 'page', ...unionid(context.UNIONID) };
  }
  if (present(context.FROM_OPENID)) {
    return { openid: context.FROM_OPENID, app: text(context.FROM_APPID), via: 'shared', ...unionid(context.FROM_UNIONID) };
  }
  if (!httpSourceAppid) {
    throw new ReplyError(
      ErrorCode.INVALID_INPUT,
      'invalid openid: the call carries no user, and USERS_HTTP_SOURCE_APPID (the app calling through the HTTP API) is not set',
      {
        field: 'openid',
        reason: 'no caller',
      },
    );
  }
  return { openid: event.openid, app: httpSourceAppid, via: 'http', ...unionid(event.unionid) };
}

function present(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function text(value: unknown): string {
  return present(value) ? value : '';
}

function unionid(value: unknown): { unionid?: string } {
  return present(value) ? { unionid: value } : {};
}
