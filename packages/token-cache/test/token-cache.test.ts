import { InvalidArgumentError, ManualClock } from '@wxhub/core';
import { MemoryStore, TokenCache, UnknownTokenKeyError } from '../src';
import { CountingProvider } from './support/counting-provider';
import { KEY, MINUTE, setup } from './support/setup';
import { UpstreamTestError } from './support/transient-error';

describe('1. a token valid for at least the margin', () => {
  it('fetches once, then serves the same token until it enters the default 5-minute margin', async () => {
    const { cache, provider, clock } = setup();
    const first = await cache.getToken(KEY);
    expect(provider.calls).toBe(1);
    expect(first.value).toBe(provider.issued[0]);

    clock.set(first.expiresAt - 5 * MINUTE); // exactly the margin left: still served
    expect(await cache.get(KEY)).toBe(first.value);
    expect(provider.calls).toBe(1);

    clock.advance(1); // inside the margin: refreshed
    const second = await cache.getToken(KEY);
    expect(provider.calls).toBe(2);
    expect(second.value).not.toBe(first.value);
    expect(second.expiresAt - clock.now()).toBeGreaterThanOrEqual(5 * MINUTE);
  });

  it('honours a configured margin', async () => {
    const { cache, provider, clock } = setup({ marginMs: 30 * MINUTE });
    const first = await cache.getToken(KEY);
    clock.set(first.expiresAt - 30 * MINUTE);
    await cache.get(KEY);
    expect(provider.calls).toBe(1);
    clock.advance(1);
    await cache.get(KEY);
    expect(provider.calls).toBe(2);
  });

  it('uses a fresh token already in the store and refreshes one inside the margin', async () => {
    const inner = new MemoryStore();
    const { cache, provider, clock } = setup({ inner });
    await inner.put(KEY, { value: 'stored-token-value-1', expiresAt: clock.now() + 10 * MINUTE }, 'someone', clock.now());
    expect(await cache.get(KEY)).toBe('stored-token-value-1');
    expect(provider.calls).toBe(0);

    const other = setup({ inner, clock });
    await inner.put(KEY, { value: 'stored-token-value-2', expiresAt: clock.now() + 4 * MINUTE }, 'someone', clock.now());
    const token = await other.cache.get(KEY);
    expect(other.provider.calls).toBe(1);
    expect(token).toBe(other.provider.issued[0]);
    expect((await inner.read(KEY))?.token?.value).toBe(token);
  });
});

describe('2. one upstream fetch for many concurrent gets in one instance', () => {
  it('de-duplicates in-flight refreshes per key', async () => {
    const { cache, provider } = setup();
    provider.hold();
    const started = provider.nextFetch();
    const gets = Array.from({ length: 50 }, () => cache.get(KEY));
    await started;
    provider.release();
    const values = await Promise.all(gets);
    expect(provider.calls).toBe(1);
    expect(new Set(values)).toEqual(new Set([provider.issued[0]]));
  });

  it('keeps keys apart', async () => {
    const { provider, clock } = setup();
    const { provider: otherProvider } = setup({ clock });
    const two = new TokenCache({ store: new MemoryStore(), clock, providers: { a: provider, b: otherProvider } });
    const [a, b] = await Promise.all([two.get('a'), two.get('b')]);
    expect(a).not.toBe(b);
    expect(provider.calls).toBe(1);
    expect(otherProvider.calls).toBe(1);
  });
});

describe('4. a warm instance answers from memory', () => {
  it('does not read the store while its token is fresh', async () => {
    const { cache, store, provider } = setup();
    await cache.get(KEY);
    const reads = store.calls.read;
    for (let i = 0; i < 20; i++) await cache.get(KEY);
    expect(store.calls.read).toBe(reads);
    expect(provider.calls).toBe(1);
  });
});

