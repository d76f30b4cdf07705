import type { TokenCacheEvent } from '../../src';

type Waiter = { readonly match: (event: TokenCacheEvent) => boolean; readonly resolve: (event: TokenCacheEvent) => void };

/** Records a cache's events; `when` resolves on the first (past or future) event that matches. */
export class EventLog {
  readonly events: TokenCacheEvent[] = [];
  private waiters: Waiter[] = [];

  readonly handler = (event: TokenCacheEvent): void => {
    this.events.push(event);
    const ready = this.waiters.filter((waiter) => waiter.match(event));
    this.waiters = this.waiters.filter((waiter) => !waiter.match(event));
    for (const waiter of ready) waiter.resolve(event);
  };

  of<T extends TokenCacheEvent['type']>(type: T): Array<Extract<TokenCacheEvent, { type: T }>> {
    return this.events.filter((event): event is Extract<TokenCacheEvent, { type: T }> => event.type === type);
  }

  when<T extends TokenCacheEvent['type']>(
    type: T,
    match: (event: Extract<TokenCacheEvent, { type: T }>) => boolean = () => true,
  ): Promise<Extract<TokenCacheEvent, { type: T }>> {
    const matches = (event: TokenCacheEvent): event is Extract<TokenCacheEvent, { type: T }> =>
      event.type === type && match(event as Extract<TokenCacheEvent, { type: T }>);
    const past = this.events.find(matches);
    if (past) return Promise.resolve(past as Extract<TokenCacheEvent, { type: T }>);
    return new Promise((resolve) => this.waiters.push({ match: matches, resolve: (event) => resolve(event as Extract<TokenCacheEvent, { type: T }>) }));
  }
}
