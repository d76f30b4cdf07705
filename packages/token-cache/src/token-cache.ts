import { randomBytes } from 'crypto';
import { InvalidArgumentError, ProtocolError, retry, systemClock, type Clock, type RetryOptions } from '@wxhub/core';
import { isDead, LEASE_SKEW_MS, leaseIsLive } from './entry-rules';
import { ForceRefreshBudgetError, TokenUnavailableError, UnknownTokenKeyError } from './errors';
import { describeError, maskToken, type StaleReason, type TokenCacheEvent, type TokenCacheEventHandler } from './events';
import { forcedToday, forceRefusal, nextFailure, oneMoreForced, type BackoffPolicy, type ForceBudget } from './policies';
import { TokenStats, type TokenKeyStats } from './token-stats';
import type { RefreshFailure, StoreEntry, Token, TokenProvider, TokenStore } from './types';

export interface TokenCacheOptions {
  readonly store: TokenStore;
  /** The provider of each key (an appid, `baidu:<client id>`, …), or a function choosing one. */
  readonly providers: Readonly<Record<string, TokenProvider>> | ((key: string) => TokenProvider | undefined);
  /** A token is served only while it has at least this long left. Default 5 minutes. */
  readonly marginMs?: number;
  /**
   * How long a refresh lease lasts without renewal. The holder renews it every third of this
   * while it lives, so it can be short: a crashed holder blocks the others no longer. Default 2.5 s
   * (a kill is noticed 1.7–2.5 s later; an event loop stalled longer than ~1.7 s may cost a second
   * fetch, which stable_token answers with the same token).
   */
  readonly leaseMs?: number;
  /**
   * How long a caller with no usable token waits for another instance's refresh (from its own
   * call, whatever the lease says). Default 15 s.
   */
  readonly maxWaitMs?: number;
  /**
   * How long callers wait for this instance's own slow refresh before a stored token that is
   * still valid (inside the margin) is served instead; the refresh goes on. Default 1 s.
   */
  readonly staleGraceMs?: number;
  /** First delay between store polls while another instance refreshes; doubles. Default 50 ms. */
  readonly waitPollMs?: number;
  /** Longest delay between store polls. Default 250 ms (a takeover's token is read within that). */
  readonly waitPollMaxMs?: number;
  /** At most one `evictExpired` sweep per this interval across all instances. Default 1 h; Infinity: never. */
  readonly sweepIntervalMs?: number;
  /** The shared backoff after failed refreshes. Default 5 s doubling to 60 s, Math.random. */
  readonly backoff?: Partial<BackoffPolicy>;
  /** Forced refreshes (after a rejection) per appid and budget day. Default 10 per day, 30 s apart. */
  readonly forceBudget?: Partial<ForceBudget>;
  /** A stored token claiming to live longer than this is corrupt. Default 31 days (Baidu's are 30). */
  readonly maxTokenLifetimeMs?: number;
  readonly clock?: Clock;
  /** Retries of a plain upstream fetch (transient errors only, by default). Forced fetches are never retried. */
  readonly retry?: Omit<RetryOptions, 'clock'>;
  /** This instance's name on the leases it takes; unique per instance by default. */
  readonly holderId?: string;
  /** Receives events whose token values are masked; a throwing handler is ignored. */
  readonly onEvent?: TokenCacheEventHandler;
}

export type { TokenKeyStats } from './token-stats';

/** The key of the store entry whose token marks the last sweep (its expiry is the next one). */
export const SWEEP_MARKER_KEY = '~sweep';

interface InFlight {
  readonly promise: Promise<Token>;
  /** The rejected token a forced refresh replaces; undefined for a plain refresh. */
  readonly rejected: string | undefined;
}

/** What one refresh knows while it runs. */
interface RefreshState {
  /** A token past the margin but not expired: what to serve if no fresh one can be had. */
  fallback: Token | undefined;
}

/** What a holder's refresh resolves to when callers were not kept waiting for it. */
const SLOW: unique symbol = Symbol('slow');

/**
 * Short-lived credentials shared by every instance through a store. Per key: a warm instance
 * answers from memory; otherwise one refresh per process (in-flight de-duplication) and one per
 * store (a lease claimed atomically and renewed while its holder lives; the others serve a
 * still-valid stored token at once, or poll the store until the holder has stored a new one or
 * its lease lapses and one of them takes over). A failed refresh is remembered in the store, so
 * every instance backs off from upstream together.
 */