describe('5. invalidate', () => {
  it('20 concurrent invalidations of the same token cause one plain fetch, then one forced refresh', async () => {
    const clock = new ManualClock();
    const { cache, provider } = setup({ clock, provider: new CountingProvider(clock, 7_200_000, true) });
    const rejected = await cache.get(KEY);
    provider.hold();
    const started = provider.nextFetch();
    const calls = Array.from({ length: 20 }, () => cache.invalidate(KEY, rejected));
    await started;
    provider.release();
    const next = await Promise.all(calls);
    // The plain fetch hands the rejected token back (stable_token does): only then is one forced.
    expect(provider.requests.slice(1)).toEqual([
      { key: KEY, forceRefresh: false },
      { key: KEY, forceRefresh: true },
    ]);
    expect(new Set(next)).toEqual(new Set([provider.issued[1]]));
    expect(await cache.get(KEY)).toBe(provider.issued[1]);
    expect(cache.stats()[KEY]).toMatchObject({ fetches: 2, forcedFetches: 1, forcedToday: 1, forceBudgetLeft: 9 });
  });

  it('does not force when the plain fetch already brings a different token (WxJava never forces)', async () => {
    const { cache, provider } = setup();
    const rejected = await cache.get(KEY);
    expect(await cache.invalidate(KEY, rejected)).toBe(provider.issued[1]);
    expect(provider.requests[1]).toEqual({ key: KEY, forceRefresh: false });
    expect(provider.calls).toBe(2);
  });

  it('uses the token another instance already stored in place of the rejected one', async () => {
    const inner = new MemoryStore();
    const a = setup({ inner, holderId: 'a' });
    const b = setup({ inner, holderId: 'b', clock: a.clock, provider: a.provider });
    const rejected = await a.cache.get(KEY);
    expect(await b.cache.get(KEY)).toBe(rejected);

    const replacement = await a.cache.invalidate(KEY, rejected);
    expect(a.provider.calls).toBe(2);
    expect(await b.cache.invalidate(KEY, rejected)).toBe(replacement);
    expect(a.provider.calls).toBe(2);
  });

  it('20 instances invalidating the same token at once cause one fetch', async () => {
    const inner = new MemoryStore();
    const first = setup({ inner, holderId: 'i0' });
    const others = Array.from({ length: 19 }, (_, i) => setup({ inner, holderId: `i${i + 1}`, clock: first.clock, provider: first.provider }));
    const all = [first, ...others];
    const rejected = await first.cache.get(KEY);
    for (const instance of others) await instance.cache.get(KEY);
    const next = await Promise.all(all.map((instance) => instance.cache.invalidate(KEY, rejected)));
    expect(first.provider.calls).toBe(2);
    expect(new Set(next)).toEqual(new Set([first.provider.issued[1]]));
  });

  it('answers a stale rejection with the current token and no fetch', async () => {
    const { cache, provider } = setup();
    const current = await cache.get(KEY);
    expect(await cache.invalidate(KEY, 'some-older-token-value')).toBe(current);
    expect(provider.calls).toBe(1);
  });

  it('fetches plainly when the store holds nothing, and forces only if that hands back the rejected token', async () => {
    const { cache, provider } = setup();
    const value = await cache.invalidate(KEY, 'token-from-elsewhere');
    expect(provider.requests).toEqual([{ key: KEY, forceRefresh: false }]);
    expect(value).toBe(provider.issued[0]);
  });

  it('does not force when the stored token differs but is inside the margin', async () => {
    const inner = new MemoryStore();
    const { cache, provider, clock } = setup({ inner });
    await inner.put(KEY, { value: 'stored-but-ageing-token', expiresAt: clock.now() + MINUTE }, 'x', clock.now());
    await cache.invalidate(KEY, 'rejected-token-value');
    expect(provider.requests).toEqual([{ key: KEY, forceRefresh: false }]);
  });
});

