import { systemClock, WxhubError, type Clock } from '@wxhub/core';
import { CloudFunctionError } from '../runtime/errors';
import type { InvokeOptions, InvokeResult } from '../runtime/function-runtime';
import type { CronOptions } from './cron';
import { readTimerTrigger, type TimerTrigger } from './trigger-config';

/** What the scheduler needs of the function runtime. */
export interface TriggerInvoker {
  invoke(options: InvokeOptions): Promise<InvokeResult>;
}

/** The event a timer-triggered function receives (Tencent SCF's timer event, without its optional Message). */
export interface TimerEvent {
  readonly Type: 'Timer';
  readonly TriggerName: string;
  /** The scheduled instant, UTC, to the second: `2026-01-01T02:00:00Z`. */
  readonly Time: string;
}

/** One run of a trigger, finished. Times are clock milliseconds. */
export interface TriggerRun {
  readonly envId: string;
  readonly functionName: string;
  readonly triggerName: string;
  /** True for `fire()` (on demand), false for a run on schedule. */
  readonly manual: boolean;
  /** The instant in `event.Time`: the scheduled one, or the call time of an on-demand run. */
  readonly scheduledAt: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  /**
   * Scheduled instants that fell due in the same `runDue()` and were folded into this run (the
   * clock jumped past them); counted up to 1000.
   */
  readonly skipped: number;
  readonly ok: boolean;
  readonly requestId?: string;
  /** What the function returned (ok runs). */
  readonly result?: unknown;
  /** Why it failed: WeChat's errCode where the runtime gave one, and a message without stack. */
  readonly error?: { readonly errCode?: number; readonly errMsg: string };
}

/** A registered trigger and what it did. */
export interface TriggerStatus {
  readonly envId: string;
  readonly functionName: string;
  readonly triggerName: string;
  readonly config: string;
  /** The next scheduled instant (clock ms), undefined when the schedule has none left. */
  readonly nextFireAt: number | undefined;
  readonly running: number;
  readonly runs: number;
  readonly failures: number;
  readonly lastRun?: TriggerRun;
}

/** `fire()` for a function that has no timer trigger registered. */
export class NoTimerTriggerError extends WxhubError {
  readonly code = 'NO_TIMER_TRIGGER';
  readonly transient = false;
  constructor(
    readonly envId: string,
    readonly functionName: string,
  ) {
    super(`function ${functionName} in env ${envId} has no timer trigger`);
  }
}

export interface TriggerSchedulerOptions {
  readonly runtime: TriggerInvoker;
  /** Decides when triggers are due; tests pass a ManualClock and call runDue(). */
  readonly clock?: Clock;
  /** How cron expressions are read (weekday numbering, time zone). */
  readonly cron?: CronOptions;
}

interface Entry {
  readonly envId: string;
  readonly functionName: string;
  trigger: TimerTrigger;
  nextFireAt: number | undefined;
  running: number;
  runs: number;
  failures: number;
  lastRun?: TriggerRun;
}

const SKIP_COUNT_LIMIT = 1000;

/**
 * Fires each function's config.json timer trigger on its cron schedule, as WeChat's timers do:
 * event `{Type: 'Timer', TriggerName, Time}`, `TRIGGER_SRC=timer` for that invocation, the
 * result going nowhere but this scheduler's records. Time is the injected clock's: `runDue()`
 * fires whatever is due at the clock's now, so tests drive it with a ManualClock and no timers;
 * `start()` calls it periodically for a real server.
 */
