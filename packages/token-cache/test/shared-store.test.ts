import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { FileStore, MemoryStore, TokenUnavailableError, type TokenStore } from '../src';
import { instances, KEY, MINUTE, setup } from './support/setup';
import { fiveInstancesTenGets } from './support/shared-refresh';
import { UpstreamTestError } from './support/transient-error';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function fileStore(): FileStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'wxhub-token-cache-'));
  dirs.push(dir);
  return new FileStore({ dir });
}

const LEASE = 30_000;

describe.each<[string, () => TokenStore]>([
  ['MemoryStore', () => new MemoryStore()],
  ['FileStore', fileStore],
])('3. instances sharing a %s', (_name, makeStore) => {
  it('5 instances × 10 concurrent gets cause one fetch; the others wait for the stored token', async () => {
    const inner = makeStore();
    const { provider, others, values } = await fiveInstancesTenGets(inner);
    expect(others).toHaveLength(4);
    expect(provider.calls).toBe(1);
    expect(new Set(values)).toEqual(new Set([provider.issued[0]]));
    expect(await inner.read(KEY)).toEqual({ token: { value: provider.issued[0], expiresAt: expect.any(Number) } });
    for (const instance of others) expect(instance.log.of('store-hit')).toHaveLength(1);
  });

  it('a crashed holder blocks nobody for longer than its lease', async () => {
    const inner = makeStore();
    const { cache, provider, clock, log } = setup({ inner, leaseMs: LEASE });
    expect(await inner.claim(KEY, 'crashed-instance', clock.now() + LEASE, clock.now())).toBe(true);

    const pending = cache.get(KEY);
    await log.when('waiting', (event) => event.holder === 'crashed-instance');
    expect(provider.calls).toBe(0);
    clock.advance(LEASE);

    expect(await pending).toBe(provider.issued[0]);
    expect(provider.calls).toBe(1);
    expect((await inner.read(KEY))?.lease).toBeUndefined();
  });

  it('re-reads the store after winning the claim and does not fetch when a token just arrived', async () => {
    const inner = makeStore();
    const { cache, provider, clock, store } = setup({ inner });
    const arrived = { value: 'token-stored-meanwhile', expiresAt: clock.now() + 100 * MINUTE };
    // Between this instance's first read and its claim, another one stores a token and lets go.
    store.beforeClaim = () => inner.put(KEY, arrived, 'another-instance', clock.now());

    expect(await cache.get(KEY)).toBe(arrived.value);
    expect(store.calls.claim).toBe(1);
    expect(provider.calls).toBe(0);
    expect(await inner.read(KEY)).toEqual({ token: arrived });
  });

  it('when the holder fails, it lets go and records the failure; a waiter refreshes once the shared backoff ends', async () => {
    const inner = makeStore();
    const [a, b] = instances(2, inner, { retry: { attempts: 1 } });
    const provider = a!.provider;
    provider.hold();
    provider.failWith(new UpstreamTestError(40164, false));
    const started = provider.nextFetch();
    const fromA = a!.cache.get(KEY).catch((error: unknown) => error);
    await started;
    const fromB = b!.cache.get(KEY);
    await b!.log.when('waiting');
    provider.release();

    expect(await fromA).toBeInstanceOf(UpstreamTestError);
    const backoff = await b!.log.when('backing-off');
    expect(backoff).toMatchObject({ code: 'UPSTREAM_TEST', failures: 1 });
    expect(provider.calls).toBe(1);
    b!.clock.set(backoff.retryAt);
    expect(await fromB).toBe(provider.issued[0]);
    expect(provider.calls).toBe(2);
  });

  it("after a lapsed lease is taken over, the waiters read the new holder's token instead of failing", async () => {
    const inner = makeStore();
    const { cache, clock, log, store, provider } = setup({ inner, leaseMs: LEASE, maxWaitMs: 3 * LEASE });
    await inner.claim(KEY, 'slow-instance', clock.now() + LEASE, clock.now());
    store.beforeClaim = () => inner.claim(KEY, 'quicker-instance', clock.now() + LEASE, clock.now()).then(() => undefined);

    const pending = cache.get(KEY);
    await log.when('waiting', (event) => event.holder === 'slow-instance');
    clock.advance(LEASE);
    await log.when('waiting', (event) => event.holder === 'quicker-instance');
    const stored = { value: 'token-of-the-quicker-instance', expiresAt: clock.now() + 100 * MINUTE };
    await inner.put(KEY, stored, 'quicker-instance', clock.now());
    expect(await pending).toBe(stored.value);
    expect(provider.calls).toBe(0);
  });

  it('gives up with TokenUnavailableError at its own deadline, not at the lease lapse', async () => {
    const inner = makeStore();
    const { cache, clock, log, store, provider } = setup({ inner, leaseMs: LEASE, maxWaitMs: 1.5 * LEASE });
    await inner.claim(KEY, 'slow-instance', clock.now() + LEASE, clock.now());
    store.beforeClaim = () => inner.claim(KEY, 'quicker-instance', clock.now() + LEASE, clock.now()).then(() => undefined);

    const pending = cache.get(KEY).catch((error: unknown) => error);
    await log.when('waiting');
    clock.advance(LEASE);
    await log.when('waiting', (event) => event.holder === 'quicker-instance');
    clock.advance(LEASE / 2); // the caller's deadline; the new holder's lease still runs
    const error = await pending;
    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect(error).toMatchObject({ key: KEY, transient: true });
    expect(provider.calls).toBe(0);
  });

  it('serves a stored token that is still valid at once while another instance refreshes', async () => {
    const inner = makeStore();
    const { cache, clock, store, provider, log } = setup({ inner, leaseMs: LEASE });
    const old = { value: 'old-but-not-expired-token', expiresAt: clock.now() + 2 * MINUTE };
    await inner.put(KEY, old, 'earlier', clock.now());
    await inner.claim(KEY, 'slow-instance', clock.now() + LEASE, clock.now());

    expect(await cache.get(KEY)).toBe(old.value);
    expect(log.of('stale-served')).toEqual([expect.objectContaining({ reason: 'refresh-in-progress' })]);
    expect(store.calls.claim).toBe(0);
    expect(provider.calls).toBe(0);
  });
});
