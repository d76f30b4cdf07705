import { fork, type ChildProcess } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { build } from 'esbuild';
import Redis from 'ioredis';
import { InvalidArgumentError, ManualClock, systemClock } from '@wxhub/core';
import { TokenCache, TokenStoreError } from '../src';
import { RedisStore } from '../src/redis';
import { CountingProvider } from './support/counting-provider';
import { EventLog } from './support/event-log';
import { startRedisServer, type RedisServer } from './support/redis-server';
import type { RedisChildAnswer, RedisChildCommand } from './support/redis-store-child';
import { instances, KEY, setup } from './support/setup';
import { fiveInstancesTenGets } from './support/shared-refresh';
import { describeStoreContract } from './support/store-contract';

const NOW = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

let server: RedisServer;
let raw: Redis;
let namespaces = 0;

/** A store in a namespace of its own, so that tests sharing the server never see each other's keys. */
function newStore(options: { graceMs?: number } = {}): RedisStore {
  return new RedisStore({ client: raw, prefix: `test${++namespaces}:`, ...options });
}

beforeAll(async () => {
  server = await startRedisServer();
  raw = new Redis(server.url);
});

afterAll(async () => {
  await raw?.quit();
  await server?.stop();
});

describeStoreContract('RedisStore', () => newStore());

describe('RedisStore keys in Redis', () => {
  it("namespaces its keys and gives each a TTL of its expiry plus the grace, by the caller's clock", async () => {
    const store = newStore({ graceMs: 500 });
    await store.claim(KEY, 'a', NOW + 30_000, NOW);
    const lease = await raw.pttl(store.leaseKey(KEY));
    expect(lease).toBeGreaterThan(0);
    expect(lease).toBeLessThanOrEqual(30_500);

    await store.put(KEY, { value: 'T'.repeat(512), expiresAt: NOW + 2 * HOUR }, 'a', NOW);
    const token = await raw.pttl(store.tokenKey(KEY));
    expect(token).toBeGreaterThan(HOUR);
    expect(token).toBeLessThanOrEqual(2 * HOUR + 500);

    const prefix = store.indexKey.replace(/keys$/, '');
    expect((await raw.keys(`${prefix}*`)).sort()).toEqual([`${prefix}keys`, `${prefix}token:${KEY}`]);
    expect(store.tokenKey(KEY)).toBe(`${prefix}token:${KEY}`);
    expect(store.leaseKey(KEY)).toBe(`${prefix}lease:${KEY}`);
    expect(await raw.hgetall(store.tokenKey(KEY))).toEqual({ value: 'T'.repeat(512), expiresAt: String(NOW + 2 * HOUR) });
  });

  it('uses wxhub: as its default namespace', () => {
    const store = new RedisStore({ client: raw });
    expect([store.tokenKey('wx1'), store.leaseKey('wx1'), store.indexKey]).toEqual(['wxhub:token:wx1', 'wxhub:lease:wx1', 'wxhub:keys']);
  });

  it('an entry Redis expired by itself reads as nothing, and the sweep only forgets it', async () => {
    const store = newStore();
    await store.put(KEY, { value: 'soon-gone-token', expiresAt: NOW + HOUR }, 'a', NOW);
    await store.claim(KEY, 'b', NOW + 30_000, NOW);
    // What Redis does when both TTLs run out.
    await raw.del(store.tokenKey(KEY), store.leaseKey(KEY));

    expect(await store.read(KEY)).toBeUndefined();
    expect(await raw.smembers(store.indexKey)).toEqual([KEY]);
    expect(await store.evictExpired(NOW + 2 * HOUR)).toBe(0);
    expect(await raw.smembers(store.indexKey)).toEqual([]);
  });

  it('keeps working after Redis forgot its scripts (restart, SCRIPT FLUSH)', async () => {
    const store = newStore();
    expect(await store.claim(KEY, 'a', NOW + 30_000, NOW)).toBe(true);
    await raw.script('FLUSH');
    expect(await store.claim(KEY, 'b', NOW + 30_000, NOW)).toBe(false);
    await store.release(KEY, 'a', NOW);
    expect(await store.claim(KEY, 'b', NOW + 30_000, NOW)).toBe(true);
  });

  it('reads a hand-damaged entry as far as it is usable', async () => {
    const store = newStore();
    await raw.hset(store.tokenKey(KEY), 'value', 'token-without-expiry');
    await raw.hset(store.leaseKey(KEY), 'holder', 'a', 'until', 'soon');
    expect(await store.read(KEY)).toEqual({ corrupt: ['token', 'lease'] });
    await raw.hset(store.leaseKey(KEY), 'until', String(NOW + 1));
    expect(await store.read(KEY)).toEqual({ lease: { holder: 'a', until: NOW + 1 }, corrupt: ['token'] });
  });
});