export class TriggerScheduler {
  private readonly runtime: TriggerInvoker;
  private readonly clock: Clock;
  private readonly cronOptions: CronOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Set<Promise<TriggerRun>>();
  private readonly listeners = new Set<(run: TriggerRun) => void>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: TriggerSchedulerOptions) {
    this.runtime = options.runtime;
    this.clock = options.clock ?? systemClock;
    this.cronOptions = options.cron ?? {};
  }

  /**
   * Reads the timer trigger of the function built in `dir` and schedules it (replacing what
   * that function had; a function without a trigger is unscheduled). Returns the trigger.
   * Throws ConfigError / CronSpecError for a config.json WeChat would refuse.
   */
  register(fn: { readonly envId: string; readonly name: string; readonly dir: string }): TimerTrigger | undefined {
    const trigger = readTimerTrigger(fn.dir, this.cronOptions);
    if (trigger) this.schedule(fn.envId, fn.name, trigger);
    else this.unregister(fn.envId, fn.name);
    return trigger;
  }

  /** Schedules a trigger given directly; the next fire time counts from the clock's now. */
  schedule(envId: string, functionName: string, trigger: TimerTrigger): void {
    const key = keyOf(envId, functionName);
    const entry = this.entries.get(key);
    const nextFireAt = trigger.schedule.next(this.clock.now());
    if (entry) {
      entry.trigger = trigger;
      entry.nextFireAt = nextFireAt;
    } else {
      this.entries.set(key, { envId, functionName, trigger, nextFireAt, running: 0, runs: 0, failures: 0 });
    }
  }

  unregister(envId: string, functionName: string): boolean {
    return this.entries.delete(keyOf(envId, functionName));
  }

  /** Every registered trigger, by env then function name. */
  status(): TriggerStatus[] {
    return [...this.entries.values()]
      .sort((a, b) => a.envId.localeCompare(b.envId) || a.functionName.localeCompare(b.functionName))
      .map((entry) => ({
        envId: entry.envId,
        functionName: entry.functionName,
        triggerName: entry.trigger.name,
        config: entry.trigger.config,
        nextFireAt: entry.nextFireAt,
        running: entry.running,
        runs: entry.runs,
        failures: entry.failures,
        ...(entry.lastRun ? { lastRun: entry.lastRun } : {}),
      }));
  }

  /** The earliest next fire time of all triggers. */
  nextFireAt(): number | undefined {
    let earliest: number | undefined;
    for (const entry of this.entries.values()) {
      if (entry.nextFireAt !== undefined && (earliest === undefined || entry.nextFireAt < earliest)) earliest = entry.nextFireAt;
    }
    return earliest;
  }

  /**
   * Fires every trigger due at the clock's now (once each, however many of its instants passed)
   * and resolves with their runs when they finish. Failures are recorded, never thrown.
   */
  async runDue(): Promise<TriggerRun[]> {
    if (this.stopped) return [];
    const now = this.clock.now();
    const started: Array<Promise<TriggerRun>> = [];
    for (const entry of this.entries.values()) {
      const due = entry.nextFireAt;
      if (due === undefined || due > now) continue;
      let skipped = 0;
      let next = entry.trigger.schedule.next(due);
      while (next !== undefined && next <= now && skipped < SKIP_COUNT_LIMIT) {
        skipped += 1;
        next = entry.trigger.schedule.next(next);
      }
      // Advanced before the run starts, so an overlapping runDue() cannot fire it twice.
      entry.nextFireAt = entry.trigger.schedule.next(now);
      started.push(this.run(entry, due, false, skipped));
    }
    return Promise.all(started);
  }

  /** Runs a function's trigger now, as the console's "test" would; resolves with the run. */
  async fire(envId: string, functionName: string): Promise<TriggerRun> {
    const entry = this.entries.get(keyOf(envId, functionName));
    if (!entry) throw new NoTimerTriggerError(envId, functionName);
    return this.run(entry, Math.floor(this.clock.now() / 1000) * 1000, true, 0);
  }

  /** Calls `listener` after every run (scheduled or on demand); returns a function that stops that. */
  onRun(listener: (run: TriggerRun) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Checks for due triggers every `intervalMs` of real time (the server's mode). The timer does
   * not keep the process alive on its own.
   */
  start(intervalMs = 1000): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.runDue(), intervalMs);
    this.timer.unref();
  }

  /** Stops firing; resolves when the runs under way have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.settled();
  }

  /** Resolves when no run is under way. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private run(entry: Entry, scheduledAt: number, manual: boolean, skipped: number): Promise<TriggerRun> {
    const promise = this.execute(entry, scheduledAt, manual, skipped);
    const tracked = promise.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }

  private async execute(entry: Entry, scheduledAt: number, manual: boolean, skipped: number): Promise<TriggerRun> {
    const triggerName = entry.trigger.name;
    const event: TimerEvent = { Type: 'Timer', TriggerName: triggerName, Time: timerTime(scheduledAt) };
    const base = { envId: entry.envId, functionName: entry.functionName, triggerName, manual, scheduledAt, skipped };
    const startedAt = this.clock.now();
    entry.running += 1;
    let run: TriggerRun;
    try {
      const { result, requestId } = await this.runtime.invoke({
        envId: entry.envId,
        name: entry.functionName,
        event,
        env: { TRIGGER_SRC: 'timer' },
      });
      run = { ...base, startedAt, finishedAt: this.clock.now(), ok: true, requestId, result };
    } catch (error) {
      run = { ...base, startedAt, finishedAt: this.clock.now(), ok: false, ...describeFailure(error) };
    } finally {
      entry.running -= 1;
    }
    entry.runs += 1;
    if (!run.ok) entry.failures += 1;
    entry.lastRun = run;
    for (const listener of this.listeners) {
      try {
        listener(run);
      } catch {
        // A listener's bug must not turn a recorded run into an unhandled rejection.
      }
    }
    return run;
  }
}

function describeFailure(error: unknown): Pick<TriggerRun, 'error' | 'requestId'> {
  if (error instanceof CloudFunctionError) {
    return { error: { errCode: error.errCode, errMsg: error.errMsg }, ...(error.requestId ? { requestId: error.requestId } : {}) };
  }
  return { error: { errMsg: error instanceof Error ? error.message : String(error) } };
}

/** SCF's timer `Time`: ISO 8601 in UTC without milliseconds. */
export function timerTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

function keyOf(envId: string, functionName: string): string {
  return `${envId}/${functionName}`;
}
