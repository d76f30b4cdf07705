import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as cloud from 'wx-server-sdk';
import { ManualClock } from '@wxhub/core';
import { applySdkEnv, LocalCloud, sdkProcessEnv } from '@wxhub/local-cloud';
import {
  CloudDatabaseStore,
  FileStore,
  ForceRefreshBudgetError,
  MemoryStore,
  SWEEP_MARKER_KEY,
  TokenUnavailableError,
  type CloudDatabase,
  type TokenStore,
} from '../src';
import { budgetDay } from '../src/policies';
import { CountingProvider } from './support/counting-provider';
import { instances, KEY, MINUTE, setup } from './support/setup';
import { UpstreamTestError } from './support/transient-error';

// The fault paths of issue 9, each on the cloud database (the real SDK against the local
// cloud), a file store and memory. Time is a ManualClock: nothing here depends on wall time.

const ENV = 'token-faults-env';
const dirs: string[] = [];
let local: LocalCloud;
let restoreEnv: () => void;
let db: CloudDatabase;
let collections = 0;

beforeAll(async () => {
  local = await LocalCloud.start({ apps: [{ name: 'A', appid: 'wxa000000000000001', secret: 'a'.repeat(32), envId: ENV }], clock: new ManualClock() });
  restoreEnv = applySdkEnv(sdkProcessEnv({ backendUrl: local.sdkBackendUrl, envId: ENV }));
  cloud.init({ env: ENV });
  db = cloud.database();
});

afterAll(async () => {
  restoreEnv?.();
  await local?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const STORES: Array<[string, () => TokenStore]> = [
  ['CloudDatabaseStore', () => new CloudDatabaseStore({ db, collection: `token_f${++collections}` })],
  [
    'FileStore',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'wxhub-token-faults-'));
      dirs.push(dir);
      return new FileStore({ dir });
    },
  ],
  ['MemoryStore', () => new MemoryStore()],
];

const LEASE = 3_000;