describe('RedisStore failures', () => {
  it('reports a Redis error as a TokenStoreError without the token in it', async () => {
    const store = newStore();
    const secret = 'SECRET-ACCESS-TOKEN-0123456789abcdef';
    await raw.set(store.tokenKey(KEY), 'not a hash');
    const error = await store.put(KEY, { value: secret, expiresAt: NOW + HOUR }, 'a', NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect(error).toMatchObject({ operation: 'put', key: KEY });
    expect((error as Error).message).toMatch(/WRONGTYPE/);
    expect((error as Error).message).not.toContain(secret);
    expect((error as { cause?: unknown }).cause).toBeUndefined();
    await expect(store.read(KEY)).rejects.toBeInstanceOf(TokenStoreError);
  });

  it('fails, typed and transient, when Redis cannot be reached', async () => {
    const down = await startRedisServer();
    await down.stop();
    const store = new RedisStore({ url: down.url, redisOptions: { retryStrategy: () => null, maxRetriesPerRequest: 0 } });
    try {
      const error = await store.claim(KEY, 'a', NOW + 30_000, NOW).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenStoreError);
      expect(error).toMatchObject({ operation: 'claim', transient: true });
    } finally {
      await store.close();
    }
  });

  it('takes either a client or a url', () => {
    expect(() => new RedisStore({})).toThrow(InvalidArgumentError);
    expect(() => new RedisStore({ client: raw, url: 'redis://127.0.0.1:1' })).toThrow(InvalidArgumentError);
    expect(() => new RedisStore({ client: raw, prefix: '' })).toThrow(InvalidArgumentError);
  });
});

describe('TokenCache instances sharing a RedisStore', () => {
  it('5 instances × 10 concurrent gets cause one fetch; the others wait for the stored token', async () => {
    const inner = newStore();
    const { provider, others, values } = await fiveInstancesTenGets(inner);
    expect(others).toHaveLength(4);
    expect(provider.calls).toBe(1);
    expect(new Set(values)).toEqual(new Set([provider.issued[0]]));
    expect(await inner.read(KEY)).toEqual({ token: { value: provider.issued[0], expiresAt: expect.any(Number) } });
  });

  it('a rejected token is replaced once for all instances (a plain fetch first: it brings a new one here)', async () => {
    const inner = newStore();
    const [a, b] = instances(2, inner);
    const first = await a!.cache.get(KEY);
    expect(await b!.cache.get(KEY)).toBe(first);
    const [fromA, fromB] = await Promise.all([a!.cache.invalidate(KEY, first), b!.cache.invalidate(KEY, first)]);
    expect(fromA).toBe(fromB);
    expect(fromA).not.toBe(first);
    expect(a!.provider.calls).toBe(2);
    expect(a!.provider.requests[1]).toEqual({ key: KEY, forceRefresh: false });
  });
});