export class TokenCache {
  readonly holderId: string;
  private readonly store: TokenStore;
  private readonly clock: Clock;
  private readonly marginMs: number;
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;
  private readonly staleGraceMs: number;
  private readonly waitPollMs: number;
  private readonly waitPollMaxMs: number;
  private readonly sweepIntervalMs: number;
  private readonly maxTokenLifetimeMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly forceBudget: ForceBudget;
  private readonly retryOptions: RetryOptions;
  private readonly memory = new Map<string, Token>();
  private readonly inflight = new Map<string, InFlight>();
  private readonly counters: TokenStats;
  private readonly reportedCorruption = new Map<string, string>();
  private lastSweepAt = Number.NEGATIVE_INFINITY;
  private housekeeping: Promise<void> = Promise.resolve();

  constructor(private readonly options: TokenCacheOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.marginMs = nonNegative('marginMs', options.marginMs ?? 300_000);
    this.leaseMs = positive('leaseMs', options.leaseMs ?? 2_500);
    this.maxWaitMs = nonNegative('maxWaitMs', options.maxWaitMs ?? 15_000);
    this.staleGraceMs = nonNegative('staleGraceMs', options.staleGraceMs ?? 1_000);
    this.waitPollMs = positive('waitPollMs', options.waitPollMs ?? 50);
    this.waitPollMaxMs = Math.max(this.waitPollMs, positive('waitPollMaxMs', options.waitPollMaxMs ?? 250));
    this.sweepIntervalMs = positive('sweepIntervalMs', options.sweepIntervalMs ?? 3_600_000);
    this.maxTokenLifetimeMs = positive('maxTokenLifetimeMs', options.maxTokenLifetimeMs ?? 31 * 86_400_000);
    const baseMs = positive('backoff.baseMs', options.backoff?.baseMs ?? 5_000);
    this.backoff = {
      baseMs,
      maxMs: Math.max(baseMs, positive('backoff.maxMs', options.backoff?.maxMs ?? 60_000)),
      random: options.backoff?.random ?? Math.random,
    };
    this.forceBudget = {
      perDay: nonNegative('forceBudget.perDay', options.forceBudget?.perDay ?? 10),
      spacingMs: nonNegative('forceBudget.spacingMs', options.forceBudget?.spacingMs ?? 30_000),
    };
    this.retryOptions = { ...options.retry, clock: this.clock };
    this.counters = new TokenStats(this.forceBudget.perDay);
    this.holderId = options.holderId ?? `${process.pid}-${randomBytes(6).toString('hex')}`;
  }

  /** A token value valid for at least the margin (or, when none can be had, one still valid). */
  async get(key: string): Promise<string> {
    return (await this.getToken(key)).value;
  }

  async getToken(key: string): Promise<Token> {
    const provider = this.providerFor(key);
    const cached = this.memory.get(key);
    if (cached && this.isFresh(cached, this.clock.now())) {
      this.counters.of(key).memoryHits++;
      return cached;
    }
    const pending = this.inflight.get(key);
    if (pending) return pending.promise;
    return this.track(key, undefined, () => this.refresh(key, provider, undefined));
  }

  /**
   * An API rejected `rejected` (40001/42001/40014): returns the token to use next. Refreshes
   * only if the stored token is still the rejected one; a token someone else already put in its
   * place is used as it is. A forced refresh happens only when a plain fetch hands the rejected
   * token back, and only within the force budget (else ForceRefreshBudgetError).
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

  /** Counters per key since this instance started (a copy): hits, fetches, waits, failures, force budget. */
  stats(): Record<string, TokenKeyStats> {
    return this.counters.snapshot();
  }

  private track(key: string, rejected: string | undefined, run: () => Promise<Token>): Promise<Token> {
    const promise: Promise<Token> = run().finally(() => {
      if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
    });
    this.inflight.set(key, { promise, rejected });
    return promise;
  }

  /** Resolves when background housekeeping (the sweep) has finished: for tests and a graceful shutdown. */
  settled(): Promise<void> {
    return this.housekeeping;
  }

