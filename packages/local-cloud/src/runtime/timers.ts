import { performance } from 'node:perf_hooks';

/**
 * Elapsed time and deadlines for the runtime: how long a call queued, how long an instance took
 * to start, when an invocation's time limit falls. Separate from the Clock (log times, idle
 * retirement) because those tests move a ManualClock while processes run on real time; tests
 * of the queue and the time limits pass ManualTimers and fire deadlines themselves.
 */
export interface RuntimeTimers {
  /** Milliseconds on a monotonic scale (not the epoch). */
  now(): number;
  /** Runs `callback` after `ms`; the function returned cancels it. */
  schedule(ms: number, callback: () => void): () => void;
}

export const realTimers: RuntimeTimers = {
  now: () => performance.now(),
  schedule: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** Timers that move only when told (`advance`), firing what falls due in order. */
export class ManualTimers implements RuntimeTimers {
  private current = 0;
  private nextId = 0;
  private readonly due = new Map<number, { readonly at: number; readonly callback: () => void }>();

  now(): number {
    return this.current;
  }

  schedule(ms: number, callback: () => void): () => void {
    const id = this.nextId++;
    this.due.set(id, { at: this.current + ms, callback });
    return () => this.due.delete(id);
  }

  /** Deadlines not yet fired or cancelled. */
  get pending(): number {
    return this.due.size;
  }

  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const next = [...this.due.entries()].sort(([, a], [, b]) => a.at - b.at).find(([, entry]) => entry.at <= until);
      if (!next) break;
      const [id, entry] = next;
      this.due.delete(id);
      this.current = entry.at;
      entry.callback();
    }
    this.current = until;
  }
}
