import { scrub } from '@wxhub/core';

/** What the token status page gets for one `setconfig` entry: everything but the token. */
export interface TokenStatus {
  readonly config_name: string;
  /** A token is stored and has not expired. */
  readonly fresh: boolean;
  /** Epoch milliseconds, or null when no token was ever stored. */
  readonly expires_at: number | null;
  /** Epoch milliseconds of the last successful refresh, or null. */
  readonly refreshed_at: number | null;
  /** Why the last refresh failed, or null when it succeeded. */
  readonly last_error_message: string | null;
}

export const MAX_ERROR_MESSAGE_LENGTH = 300;

// Query parameters and JSON fields that carry credentials in Baidu's and WeChat's APIs.
const CREDENTIAL = /\b(access_token|refresh_token|client_secret|client_id|secret|session_key|session_secret)(["']?\s*[=:]\s*["']?)[^\s&"',}]+/gi;

/**
 * Maps a stored document to its status, field by field: nothing of the document is copied
 * as a whole, so a field added to `setconfig` later cannot leak through this function.
 */
export function tokenStatus(entry: Readonly<Record<string, unknown>>, now: number): TokenStatus | undefined {
  const name = entry.config_name;
  if (typeof name !== 'string' || name === '') return undefined;
  const value = typeof entry.value === 'string' && entry.value !== '' ? entry.value : undefined;
  const expiresAt = typeof entry.expires_at === 'number' && Number.isFinite(entry.expires_at) ? entry.expires_at : null;
  return {
    config_name: name,
    fresh: value !== undefined && expiresAt !== null && expiresAt > now,
    expires_at: value === undefined ? null : expiresAt,
    refreshed_at: epochMs(entry.refreshed_at),
    last_error_message: errorMessage(entry.last_error, value),
  };
}

/** Sorted by name; entries without a name are left out. */
export function tokenStatuses(entries: ReadonlyArray<Readonly<Record<string, unknown>>>, now: number): TokenStatus[] {
  return entries
    .map((entry) => tokenStatus(entry, now))
    .filter((status): status is TokenStatus => status !== undefined)
    .sort((a, b) => a.config_name.localeCompare(b.config_name));
}

function epochMs(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

/**
 * refresh_tokens already scrubs the client id and secret from its messages; this masks the
 * stored token and anything shaped like a credential once more, because these messages go to
 * every user of the page.
 */
function errorMessage(lastError: unknown, token: string | undefined): string | null {
  if (typeof lastError !== 'object' || lastError === null) return null;
  const message = (lastError as { message?: unknown }).message;
  if (typeof message !== 'string' || message === '') return null;
  const cleaned = scrub(message, [token]).replace(CREDENTIAL, (_match, key: string, separator: string) => `${key}${separator}***`);
  return cleaned.length > MAX_ERROR_MESSAGE_LENGTH ? `${cleaned.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…` : cleaned;
}
