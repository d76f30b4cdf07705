import cloud from 'wx-server-sdk';
import { ErrorCode, handler, ok, readOrEmpty, ReplyError, rowsOf } from '@wxhub/function-kit';
import { readStatusSettings } from './settings';
import { tokenStatuses } from './status';
import { accessTokenHealth } from './token-health';

// The typings declare `env` as a string, but the SDK documents the symbol for "this function's env".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/** More third-party tokens than any deployment keeps; one page of the database is enough. */
const MAX_ENTRIES = 100;

/**
 * `wx.cloud.callFunction({name: 'token_status'})` from B's token status page: answers
 * `{tokens: [{config_name, fresh, expires_at, refreshed_at, last_error_message}], access_tokens:
 * [{key, fresh, expires_at, refreshed_at, lease_until, failure, forced_today, force_budget_left,
 * corrupt_fields}]}`. `setconfig` and `token` stay readable by cloud functions only, and no token
 * value leaves this function.
 */
export const main = handler(async () => {
  const settings = readStatusSettings(process.env);
  const { OPENID } = cloud.getWXContext();
  if (typeof OPENID !== 'string' || OPENID === '') {
    throw new ReplyError(ErrorCode.NO_CALLER, 'token_status must be called from the mini program by a user (no caller OPENID)');
  }
  if (settings.viewers.size > 0 && !settings.viewers.has(OPENID)) {
    throw new ReplyError(ErrorCode.NOT_ALLOWED, 'this user may not see the token status (TOKEN_STATUS_VIEWERS)');
  }
  const db = cloud.database();
  // No refresh has run yet in an environment without the collection: nothing to report, nothing to create.
  const found = await readOrEmpty(() => db.collection(settings.collection).limit(MAX_ENTRIES).get(), { data: [] });
  const entries = rowsOf<Record<string, unknown>>(found);
  const tokenDocuments = rowsOf<Record<string, unknown>>(
    await readOrEmpty(() => db.collection(settings.tokenCollection).limit(MAX_ENTRIES).get(), { data: [] }),
  );
  const now = Date.now();
  return ok({ tokens: tokenStatuses(entries, now), access_tokens: accessTokenHealth(tokenDocuments, now) });
});
