import { randomBytes } from 'crypto';
import { InvalidArgumentError, ProtocolError, retry, systemClock, type Clock, type RetryOptions } from '@wxhub/core';
import { isDead, leaseIsLive } from './entry-rules';
import { TokenUnavailableError, UnknownTokenKeyError } from './errors';
import { describeError, maskToken, type TokenCacheEvent, type TokenCacheEventHandler } from './events';
import type { Token, TokenProvider, TokenStore } from './types';

export interface TokenCacheOptions {
  readonly store: TokenStore;
  /** The provider of each key (an appid, `baidu:<client id>`, …), or a function choosing one. */
  readonly providers: Readonly<Record<string, TokenProvider>> | ((key: string) => TokenProvider | undefined);
  /** A token is served only while it has at least this long left. Default 5 minutes. */
  readonly marginMs?: number;
  /** How long a refresh lease lasts; a crashed holder blocks the others no longer. Default 30 s. */
  readonly leaseMs?: number;
  /** How long to wait for another instance's refresh before giving up. Default `leaseMs`. */
  readonly maxWaitMs?: number;
  /** First delay between store polls while another instance refreshes; doubles. Default 50 ms. */
  readonly waitPollMs?: number;
  /** Longest delay between store polls. Default 1 s. */
  readonly waitPollMaxMs?: number;
  /** At most one `evictExpired` sweep per this interval and instance. Default 1 h; Infinity: never. */
  readonly sweepIntervalMs?: number;
  readonly clock?: Clock;
  /** Retries of the upstream fetch (transient errors only, by default). */
  readonly retry?: Omit<RetryOptions, 'clock'>;
  /** This instance's name on the leases it takes; unique per instance by default. */
  readonly holderId?: string;
  /** Receives events whose token values are masked; a throwing handler is ignored. */
  readonly onEvent?: TokenCacheEventHandler;
}

interface InFlight {
  readonly promise: Promise<Token>;
  /** The rejected token a forced refresh replaces; undefined for a plain refresh. */
  readonly rejected: string | undefined;
}

/** What one refresh knows while it runs. */
interface RefreshState {
  /** A token past the margin but not expired: what to serve if no fresh one can be had. */
  fallback: Token | undefined;
  /** This instance holds the key's lease and must give it up unless a `put` did. */
  holding: boolean;
}

/**
 * Short-lived credentials shared by every instance through a store. Per key: a warm instance
 * answers from memory; otherwise one refresh per process (in-flight de-duplication) and one per
 * store (a lease claimed atomically; the others poll the store until the holder has stored the
 * new token or its lease lapses).
 */