describe.each(STORES)('faults on a %s', (_name, makeStore) => {
  it('1. waiters with a still-valid stored token are served at once while the holder hangs; nobody fails', async () => {
    const inner = makeStore();
    const group = instances(4, inner, { leaseMs: LEASE });
    const clock = group[0]!.clock;
    const provider = group[0]!.provider;
    const old = { value: 'near-expiry-but-valid-token', expiresAt: clock.now() + 2 * MINUTE };
    await inner.put(KEY, old, 'earlier', clock.now());
    provider.hold(); // the upstream hangs
    const started = provider.nextFetch();
    const gets = group.flatMap((instance) => Array.from({ length: 5 }, () => instance.cache.get(KEY)));
    await started;
    // Every caller, the holder's own included (after its grace), gets the stored token.
    expect(new Set(await Promise.all(gets))).toEqual(new Set([old.value]));
    expect(provider.calls).toBe(1);
    const reasons = group.flatMap((instance) => instance.log.of('stale-served').map((event) => event.reason));
    expect(new Set(reasons)).toEqual(new Set(['refresh-in-progress', 'refresh-slow']));
    provider.release();
  });

  it('2. the holder renews its lease while it lives; a dead holder is taken over as soon as its short lease lapses', async () => {
    const inner = makeStore();
    const [a, b] = instances(2, inner, { leaseMs: LEASE });
    const { clock, provider } = a!;
    provider.hold();
    const started = provider.nextFetch();
    const fromA = a!.cache.get(KEY);
    await started;
    const firstUntil = (await inner.read(KEY))!.lease!.until;
    clock.advance(LEASE); // without a heartbeat the lease would lapse now
    await waitFor(async () => (await inner.read(KEY))!.lease!.until > firstUntil);
    expect(await inner.claim(KEY, 'intruder', clock.now() + LEASE, clock.now())).toBe(false);
    provider.release();
    const token = await fromA;
    expect(a!.store.calls.renew).toBeGreaterThanOrEqual(1);

    // A holder that stops renewing (killed): the others take over after one lease, then all are served.
    clock.advance(2 * 60 * MINUTE);
    expect(await inner.claim(KEY, 'killed-holder', clock.now() + LEASE, clock.now())).toBe(true);
    const waiting = Array.from({ length: 5 }, () => b!.cache.get(KEY));
    await b!.log.when('waiting', (event) => event.holder === 'killed-holder');
    clock.advance(LEASE);
    const values = await Promise.all(waiting);
    expect(new Set(values)).toEqual(new Set([provider.issued[1]]));
    expect(values[0]).not.toBe(token);
    expect(b!.log.of('claimed')).toEqual([expect.objectContaining({ lapsedHolder: 'killed-holder' })]);
    expect(b!.cache.stats()[KEY]).toMatchObject({ takeovers: 1, fetches: 1 });
  });

  it('3. a failure is remembered in the store: during an outage all instances together ask upstream once per backoff', async () => {
    const inner = makeStore();
    // A caller waits at most 0.5 s: a backoff ending later answers it at once, naming the cause.
    // (A longer wait would sleep on the manual clock, which only this loop moves.)
    const options = { leaseMs: LEASE, maxWaitMs: 500, retry: { attempts: 1 }, backoff: { baseMs: 5_000, maxMs: 20_000, random: () => 0 } };
    const group = instances(4, inner, options);
    const { clock, provider } = group[0]!;
    // Backoffs of 5 s, 10 s, then 20 s (capped): upstream is asked at 0 s, 5 s and 15 s.
    provider.failWith(...Array.from({ length: 3 }, () => new UpstreamTestError(-1, true)));
    const start = clock.now();
    const errors: unknown[] = [];
    // 20 s of outage, every instance asked every second.
    for (let second = 0; second < 20; second++) {
      const results = await Promise.all(group.map((instance) => instance.cache.get(KEY).catch((error: unknown) => error)));
      errors.push(...results);
      clock.advance(1_000);
    }
    expect(provider.calls).toBe(3);
    expect(provider.calls).toBeLessThanOrEqual(Math.ceil((clock.now() - start) / 5_000));
    expect(errors).toHaveLength(80);
    expect(errors.filter((error) => error instanceof UpstreamTestError)).toHaveLength(3);
    const unavailable = errors.filter((error): error is TokenUnavailableError => error instanceof TokenUnavailableError);
    expect(unavailable).toHaveLength(77);
    expect(new Set(unavailable.map((error) => error.upstreamCode))).toEqual(new Set(['UPSTREAM_TEST']));
    const failure = (await inner.read(KEY))?.failure;
    expect(failure).toMatchObject({ code: 'UPSTREAM_TEST', count: 3 });

    // Recovery is noticed when the backoff ends: one fetch for all, and the memory is cleared.
    clock.set(failure!.retryAt);
    const values = await Promise.all(group.map((instance) => instance.cache.get(KEY)));
    expect(new Set(values)).toEqual(new Set([provider.issued[0]]));
    expect(provider.calls).toBe(4);
    expect((await inner.read(KEY))?.failure).toBeUndefined();
  });

  it('4. forced refreshes: a plain fetch first, at most the budget per day, 30 s apart, then a typed error and an event', async () => {
    const inner = makeStore();
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 2)); // 10:00 Beijing time
    const provider = new CountingProvider(clock, 48 * 60 * MINUTE, true);
    const { cache, log } = setup({ inner, clock, provider, forceBudget: { perDay: 3, spacingMs: 30_000 } });
    let token = await cache.get(KEY);
    const forcedAt: number[] = [];
    const outcomes: string[] = [];
    for (let call = 0; call < 12; call++) {
      try {
        const next = await cache.invalidate(KEY, token);
        if (provider.requests.at(-1)?.forceRefresh) forcedAt.push(clock.now());
        token = next;
        outcomes.push('forced');
      } catch (error) {
        expect(error).toBeInstanceOf(ForceRefreshBudgetError);
        outcomes.push((error as ForceRefreshBudgetError).code);
      }
      clock.advance(10_000);
    }
    expect(forcedAt).toHaveLength(3);
    for (let i = 1; i < forcedAt.length; i++) expect(forcedAt[i]! - forcedAt[i - 1]!).toBeGreaterThanOrEqual(30_000);
    expect(outcomes.filter((outcome) => outcome === 'FORCE_REFRESH_BUDGET')).toHaveLength(9);
    // Every invalidation tried a plain fetch before forcing (or refusing).
    expect(provider.requests.filter((request) => !request.forceRefresh)).toHaveLength(1 + 12);
    expect(log.of('force-refused').at(-1)).toMatchObject({ forcedToday: 3 });
    expect((await inner.read(KEY))?.forced).toEqual({ day: budgetDay(clock.now()), count: 3, lastAt: forcedAt[2] });
    expect(cache.stats()[KEY]).toMatchObject({ forcedFetches: 3, forcedToday: 3, forceBudgetLeft: 0 });

    // The next Beijing day has a new budget.
    clock.set(Date.UTC(2026, 0, 1, 16)); // 00:00 Beijing time, 2 January
    await cache.invalidate(KEY, token);
    expect((await inner.read(KEY))?.forced).toMatchObject({ day: '2026-01-02', count: 1 });
  });

  it('5. a hostile lease far in the future is treated as expired, reported, and replaced by the next writer', async () => {
    const inner = makeStore();
    const { cache, clock, provider, log } = setup({ inner, leaseMs: LEASE });
    expect(await inner.claim(KEY, 'hostile', clock.now() + 365 * 24 * 60 * MINUTE, clock.now())).toBe(true);
    expect(await cache.get(KEY)).toBe(provider.issued[0]);
    expect(log.of('corrupt-entry')).toEqual([{ type: 'corrupt-entry', key: KEY, fields: ['lease.until'] }]);
    expect((await inner.read(KEY))?.lease).toBeUndefined();
  });

  it('7. a stored fresh token costs no lease writes; one sweep per interval across instances', async () => {
    const inner = makeStore();
    const group = instances(3, inner, { leaseMs: LEASE, sweepIntervalMs: 60 * MINUTE });
    await group[0]!.cache.get(KEY);
    await group[0]!.cache.settled();
    for (const instance of group.slice(1)) {
      await instance.cache.get(KEY);
      await instance.cache.settled();
      expect(instance.store.calls.claim).toBe(0);
      expect(instance.store.calls.put).toBe(0);
      expect(instance.store.calls.evictExpired).toBe(0);
    }
    expect(group[0]!.store.calls.evictExpired).toBe(1);
    expect((await inner.read(SWEEP_MARKER_KEY))?.token?.expiresAt).toBe(group[0]!.clock.now() + 60 * MINUTE);
  });
});

/** Polls a condition of the store; the clock is manual, so this only yields to pending I/O. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never became true');
}
