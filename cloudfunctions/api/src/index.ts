import cloud from 'wx-server-sdk';
import { ErrorCode, handler, ok, ReplyError } from '@wxhub/function-kit';
import type { CloudDatabase } from '@wxhub/token-cache';
import { functionTimeoutMs, planBudget } from './budget';
import { Forwarder } from './forward';
import { parseForwardRequest } from './request';
import { readApiSettings } from './settings';

// The typings declare `env` as a string, but the SDK documents the symbol for "this function's env".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

// Kept across warm invocations: its token cache answers from memory while the token is fresh.
let forwarder: Forwarder | undefined;

/**
 * `wx.cloud.callFunction({name: 'api', data: {func, data}})` from B's pages: calls A's `func`
 * with `data` plus the caller's OPENID (overwriting any `openid` the page sent, so a page cannot
 * act as another user) and answers `{errcode: 0, errmsg: 'success', data: <A's result>}`.
 */
export const main = handler<unknown>(async (event) => {
  // The budget counts from here: the platform's own time (queue, cold start) is not the function's.
  const startedAt = Date.now();
  const settings = readApiSettings(process.env);
  const { OPENID } = cloud.getWXContext();
  if (typeof OPENID !== 'string' || OPENID === '') {
    throw new ReplyError(ErrorCode.NO_CALLER, 'api must be called from the mini program by a user (no caller OPENID)');
  }
  const request = parseForwardRequest(event, settings.allowed, settings.maxEventBytes);
  forwarder ??= new Forwarder({
    settings,
    budget: planBudget(functionTimeoutMs(__dirname), settings.upstreamTimeoutMs),
    db: cloud.database() as unknown as CloudDatabase,
  });
  return ok(await forwarder.invoke(request.func, { ...request.data, openid: OPENID }, startedAt));
});
