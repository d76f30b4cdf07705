import { randomBytes } from 'crypto';
import type { Clock } from '@wxhub/core';
import type { FetchRequest, Token, TokenProvider } from '../../src';
import { deferred, type Deferred } from './deferred';

/**
 * A provider that counts its fetches and issues distinct, secret-looking tokens. `hold()` keeps
 * every fetch open until `release()`, so a test orders concurrent calls without sleeping;
 * `failWith` queues errors the next fetches throw.
 */
export class CountingProvider implements TokenProvider {
  readonly description = 'counting test provider';
  readonly requests: FetchRequest[] = [];
  readonly issued: string[] = [];
  private gate: Deferred<void> | undefined;
  private current: Token | undefined;
  private readonly failures: unknown[] = [];
  private readonly started: Array<(request: FetchRequest) => void> = [];

  /**
   * `stable`: like `cgi-bin/stable_token`, a plain fetch hands back the last token while it is
   * valid; only a forced one issues a new token.
   */
  constructor(
    private readonly clock: Clock,
    private readonly lifetimeMs = 7_200_000,
    private readonly stable = false,
  ) {}

  get calls(): number {
    return this.requests.length;
  }

  hold(): void {
    this.gate ??= deferred();
  }

  release(): void {
    this.gate?.resolve();
    this.gate = undefined;
  }

  failWith(...errors: unknown[]): void {
    this.failures.push(...errors);
  }

  /** Resolves when the next fetch starts (or at once with the last one, if one is under way and held). */
  nextFetch(): Promise<FetchRequest> {
    return new Promise((resolve) => this.started.push(resolve));
  }

  async fetch(request: FetchRequest): Promise<Token> {
    this.requests.push(request);
    for (const notify of this.started.splice(0)) notify(request);
    if (this.gate) await this.gate.promise;
    if (this.failures.length > 0) throw this.failures.shift();
    if (this.stable && !request.forceRefresh && this.current && this.current.expiresAt > this.clock.now()) return this.current;
    const value = `ACCESS-${this.requests.length}-${randomBytes(12).toString('hex')}`;
    this.issued.push(value);
    this.current = { value, expiresAt: this.clock.now() + this.lifetimeMs };
    return this.current;
  }
}
