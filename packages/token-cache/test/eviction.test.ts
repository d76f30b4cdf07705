import { ManualClock } from '@wxhub/core';
import { MemoryStore, TokenStoreError } from '../src';
import { CountingProvider } from './support/counting-provider';
import { KEY, MINUTE, setup } from './support/setup';
import { UpstreamTestError } from './support/transient-error';

describe('7. expired entries leave the store cheaply', () => {
  it('removes an entry read as expired by its key, without scanning the collection', async () => {
    const inner = new MemoryStore();
    const { cache, clock, store, provider, log } = setup({ inner, retry: { attempts: 1 } });
    await inner.put(KEY, { value: 'expired-token-value', expiresAt: clock.now() - 1 }, 'earlier', clock.now());
    await inner.put('other-key', { value: 'other-expired-value', expiresAt: clock.now() - 1 }, 'earlier', clock.now());
    provider.failWith(new UpstreamTestError(40013, false));

    await expect(cache.get(KEY)).rejects.toBeInstanceOf(UpstreamTestError);
    expect(store.evicted).toEqual([KEY]);
    expect(log.of('evicted')).toEqual([{ type: 'evicted', key: KEY }]);
    // What is left is the failure memory alone (no token): the other instances back off too.
    expect(await inner.read(KEY)).toEqual({ failure: expect.objectContaining({ code: 'UPSTREAM_TEST', count: 1 }) });
    expect(await inner.read('other-key')).toBeDefined();
    expect(store.calls.evictExpired).toBe(0);
  });

  it('sweeps at most once per interval per instance, on the refresh path', async () => {
    const clock = new ManualClock();
    const inner = new MemoryStore();
    const provider = new CountingProvider(clock, 10 * MINUTE);
    const { cache, store, log } = setup({ inner, clock, provider, sweepIntervalMs: 60 * MINUTE });
    await inner.put('dead-key', { value: 'long-expired-value', expiresAt: clock.now() - 1 }, 'x', clock.now());
    await inner.put('live-key', { value: 'still-fresh-value', expiresAt: clock.now() + 120 * MINUTE }, 'x', clock.now());
    await inner.claim('leased-key', 'busy-instance', clock.now() + 120 * MINUTE, clock.now());

    await cache.get(KEY);
    await cache.settled();
    expect(store.calls.evictExpired).toBe(1);
    expect(log.of('swept')).toEqual([{ type: 'swept', removed: 1 }]);
    expect(await inner.read('dead-key')).toBeUndefined();
    expect(await inner.read('live-key')).toBeDefined();
    expect(await inner.read('leased-key')).toBeDefined();

    for (let i = 0; i < 9; i++) {
      clock.advance(6 * MINUTE); // past the margin of a 10-minute token: every get refreshes
      await cache.get(KEY);
      await cache.settled();
    }
    expect(provider.calls).toBe(10);
    expect(store.calls.evictExpired).toBe(1);

    clock.advance(7 * MINUTE); // 61 minutes after the first sweep
    await cache.get(KEY);
    await cache.settled();
    expect(store.calls.evictExpired).toBe(2);
  });

  it('a failing sweep is reported and does not fail the get', async () => {
    const inner = new MemoryStore();
    jest.spyOn(inner, 'evictExpired').mockRejectedValueOnce(new TokenStoreError('evictExpired', undefined, 'database busy'));
    const { cache, provider, log } = setup({ inner, sweepIntervalMs: MINUTE });
    expect(await cache.get(KEY)).toBe(provider.issued[0]);
    await cache.settled();
    expect(log.of('store-error')).toEqual([expect.objectContaining({ operation: 'evictExpired', code: 'TOKEN_STORE' })]);
  });

  it('sweep() evicts on demand', async () => {
    const inner = new MemoryStore();
    const { cache, clock } = setup({ inner });
    await inner.put('a', { value: 'expired-value-a', expiresAt: clock.now() }, 'x', clock.now());
    await inner.claim('b', 'crashed', clock.now() - 1, clock.now() - 2);
    expect(await cache.sweep()).toBe(2);
    expect(inner.size).toBe(0);
  });
});
