import { ManualClock } from '@wxhub/core';
import { MemoryStore, TokenCache, type TokenCacheOptions, type TokenStore } from '../../src';
import { CountingProvider } from './counting-provider';
import { EventLog } from './event-log';
import { SpyStore } from './spy-store';

export const KEY = 'wx0123456789abcdef';
export const MINUTE = 60_000;

/** One cache instance over a (spied) store, a counting provider for KEY and a manual clock. */
export function setup(overrides: Partial<Omit<TokenCacheOptions, 'clock'>> & { clock?: ManualClock; provider?: CountingProvider; inner?: TokenStore } = {}) {
  const { provider: givenProvider, inner, ...options } = overrides;
  const clock = overrides.clock ?? new ManualClock();
  const provider = givenProvider ?? new CountingProvider(clock);
  const store = new SpyStore(inner ?? new MemoryStore());
  const log = new EventLog();
  const cache = new TokenCache({
    store,
    providers: { [KEY]: provider },
    clock,
    onEvent: log.handler,
    sweepIntervalMs: Number.POSITIVE_INFINITY,
    retry: { baseDelayMs: 1, maxDelayMs: 1 },
    ...options,
  });
  return { clock, provider, store, log, cache };
}

/** Several instances (as if in several processes) on one store, one provider, one clock. */
export function instances(count: number, inner: TokenStore, overrides: Partial<Omit<TokenCacheOptions, 'clock'>> = {}) {
  const clock = new ManualClock();
  const provider = new CountingProvider(clock);
  return Array.from({ length: count }, (_, index) => setup({ clock, provider, inner, holderId: `instance-${index}`, ...overrides }));
}