  private async refresh(key: string, provider: TokenProvider, rejected: string | undefined): Promise<Token> {
    // Off the caller's path: a cold instance's first call should not wait for housekeeping.
    this.housekeeping = this.housekeeping.then(() => this.maybeSweep());
    const state: RefreshState = { fallback: this.usable(this.memory.get(key), rejected) };
    try {
      return await this.refreshThroughStore(key, provider, rejected, state);
    } catch (error) {
      const known = [state.fallback?.value, rejected, this.memory.get(key)?.value];
      const described = describeError(error, known);
      this.counters.failed(key, described.code, described.message, this.clock.now());
      this.emit({ type: 'refresh-failed', key, ...described });
      const fallback = this.usable(state.fallback, rejected);
      if (!fallback) throw error;
      return this.serveStale(key, fallback, 'refresh-failed');
    }
  }

  private async refreshThroughStore(key: string, provider: TokenProvider, rejected: string | undefined, state: RefreshState): Promise<Token> {
    const deadline = this.clock.now() + this.maxWaitMs;
    let delay = this.waitPollMs;
    let announced: string | undefined;
    for (;;) {
      const now = this.clock.now();
      const entry = await this.readEntry(key, now);
      const stored = entry?.token;
      if (stored && stored.value !== rejected) {
        if (this.isFresh(stored, now)) return this.adopt(key, stored);
        state.fallback = this.usable(stored, rejected) ?? state.fallback;
      }
      const lease = entry?.lease;
      if (leaseIsLive(entry, now)) {
        // Someone (maybe this instance, still fetching in the background) is refreshing: a token
        // that still works is served now rather than after a refresh that may be slow or failing.
        if (state.fallback) return this.serveStale(key, state.fallback, 'refresh-in-progress');
      } else {
        const failure = entry?.failure;
        if (failure && failure.retryAt > now) {
          if (state.fallback) return this.serveStale(key, state.fallback, 'backing-off');
          this.emit({ type: 'backing-off', key, code: failure.code, failures: failure.count, retryAt: failure.retryAt });
          if (failure.retryAt > deadline) throw this.backingOff(key, failure);
          await this.clock.sleep(Math.max(1, failure.retryAt - now));
          continue;
        }
        if (entry && isDead(entry, now)) await this.evictQuietly(key, now);
        if (await this.store.claim(key, this.holderId, now + this.leaseMs, now)) {
          this.emit({ type: 'claimed', key, ...(lease ? { lapsedHolder: lease.holder } : {}) });
          if (lease) this.counters.of(key).takeovers++;
          const result = await this.holdAndRefresh(key, provider, rejected, state);
          if (result !== SLOW) return result;
          return this.serveStale(key, state.fallback!, 'refresh-slow');
        }
      }
      if (this.clock.now() >= deadline) return this.giveUp(key, rejected, state);
      if (lease && lease.holder !== announced) {
        // A new holder (a takeover) has just started: its token is expected soon, poll fast again.
        if (announced !== undefined) delay = this.waitPollMs;
        announced = lease.holder;
        this.counters.of(key).waits++;
        this.emit({ type: 'waiting', key, holder: lease.holder, leaseUntil: lease.until });
      }
      const untilLapse = lease ? Math.max(1, lease.until - now) : delay;
      await this.clock.sleep(Math.min(delay, untilLapse, Math.max(1, deadline - now)));
      delay = Math.min(delay * 2, this.waitPollMaxMs);
    }
  }

  /**
   * This instance holds the lease: fetch, store, release. When a still-valid token exists,
   * callers wait for a slow fetch at most `staleGraceMs` (SLOW); the refresh goes on.
   */
  private async holdAndRefresh(key: string, provider: TokenProvider, rejected: string | undefined, state: RefreshState): Promise<Token | typeof SLOW> {
    const work = this.fetchUnderLease(key, provider, rejected);
    const fallback = this.usable(state.fallback, rejected);
    if (!fallback) return work;
    work.catch(() => undefined); // its failure is reported by whoever awaits it, or recorded in the store
    const grace = this.clock.sleep(this.staleGraceMs).then((): typeof SLOW => SLOW);
    return Promise.race([work, grace]);
  }

