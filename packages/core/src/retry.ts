import { isTransient } from './errors';
import { systemClock, type Clock } from './clock';

export interface RetryOptions {
  /** Total attempts including the first. */
  attempts?: number;
  /**
   * The ceiling of the delay before the second attempt; it doubles after each failure up to
   * `maxDelayMs`, and each delay is drawn uniformly below it ("full jitter", as AWS's
   * architecture blog describes it): instances that failed together spread their retries over
   * the whole window instead of retrying in step.
   */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A number in [0, 1), Math.random by default; tests pass their own. */
  random?: () => number;
  /** Which failures are worth another attempt. Default: transient wxhub errors. */
  retryable?: (error: unknown) => boolean;
  clock?: Clock;
}

/** Runs `operation`, retrying transient failures with exponential backoff. */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5_000;
  const retryable = options.retryable ?? isTransient;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      await clock.sleep(backoffDelay(attempt, base, max, random()));
    }
  }
}

/** Full jitter: uniform in [0, min(max, base × 2^(attempt-1))), for the wait after failed `attempt` (1-based). */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: number): number {
  return random * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
}
