import { budgetDay, parseTokenDocument, SWEEP_MARKER_KEY } from '@wxhub/token-cache';

/** The force budget the token cache applies by default (per appid and Beijing day). */
const FORCE_PER_DAY = 10;

/** What the status page gets for one access token of the `token` collection: never the value. */
export interface AccessTokenHealth {
  /** The cache key: the appid (or `baidu:<client id>`). */
  readonly key: string;
  /** A token is stored and has not expired. */
  readonly fresh: boolean;
  readonly expires_at: number | null;
  readonly refreshed_at: number | null;
  /** Some instance is refreshing it right now, until then. */
  readonly lease_until: number | null;
  /** The last refresh failed: its code, how many in a row, when upstream is asked again. */
  readonly failure: { readonly code: string; readonly count: number; readonly retry_at: number } | null;
  readonly forced_today: number;
  readonly force_budget_left: number;
  /** Fields of the document that were malformed (ignored by the cache; the next write repairs them). */
  readonly corrupt_fields: readonly string[];
}

/**
 * Each document's health, read field by field through the cache's own parser (so this report
 * and the cache agree on what is valid), sorted by key; the sweep marker is left out.
 */
export function accessTokenHealth(documents: ReadonlyArray<Readonly<Record<string, unknown>>>, now: number): AccessTokenHealth[] {
  return documents
    .filter((document) => typeof document._id === 'string' && document._id !== SWEEP_MARKER_KEY)
    .map((document) => {
      const entry = parseTokenDocument(document as Record<string, unknown>);
      const forcedToday = entry.forced && entry.forced.day === budgetDay(now) ? entry.forced.count : 0;
      const refreshedAt = document.refreshed_at;
      return {
        key: String(document._id),
        fresh: entry.token !== undefined && entry.token.expiresAt > now,
        expires_at: entry.token?.expiresAt ?? null,
        refreshed_at: typeof refreshedAt === 'number' && Number.isFinite(refreshedAt) && refreshedAt > 0 ? refreshedAt : null,
        lease_until: entry.lease && entry.lease.until > now ? entry.lease.until : null,
        failure: entry.failure ? { code: entry.failure.code, count: entry.failure.count, retry_at: entry.failure.retryAt } : null,
        forced_today: forcedToday,
        force_budget_left: Math.max(0, FORCE_PER_DAY - forcedToday),
        corrupt_fields: entry.corrupt ?? [],
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}
