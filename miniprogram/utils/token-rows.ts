import { replyOf } from './reply';
import { formatTime } from './format-time';

/** One line of the token status page. */
export interface TokenRow {
  readonly name: string;
  readonly fresh: boolean;
  readonly state: string;
  readonly refreshed: string;
  readonly expires: string;
  readonly error: string;
}

export type TokenRowsResult = { readonly ok: true; readonly rows: TokenRow[] } | { readonly ok: false; readonly message: string };

/**
 * token_status's answer (`{tokens: [{config_name, fresh, expires_at, refreshed_at,
 * last_error_message}]}`) as rows; the function sends nothing else, and only these fields are read.
 */
export function tokenRows(result: unknown): TokenRowsResult {
  const reply = replyOf(result);
  if (!reply) return { ok: false, message: '服务暂时不可用，请稍后再试' };
  if (reply.errcode !== 0) return { ok: false, message: `无法读取令牌状态：${reply.errmsg}（错误码 ${reply.errcode}）` };
  const tokens = (reply.data as { tokens?: unknown } | undefined)?.tokens;
  if (!Array.isArray(tokens)) return { ok: false, message: '服务暂时不可用，请稍后再试' };
  return { ok: true, rows: tokens.map(toRow) };
}

function toRow(item: unknown): TokenRow {
  const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const fresh = entry.fresh === true;
  const expiresAt = typeof entry.expires_at === 'number' ? entry.expires_at : null;
  const error = typeof entry.last_error_message === 'string' ? entry.last_error_message : '';
  return {
    name: typeof entry.config_name === 'string' ? entry.config_name : '?',
    fresh,
    state: fresh ? '有效' : expiresAt === null ? '尚未获取' : '已过期',
    refreshed: formatTime(typeof entry.refreshed_at === 'number' ? entry.refreshed_at : null),
    expires: formatTime(expiresAt),
    error,
  };
}