  private async fetchUnderLease(key: string, provider: TokenProvider, rejected: string | undefined): Promise<Token> {
    let holding = true;
    let failure: unknown;
    let previous: StoreEntry | undefined;
    const heartbeat = this.startHeartbeat(key);
    try {
      // Read after winning the claim: the previous holder may have stored a token just before.
      previous = await this.readEntry(key, this.clock.now());
      const stored = previous?.token;
      if (stored && stored.value !== rejected && this.isFresh(stored, this.clock.now())) return this.adopt(key, stored);
      // Or failed, between this instance's read and its claim: upstream is left alone all the same.
      const failed = previous?.failure;
      if (failed && failed.retryAt > this.clock.now()) throw this.backingOff(key, failed);
      const rejectedIsStored = rejected !== undefined && (stored === undefined || stored.value === rejected);
      let token: Token;
      let forced = false;
      if (rejectedIsStored) {
        // WxJava never forces: a plain fetch first, which gives a new token whenever someone else forced one.
        token = await this.fetchChecked(key, provider, false);
        if (token.value === rejected) {
          token = await this.forcedFetch(key, provider, previous);
          forced = true;
        }
      } else {
        token = await retry(() => this.fetchChecked(key, provider, false), this.retryOptions);
      }
      try {
        await this.store.put(key, token, this.holderId, this.clock.now());
        holding = false;
      } catch (error) {
        // The token is good; the other instances will fetch their own once the lease is released.
        this.reportStoreError('put', key, error, [token.value]);
      }
      this.counters.of(key).fetches++;
      this.emit({ type: 'fetched', key, provider: provider.description, token: maskToken(token.value), expiresAt: token.expiresAt, forceRefresh: forced });
      this.memory.set(key, token);
      return token;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      heartbeat.stop();
      if (holding) await this.releaseQuietly(key, failure, previous);
    }
  }

  private async forcedFetch(key: string, provider: TokenProvider, entry: StoreEntry | undefined): Promise<Token> {
    const now = this.clock.now();
    const refusal = forceRefusal(entry?.forced, now, this.forceBudget);
    const spent = forcedToday(entry?.forced, now);
    if (refusal) {
      this.counters.forceSeen(key, spent, this.forceBudget.perDay);
      this.emit({ type: 'force-refused', key, reason: refusal, forcedToday: spent });
      throw new ForceRefreshBudgetError(key, refusal);
    }
    const forced = oneMoreForced(entry?.forced, now);
    // Counted before the request: a forced refresh that fails or hangs may still have been spent.
    if (!(await this.store.renew(key, this.holderId, now + this.leaseMs, now, { forced }))) {
      throw new TokenUnavailableError(key, 'the refresh lease was lost before the forced refresh could be counted');
    }
    this.counters.forceSeen(key, forced.count, this.forceBudget.perDay);
    this.counters.of(key).forcedFetches++;
    return this.fetchChecked(key, provider, true);
  }

  /** Renews the lease every third of its length while the holder lives. */
  private startHeartbeat(key: string): { stop(): void } {
    let stopped = false;
    const interval = this.leaseMs / 3;
    const beat = async (): Promise<void> => {
      let last = this.clock.now();
      while (!stopped) {
        await this.clock.sleep(interval);
        const now = this.clock.now();
        if (stopped || now - last < interval) continue;
        last = now;
        try {
          if (!(await this.store.renew(key, this.holderId, now + this.leaseMs, now))) stopped = true;
        } catch (error) {
          this.reportStoreError('renew', key, error, []);
        }
      }
    };
    void beat();
    return {
      stop: () => {
        stopped = true;
      },
    };
  }

  private async fetchChecked(key: string, provider: TokenProvider, forceRefresh: boolean): Promise<Token> {
    const token = await provider.fetch({ key, forceRefresh });
    if (typeof token?.value !== 'string' || token.value === '' || !(token.expiresAt > this.clock.now())) {
      throw new ProtocolError(provider.description, 'returned a token that is empty or already expired');
    }
    return { value: token.value, expiresAt: token.expiresAt };
  }

