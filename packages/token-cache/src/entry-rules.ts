import type { EntryNote, StoreEntry, Token } from './types';

/**
 * The store semantics as pure transitions, shared by the stores that keep whole entries
 * (memory, file) so they cannot drift apart. Each returns the next entry, `undefined` to remove
 * it, or `null` for "no change".
 */

/**
 * How far past a claimer's own lease end another lease may reach and still count as live:
 * instances' clocks differ a little. Anything further out was written by no instance (a hand
 * edit, a bug, an attack) and would otherwise block refreshes until then.
 */
export const LEASE_SKEW_MS = 1_000;

/** A live lease at `now`; with `ceiling` (a claimer's own `until`), one reaching past it + skew is not. */
export function leaseIsLive(entry: StoreEntry | undefined, now: number, ceiling = Number.POSITIVE_INFINITY): boolean {
  return entry?.lease !== undefined && entry.lease.until > now && entry.lease.until <= ceiling + LEASE_SKEW_MS;
}

/**
 * How long a forced-refresh count is kept after the last forced refresh (past any budget day),
 * and the failure memory after its backoff ended (so failures in a row keep doubling it).
 */
export const FORCED_MEMORY_MS = 86_400_000;

/** Nothing worth keeping: no usable token, nobody refreshing, no failure or forced count of the last day. */
export function isDead(entry: StoreEntry, now: number): boolean {
  return (
    (entry.token === undefined || entry.token.expiresAt <= now) &&
    !leaseIsLive(entry, now) &&
    !(entry.failure && entry.failure.retryAt > now - FORCED_MEMORY_MS) &&
    !(entry.forced && entry.forced.lastAt > now - FORCED_MEMORY_MS)
  );
}

export function claimEntry(entry: StoreEntry | undefined, holder: string, until: number, now: number): StoreEntry | null {
  if (leaseIsLive(entry, now, until)) return null;
  return withFields(entry, entry?.token, { holder, until });
}

export function renewEntry(entry: StoreEntry | undefined, holder: string, until: number, note: EntryNote | undefined): StoreEntry | null {
  if (!entry?.lease || entry.lease.holder !== holder) return null;
  return { ...withFields(entry, entry.token, { holder, until }), ...note };
}

export function putEntry(entry: StoreEntry | undefined, token: Token, holder: string): StoreEntry {
  const lease = entry?.lease && entry.lease.holder !== holder ? entry.lease : undefined;
  const { failure: _cleared, ...kept } = entry ?? {};
  return withFields(kept, token, lease);
}

export function releaseEntry(entry: StoreEntry | undefined, holder: string, note: EntryNote | undefined): StoreEntry | undefined | null {
  if (!entry?.lease || entry.lease.holder !== holder) return null;
  const next = { ...withFields(entry, entry.token, undefined), ...note };
  return next.token || next.failure || next.forced ? next : undefined;
}

/** The entry with this token and lease, its failure memory and forced counts kept, corruption dropped. */
function withFields(entry: StoreEntry | undefined, token: Token | undefined, lease: StoreEntry['lease']): StoreEntry {
  return {
    ...(token ? { token } : {}),
    ...(lease ? { lease } : {}),
    ...(entry?.failure ? { failure: entry.failure } : {}),
    ...(entry?.forced ? { forced: entry.forced } : {}),
  };
}
