import cloud from 'wx-server-sdk';
import { ErrorCode, handler, ok, ReplyError } from '@wxhub/function-kit';
import { callerEvent } from './caller-event';
import { parseForwardRequest } from './request';
import { readRequestSettings } from './request-settings';
import { createTransport, type Transport } from './transport';
import type { CrossAccountSdk } from './shared-transport';

// The typings declare `env` as a string, but the SDK documents the symbol for "this function's env".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

// Kept across warm invocations: the http transport's token cache answers from memory while the token is fresh.
let transport: Transport | undefined;

/**
 * `wx.cloud.callFunction({name: 'api', data: {func, data}})` from B's pages: calls A's `func`
 * with `data` plus the caller's OPENID (overwriting any `openid` the page sent, so a page cannot
 * act as another user) and answers `{errcode: 0, errmsg: 'success', data: <A's result>}`.
 */
export const main = handler<unknown>(async (event) => {
  // The budget counts from here: the platform's own time (queue, cold start) is not the function's.
  const startedAt = Date.now();
  const settings = readRequestSettings(process.env);
  const { OPENID, UNIONID } = cloud.getWXContext() as { OPENID?: unknown; UNIONID?: unknown };
  if (typeof OPENID !== 'string' || OPENID === '') {
    throw new ReplyError(ErrorCode.NO_CALLER, 'api must be called from the mini program by a user (no caller OPENID)');
  }
  const request = parseForwardRequest(event, settings.allowed, settings.maxEventBytes);
  transport ??= createTransport(process.env, cloud as unknown as CrossAccountSdk & { database(): unknown }, __dirname);
  const caller = { openid: OPENID, ...(typeof UNIONID === 'string' && UNIONID !== '' ? { unionid: UNIONID } : {}) };
  return ok(await transport.invoke(request.func, callerEvent(request.data, caller), startedAt));
});
