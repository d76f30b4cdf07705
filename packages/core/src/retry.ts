import { isTransient } from './errors';
import { systemClock, type Clock } from './clock';

export interface RetryOptions {
  /** Total attempts including the first. */
  attempts?: number;
  /** Delay before the second attempt; doubles after each failure, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      const ceiling = Math.min(max, base * 2 ** (attempt - 1));
      await clock.sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
}
