import type { StoreEntry, Token } from './types';

/**
 * The store semantics as pure transitions, shared by the stores that keep whole entries
 * (memory, file) so they cannot drift apart. Each returns the next entry, `undefined` to remove
 * it, or `null` for "no change".
 */

export function leaseIsLive(entry: StoreEntry | undefined, now: number): boolean {
  return entry?.lease !== undefined && entry.lease.until > now;
}

/** Nothing worth keeping: no usable token and nobody refreshing. */
export function isDead(entry: StoreEntry, now: number): boolean {
  return (entry.token === undefined || entry.token.expiresAt <= now) && !leaseIsLive(entry, now);
}

export function claimEntry(entry: StoreEntry | undefined, holder: string, until: number, now: number): StoreEntry | null {
  if (leaseIsLive(entry, now)) return null;
  return withFields(entry?.token, { holder, until });
}

export function putEntry(entry: StoreEntry | undefined, token: Token, holder: string): StoreEntry {
  const lease = entry?.lease && entry.lease.holder !== holder ? entry.lease : undefined;
  return withFields(token, lease);
}

export function releaseEntry(entry: StoreEntry | undefined, holder: string): StoreEntry | undefined | null {
  if (!entry?.lease || entry.lease.holder !== holder) return null;
  return entry.token ? { token: entry.token } : undefined;
}

function withFields(token: Token | undefined, lease: StoreEntry['lease']): StoreEntry {
  return { ...(token ? { token } : {}), ...(lease ? { lease } : {}) };
}