describe('6. upstream failures', () => {
  it('retries transient errors with backoff', async () => {
    const { cache, provider } = setup({ retry: { attempts: 3, baseDelayMs: 1 } });
    provider.failWith(new UpstreamTestError(-1, true), new UpstreamTestError(-1, true));
    expect(await cache.get(KEY)).toBe(provider.issued[0]);
    expect(provider.calls).toBe(3);
  });

  it('does not retry permanent errors and passes them on typed', async () => {
    const { cache, provider, store } = setup({ retry: { attempts: 5, baseDelayMs: 1 } });
    provider.failWith(new UpstreamTestError(40013, false));
    const error = await cache.get(KEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamTestError);
    expect(error).toMatchObject({ errcode: 40013, transient: false });
    expect(provider.calls).toBe(1);
    expect((await store.inner.read(KEY))?.lease).toBeUndefined();
  });

  it('gives up after the attempts and throws the last transient error', async () => {
    const { cache, provider } = setup({ retry: { attempts: 2, baseDelayMs: 1 } });
    provider.failWith(new UpstreamTestError(-1, true), new UpstreamTestError(-1, true));
    await expect(cache.get(KEY)).rejects.toMatchObject({ transient: true, errcode: -1 });
    expect(provider.calls).toBe(2);
  });

  it('serves the old token inside the margin when the refresh fails, reports it, and releases the lease', async () => {
    const inner = new MemoryStore();
    const { cache, provider, clock, log } = setup({ inner, retry: { attempts: 1 } });
    const old = await cache.getToken(KEY);
    clock.set(old.expiresAt - MINUTE);
    provider.failWith(new UpstreamTestError(45009, false));

    expect(await cache.get(KEY)).toBe(old.value);
    expect(log.of('refresh-failed')).toEqual([expect.objectContaining({ key: KEY, code: 'UPSTREAM_TEST', transient: false })]);
    expect(log.of('stale-served')).toEqual([expect.objectContaining({ key: KEY, reason: 'refresh-failed' })]);
    const failure = (await inner.read(KEY))?.failure;
    expect(await inner.read(KEY)).toEqual({ token: old, failure: { at: clock.now(), code: 'UPSTREAM_TEST', count: 1, retryAt: expect.any(Number) } });

    // The lease is free, the failure remembered: another instance serves the old token without
    // asking upstream until the shared backoff ends, then refreshes.
    const other = setup({ inner, clock, provider, holderId: 'other' });
    expect(await other.cache.get(KEY)).toBe(old.value);
    expect(other.log.of('stale-served')).toEqual([expect.objectContaining({ reason: 'backing-off' })]);
    expect(provider.calls).toBe(2);
    clock.set(failure!.retryAt);
    expect(await other.cache.get(KEY)).toBe(provider.issued[1]);
    expect((await inner.read(KEY))?.failure).toBeUndefined();
  });

  it('throws when the refresh fails and the old token has expired', async () => {
    const { cache, provider, clock } = setup({ retry: { attempts: 1 } });
    const old = await cache.getToken(KEY);
    clock.set(old.expiresAt);
    provider.failWith(new UpstreamTestError(-1, true));
    await expect(cache.get(KEY)).rejects.toBeInstanceOf(UpstreamTestError);
  });

  it('rejects a provider answer that is already expired', async () => {
    const { cache, provider } = setup({ retry: { attempts: 1 } });
    jest.spyOn(provider, 'fetch').mockResolvedValueOnce({ value: 'expired-token-value', expiresAt: 0 });
    await expect(cache.get(KEY)).rejects.toMatchObject({ code: 'PROTOCOL' });
  });
});

describe('keys and options', () => {
  it('throws a typed error for a key without a provider', async () => {
    const { cache } = setup();
    await expect(cache.get('wx-unknown')).rejects.toBeInstanceOf(UnknownTokenKeyError);
    await expect(cache.invalidate('toString', 'x')).rejects.toMatchObject({ code: 'UNKNOWN_TOKEN_KEY', key: 'toString' });
  });

  it('accepts a provider function', async () => {
    const { provider, clock } = setup();
    const cache = new TokenCache({ store: new MemoryStore(), clock, providers: (key) => (key.startsWith('wx') ? provider : undefined) });
    expect(await cache.get('wx-any')).toBe(provider.issued[0]);
    await expect(cache.get('baidu:x')).rejects.toBeInstanceOf(UnknownTokenKeyError);
  });

  it('refuses nonsensical durations', () => {
    expect(() => setup({ leaseMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => setup({ marginMs: -1 })).toThrow(InvalidArgumentError);
  });
});