  /**
   * The store's entry with every field an instance could not have written dropped (and
   * reported once): a token living longer than any token does, a lease or a backoff reaching
   * further out than this cache would ever set. The next write replaces them.
   */
  private async readEntry(key: string, now: number): Promise<StoreEntry | undefined> {
    const entry = await this.store.read(key);
    if (!entry) return undefined;
    const corrupt = [...(entry.corrupt ?? [])];
    const { token, lease, failure, forced } = entry;
    const tokenOk = !token || token.expiresAt - now <= this.maxTokenLifetimeMs;
    const leaseOk = !lease || lease.until - now <= this.leaseMs + LEASE_SKEW_MS;
    const failureOk = !failure || failure.retryAt - now <= this.backoff.maxMs * 1.2 + LEASE_SKEW_MS;
    if (!tokenOk) corrupt.push('token.expiresAt');
    if (!leaseOk) corrupt.push('lease.until');
    if (!failureOk) corrupt.push('failure.retryAt');
    if (corrupt.length > 0) {
      const signature = corrupt.join(',');
      if (this.reportedCorruption.get(key) !== signature) {
        this.reportedCorruption.set(key, signature);
        this.emit({ type: 'corrupt-entry', key, fields: corrupt });
      }
    } else {
      this.reportedCorruption.delete(key);
    }
    if (forced) this.counters.forceSeen(key, forcedToday(forced, now), this.forceBudget.perDay);
    return {
      ...(token && tokenOk ? { token } : {}),
      ...(lease && leaseOk ? { lease } : {}),
      ...(failure && failureOk ? { failure } : {}),
      ...(forced ? { forced } : {}),
    };
  }

  private backingOff(key: string, failure: RefreshFailure): TokenUnavailableError {
    const when = new Date(failure.retryAt).toISOString();
    return new TokenUnavailableError(
      key,
      `upstream failed (${failure.code}) ${failure.count} time(s) in a row; no instance asks again before ${when}`,
      failure.code,
    );
  }

  private giveUp(key: string, rejected: string | undefined, state: RefreshState): Token {
    const fallback = this.usable(state.fallback, rejected);
    if (!fallback) {
      throw new TokenUnavailableError(key, `another instance held the refresh lease and this caller waited ${this.maxWaitMs} ms`);
    }
    return this.serveStale(key, fallback, 'wait-timed-out');
  }

  private serveStale(key: string, token: Token, reason: StaleReason): Token {
    this.counters.of(key).staleServes++;
    this.emit({ type: 'stale-served', key, token: maskToken(token.value), expiresAt: token.expiresAt, reason });
    return token;
  }

  private adopt(key: string, token: Token): Token {
    this.memory.set(key, token);
    this.counters.of(key).storeHits++;
    this.emit({ type: 'store-hit', key, token: maskToken(token.value), expiresAt: token.expiresAt });
    return token;
  }

  /**
   * At most one sweep per interval across every instance: a marker entry whose token expires
   * when the next sweep is due. Read first, so a cold instance pays one read, no write.
   */
  private async maybeSweep(): Promise<void> {
    const now = this.clock.now();
    if (!Number.isFinite(this.sweepIntervalMs) || now - this.lastSweepAt < this.sweepIntervalMs) return;
    this.lastSweepAt = now;
    try {
      const marker = await this.store.read(SWEEP_MARKER_KEY);
      if (marker?.token && marker.token.expiresAt > now && marker.token.expiresAt - now <= this.sweepIntervalMs) return;
      if (!(await this.store.claim(SWEEP_MARKER_KEY, this.holderId, now + this.leaseMs, now))) return;
      await this.store.put(SWEEP_MARKER_KEY, { value: `swept-by-${this.holderId}`, expiresAt: now + this.sweepIntervalMs }, this.holderId, now);
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

  private async releaseQuietly(key: string, failure: unknown, previous: StoreEntry | undefined): Promise<void> {
    const now = this.clock.now();
    // Only upstream failures are remembered: a refused force or a store error says nothing about upstream.
    const remember = failure !== undefined && !(failure instanceof ForceRefreshBudgetError) && !(failure instanceof TokenUnavailableError);
    const note = remember ? { failure: nextFailure(previous?.failure, describeError(failure, []).code, now, this.backoff) } : undefined;
    try {
      await this.store.release(key, this.holderId, now, note);
      if (note?.failure) {
        this.emit({ type: 'backing-off', key, code: note.failure.code, failures: note.failure.count, retryAt: note.failure.retryAt });
      }
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
  if (!(value >= 0) || !Number.isFinite(value)) throw new InvalidArgumentError(field, 'must be a finite number ≥ 0');
  return value;
}
