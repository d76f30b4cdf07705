/**
 * Time as a dependency: production uses the system clock, tests and the local cloud inject one
 * they can move. Everything in wxhub that compares against "now" takes a Clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // Not unref'd: a cloud function awaiting a backoff or a lease has nothing else keeping its
  // process alive, and an unref'd timer would let it exit mid-await with nothing returned.
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A clock whose "now" moves only when told to (`advance`). Its sleeps still take real time,
 * scaled down, so waiting loops keep making progress without depending on wall time.
 */
export class ManualClock implements Clock {
  constructor(
    private current = Date.UTC(2026, 0, 1),
    private readonly realSleepMs = 1,
  ) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.min(ms, this.realSleepMs)));
  }
}