describe('RedisStore across processes', () => {
  let childScript: string;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wxhub-redis-child-'));
    childScript = path.join(dir, 'redis-store-child.js');
    await build({
      entryPoints: [path.join(__dirname, 'support', 'redis-store-child.ts')],
      bundle: true,
      platform: 'node',
      target: 'node16',
      outfile: childScript,
      logLevel: 'silent',
    });
  });

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  function start(): ChildProcess {
    const child = fork(childScript, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(child);
    return child;
  }

  /** Starts one child per command, waits until all are ready, then sends each its command at once. */
  async function race(commands: RedisChildCommand[]): Promise<RedisChildAnswer[]> {
    const group = commands.map(() => start());
    await Promise.all(group.map((child) => nextMessage(child)));
    const answers = group.map((child) => nextMessage(child) as Promise<RedisChildAnswer>);
    group.forEach((child, i) => child.send(commands[i]!));
    return Promise.all(answers);
  }

  /** A child that claims the lease of `key` and is SIGKILLed inside its fetch; resolves with its holder id. */
  async function killedMidRefresh(prefix: string, key: string, leaseMs: number): Promise<string> {
    const child = start();
    await nextMessage(child);
    const fetching = nextMessage(child) as Promise<RedisChildAnswer>;
    child.send({ op: 'hold', url: server.url, prefix, key, leaseMs } satisfies RedisChildCommand);
    const answer = await fetching;
    if (!('fetching' in answer)) throw new Error(`the child answered ${JSON.stringify(answer)}`);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    return answer.holder;
  }

  it('exactly one fetch for four processes × 5 concurrent gets', async () => {
    const prefix = `proc${++namespaces}:`;
    const answers = await race([0, 1, 2, 3].map(() => ({ op: 'get', url: server.url, prefix, key: KEY, concurrent: 5 })));
    const values = answers.flatMap((answer) => ('values' in answer ? answer.values : [JSON.stringify(answer)]));
    expect(values).toHaveLength(20);
    expect(new Set(values).size).toBe(1);
    expect(answers.reduce((sum, answer) => sum + ('fetches' in answer ? answer.fetches : 0), 0)).toBe(1);
  });

  it('a holder killed mid-refresh: its short lease lapses and another instance fetches once', async () => {
    const store = newStore();
    const prefix = store.indexKey.replace(/keys$/, '');
    await killedMidRefresh(prefix, KEY, 1_000);

    const provider = new CountingProvider(systemClock);
    const log = new EventLog();
    const caches = [0, 1].map(
      (i) => new TokenCache({ store, providers: { [KEY]: provider }, holderId: `survivor-${i}`, sweepIntervalMs: Infinity, onEvent: log.handler }),
    );
    const values = await Promise.all(caches.flatMap((cache) => [cache.get(KEY), cache.get(KEY)]));

    expect(provider.calls).toBe(1);
    expect(new Set(values)).toEqual(new Set([provider.issued[0]]));
    expect(log.of('fetched')).toHaveLength(1);
    const entry = await store.read(KEY);
    expect(entry).toEqual({ token: { value: provider.issued[0], expiresAt: expect.any(Number) } });
  });

  it("a killed holder's lease blocks the others until it lapses by their clock, then one fetch", async () => {
    const store = newStore();
    const prefix = store.indexKey.replace(/keys$/, '');
    const leaseMs = 60_000;
    const dead = await killedMidRefresh(prefix, KEY, leaseMs);
    const lease = (await store.read(KEY))?.lease;
    expect(lease?.holder).toBe(dead);

    // The waiters' clock starts at the dead holder's claim: its lease is live until they move it.
    const clock = new ManualClock(lease!.until - leaseMs);
    const provider = new CountingProvider(clock);
    // They wait out the dead lease, then the one of whichever of them claims next.
    const [a, b] = [0, 1].map((i) => setup({ inner: store, clock, provider, holderId: `waiter-${i}`, leaseMs, maxWaitMs: 2 * leaseMs }));
    const gets = [a!, b!].map(({ cache }) => cache.get(KEY));
    await Promise.all([a!, b!].map(({ log }) => log.when('waiting', (event) => event.holder === dead)));
    expect(provider.calls).toBe(0);

    clock.advance(leaseMs);
    const values = await Promise.all(gets);
    expect(provider.calls).toBe(1);
    expect(values).toEqual([provider.issued[0], provider.issued[0]]);
    expect((await store.read(KEY))?.lease).toBeUndefined();
  });
});

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // 'close', not 'exit': a child's last message may be delivered after its 'exit' event.
    const onClose = (code: number | null) => reject(new Error(`child exited with ${code} before answering`));
    child.once('close', onClose);
    child.once('message', (message) => {
      child.off('close', onClose);
      resolve(message);
    });
  });
}