export class TokenCache {
  readonly holderId: string;
  private readonly store: TokenStore;
  private readonly clock: Clock;
  private readonly marginMs: number;
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;
  private readonly waitPollMs: number;
  private readonly waitPollMaxMs: number;
  private readonly sweepIntervalMs: number;
  private readonly retryOptions: RetryOptions;
  private readonly memory = new Map<string, Token>();
  private readonly inflight = new Map<string, InFlight>();
  private lastSweepAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: TokenCacheOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.marginMs = nonNegative('marginMs', options.marginMs ?? 300_000);
    this.leaseMs = positive('leaseMs', options.leaseMs ?? 30_000);
    this.maxWaitMs = nonNegative('maxWaitMs', options.maxWaitMs ?? this.leaseMs);
    this.waitPollMs = positive('waitPollMs', options.waitPollMs ?? 50);
    this.waitPollMaxMs = Math.max(this.waitPollMs, positive('waitPollMaxMs', options.waitPollMaxMs ?? 1_000));
    this.sweepIntervalMs = positive('sweepIntervalMs', options.sweepIntervalMs ?? 3_600_000);
    this.retryOptions = { ...options.retry, clock: this.clock };
    this.holderId = options.holderId ?? `${process.pid}-${randomBytes(6).toString('hex')}`;
  }

  /** A token value valid for at least the margin. */
  async get(key: string): Promise<string> {
    return (await this.getToken(key)).value;
  }

  async getToken(key: string): Promise<Token> {
    const provider = this.providerFor(key);
    const cached = this.memory.get(key);
    if (cached && this.isFresh(cached, this.clock.now())) return cached;
    const pending = this.inflight.get(key);
    if (pending) return pending.promise;
    return this.track(key, undefined, () => this.refresh(key, provider, undefined));
  }

  /**
   * An API rejected `rejected` (40001/42001/40014): returns the token to use next. Refreshes
   * (forcing upstream) only if the stored token is still the rejected one; a token someone else
   * already put in its place is used as it is.
   */
  async invalidate(key: string, rejected: string): Promise<string> {
    const provider = this.providerFor(key);
    this.emit({ type: 'invalidated', key, token: maskToken(rejected) });
    if (this.memory.get(key)?.value === rejected) this.memory.delete(key);
    // A refresh already under way may bring the replacement; a forced one for the same token is
    // exactly what this call would start. Bounded: an unrelated refresh is joined at most twice.
    for (let round = 0; round < 2; round++) {
      const cached = this.memory.get(key);
      if (cached && cached.value !== rejected && this.isFresh(cached, this.clock.now())) return cached.value;
      const pending = this.inflight.get(key);
      if (!pending) break;
      if (pending.rejected === rejected) return (await pending.promise).value;
      const token = await pending.promise.catch(() => undefined);
      if (token && token.value !== rejected) return token.value;
    }
    const pending = this.inflight.get(key);
    if (pending?.rejected === rejected) return (await pending.promise).value;
    return (await this.track(key, rejected, () => this.refresh(key, provider, rejected))).value;
  }

  /** Removes every expired entry from the store now; returns how many. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    this.lastSweepAt = now;
    const removed = await this.store.evictExpired(now);
    this.emit({ type: 'swept', removed });
    return removed;
  }

  private track(key: string, rejected: string | undefined, run: () => Promise<Token>): Promise<Token> {
    const promise: Promise<Token> = run().finally(() => {
      if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
    });
    this.inflight.set(key, { promise, rejected });
    return promise;
  }

  private async refresh(key: string, provider: TokenProvider, rejected: string | undefined): Promise<Token> {
    await this.maybeSweep();
    const state: RefreshState = { fallback: this.usable(this.memory.get(key), rejected), holding: false };
    try {
      return await this.refreshThroughStore(key, provider, rejected, state);
    } catch (error) {
      const known = [state.fallback?.value, rejected, this.memory.get(key)?.value];
      this.emit({ type: 'refresh-failed', key, ...describeError(error, known) });
      const fallback = this.usable(state.fallback, rejected);
      if (!fallback) throw error;
      this.emit({ type: 'stale-served', key, token: maskToken(fallback.value), expiresAt: fallback.expiresAt, reason: 'refresh-failed' });
      return fallback;
    } finally {
      if (state.holding) await this.releaseQuietly(key);
    }
  }

  private async refreshThroughStore(key: string, provider: TokenProvider, rejected: string | undefined, state: RefreshState): Promise<Token> {
    const deadline = this.clock.now() + this.maxWaitMs;
    let delay = this.waitPollMs;
    let announced: string | undefined;
    for (;;) {
      const now = this.clock.now();
      const entry = await this.store.read(key);
      const stored = entry?.token;
      if (stored && stored.value !== rejected) {
        if (this.isFresh(stored, now)) return this.adopt(key, stored);
        state.fallback = this.usable(stored, rejected) ?? state.fallback;
      }
      if (state.holding) {
        // Re-read after winning the claim (above): the previous holder may have just stored one.
        const forceRefresh = rejected !== undefined && (stored === undefined || stored.value === rejected);
        return await this.fetchAndStore(key, provider, forceRefresh, state);
      }
      if (!leaseIsLive(entry, now)) {
        if (entry && isDead(entry, now)) await this.evictQuietly(key, now);
        if (await this.store.claim(key, this.holderId, now + this.leaseMs, now)) {
          state.holding = true;
          continue;
        }
      }
      if (this.clock.now() >= deadline) return this.giveUp(key, rejected, state);
      const lease = entry?.lease;
      if (lease && lease.holder !== announced) {
        announced = lease.holder;
        this.emit({ type: 'waiting', key, holder: lease.holder, leaseUntil: lease.until });
      }
      const untilLapse = lease ? Math.max(1, lease.until - now) : delay;
      await this.clock.sleep(Math.min(delay, untilLapse));
      delay = Math.min(delay * 2, this.waitPollMaxMs);
    }
  }

  private async fetchAndStore(key: string, provider: TokenProvider, forceRefresh: boolean, state: RefreshState): Promise<Token> {
    const token = await retry(() => this.fetchChecked(key, provider, forceRefresh), this.retryOptions);
    try {
      await this.store.put(key, token, this.holderId, this.clock.now());
      state.holding = false;
    } catch (error) {
      // The token is good; the other instances will fetch their own once the lease is released.
      this.reportStoreError('put', key, error, [token.value]);
    }
    this.emit({ type: 'fetched', key, provider: provider.description, token: maskToken(token.value), expiresAt: token.expiresAt, forceRefresh });
    this.memory.set(key, token);
    return token;
  }

  private async fetchChecked(key: string, provider: TokenProvider, forceRefresh: boolean): Promise<Token> {
    const token = await provider.fetch({ key, forceRefresh });
    if (typeof token?.value !== 'string' || token.value === '' || !(token.expiresAt > this.clock.now())) {
      throw new ProtocolError(provider.description, 'returned a token that is empty or already expired');
    }
    return { value: token.value, expiresAt: token.expiresAt };
  }

  private giveUp(key: string, rejected: string | undefined, state: RefreshState): Token {
    const fallback = this.usable(state.fallback, rejected);
    if (!fallback) {
      throw new TokenUnavailableError(key, `another instance held the refresh lease and this one waited ${this.maxWaitMs} ms`);
    }
    this.emit({ type: 'stale-served', key, token: maskToken(fallback.value), expiresAt: fallback.expiresAt, reason: 'wait-timed-out' });
    return fallback;
  }

  private adopt(key: string, token: Token): Token {
    this.memory.set(key, token);
    this.emit({ type: 'store-hit', key, token: maskToken(token.value), expiresAt: token.expiresAt });
    return token;
  }

  private async maybeSweep(): Promise<void> {
    const now = this.clock.now();
    if (!Number.isFinite(this.sweepIntervalMs) || now - this.lastSweepAt < this.sweepIntervalMs) return;
    try {
      await this.sweep();
    } catch (error) {
      this.reportStoreError('evictExpired', undefined, error, []);
    }
  }

  private async evictQuietly(key: string, now: number): Promise<void> {
    try {
      if (await this.store.evict(key, now)) this.emit({ type: 'evicted', key });
    } catch (error) {
      this.reportStoreError('evict', key, error, []);
    }
  }

  private async releaseQuietly(key: string): Promise<void> {
    try {
      await this.store.release(key, this.holderId, this.clock.now());
    } catch (error) {
      // The lease lapses by itself; until then the others wait for it.
      this.reportStoreError('release', key, error, []);
    }
  }

  private reportStoreError(operation: string, key: string | undefined, error: unknown, secrets: Array<string | undefined>): void {
    const { code, message } = describeError(error, [...secrets, ...(key ? [this.memory.get(key)?.value] : [])]);
    this.emit({ type: 'store-error', operation, ...(key === undefined ? {} : { key }), code, message });
  }

  private providerFor(key: string): TokenProvider {
    const { providers } = this.options;
    const provider = typeof providers === 'function' ? providers(key) : Object.prototype.hasOwnProperty.call(providers, key) ? providers[key] : undefined;
    if (!provider) throw new UnknownTokenKeyError(key);
    return provider;
  }

  private isFresh(token: Token, now: number): boolean {
    return token.expiresAt - now >= this.marginMs;
  }

  /** A token that may still be served when nothing fresher can be had. */
  private usable(token: Token | undefined, rejected: string | undefined): Token | undefined {
    return token && token.value !== rejected && token.expiresAt > this.clock.now() ? token : undefined;
  }

  private emit(event: TokenCacheEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A logging hook must not decide whether a caller gets a token.
    }
  }
}

function positive(field: string, value: number): number {
  if (!(value > 0)) throw new InvalidArgumentError(field, 'must be a positive number of milliseconds');
  return value;
}

function nonNegative(field: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new InvalidArgumentError(field, 'must be a finite number of milliseconds ≥ 0');
  return value;
}
