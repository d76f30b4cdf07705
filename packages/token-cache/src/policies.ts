import type { ForcedRefreshes, RefreshFailure } from './types';

/**
 * WeChat counts daily quotas (stable_token's 20 forced refreshes among them) per day; we take
 * the day to end at midnight Beijing time (docs/wechat-facts.md, marked as our assumption).
 */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The budget day of `now`, `YYYY-MM-DD` in Beijing time. */
export function budgetDay(now: number): string {
  return new Date(now + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

export interface BackoffPolicy {
  /** The wait after the first failure. */
  readonly baseMs: number;
  /** The longest wait, however many failures in a row. */
  readonly maxMs: number;
  /** A number in [0, 1). */
  readonly random: () => number;
}

/**
 * The shared failure memory after one more failed refresh: the wait doubles per failure in a
 * row, up to `maxMs`, and is stretched by up to a fifth at random so that instances whose
 * backoffs end together do not all claim at once. Never shorter than `baseMs`: that is what
 * bounds upstream traffic during an outage to one request per `baseMs` across all instances.
 */
export function nextFailure(previous: RefreshFailure | undefined, code: string, now: number, policy: BackoffPolicy): RefreshFailure {
  const count = (previous?.count ?? 0) + 1;
  const wait = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(count - 1, 30) * (1 + policy.random() / 5));
  return { at: now, code, count, retryAt: now + wait };
}

export interface ForceBudget {
  /** Forced refreshes allowed per budget day for this appid (WeChat allows 20 to all its users). */
  readonly perDay: number;
  /** Least time between two forced refreshes (WeChat: 30 s). */
  readonly spacingMs: number;
}

/** Why a forced refresh may not happen now, or undefined when it may. */
export function forceRefusal(forced: ForcedRefreshes | undefined, now: number, budget: ForceBudget): string | undefined {
  const used = forcedToday(forced, now);
  if (used >= budget.perDay) return `the ${budget.perDay} forced refreshes of ${budgetDay(now)} (Beijing time) are spent`;
  if (forced && now - forced.lastAt < budget.spacingMs) return `the last forced refresh was less than ${Math.round(budget.spacingMs / 1000)} s ago`;
  return undefined;
}

/** Forced refreshes already spent on `now`'s budget day. */
export function forcedToday(forced: ForcedRefreshes | undefined, now: number): number {
  return forced && forced.day === budgetDay(now) ? forced.count : 0;
}

/** The count after one more forced refresh at `now`. */
export function oneMoreForced(forced: ForcedRefreshes | undefined, now: number): ForcedRefreshes {
  return { day: budgetDay(now), count: forcedToday(forced, now) + 1, lastAt: now };
}
