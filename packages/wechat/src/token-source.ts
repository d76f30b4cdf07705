import type { TokenSource } from './client';

/** The part of the shared token cache the client needs (TokenCache satisfies it). */
export interface KeyedTokenCache {
  get(key: string): Promise<string>;
  invalidate(key: string, rejected: string): Promise<unknown>;
}

/** One key of a token cache as the client's TokenSource, e.g. `tokenSource(cache, 'wechat:wx12…')`. */
export function tokenSource(cache: KeyedTokenCache, key: string): TokenSource {
  return {
    get: () => cache.get(key),
    invalidate: (rejected) => cache.invalidate(key, rejected),
  };
}
