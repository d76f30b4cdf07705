import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@wxhub/core';
import { FunctionExecutionError, FunctionRuntime, type InvokeOptions, type InvokeResult } from '../src/runtime';
import { NoTimerTriggerError, TriggerScheduler, type TriggerRun } from '../src/triggers';

const ENV = 'trig-env-1a2b';

/** An instant in Beijing time (UTC+8). */
function bj(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour - 8, minute, second);
}

/** A function folder with a config.json timer trigger (and an index.js when given). */
function functionDir(root: string, name: string, cron: string | undefined, source?: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const config = cron === undefined ? { timeout: 5 } : { timeout: 5, triggers: [{ name: `${name}_timer`, type: 'timer', config: cron }] };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  if (source) writeFileSync(join(dir, 'index.js'), source);
  return dir;
}

/** Records invocations and answers them; `fail` names functions that throw. */
class RecordingInvoker {
  readonly calls: InvokeOptions[] = [];
  constructor(private readonly fail: ReadonlySet<string> = new Set()) {}
  async invoke(options: InvokeOptions): Promise<InvokeResult> {
    this.calls.push(options);
    if (this.fail.has(options.name)) throw new FunctionExecutionError(options.name, 'Error: boom', 'req-failed');
    return {
      result: { ran: options.name },
      requestId: `req-${this.calls.length}`,
      coldStart: false,
      durationMs: 1,
      queuedMs: 0,
      initMs: 0,
      executionMs: 1,
      instanceId: 'x#1',
    };
  }
}

describe('TriggerScheduler on a ManualClock', () => {
  let root: string;
  let clock: ManualClock;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wxhub-sched-'));
    clock = new ManualClock(bj(2026, 1, 1, 0, 59, 30));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('fires nothing before the time, then once at the scheduled time with the timer event and TRIGGER_SRC', async () => {
    const invoker = new RecordingInvoker();
    const scheduler = new TriggerScheduler({ runtime: invoker, clock });
    scheduler.register({ envId: ENV, name: 'hourly', dir: functionDir(root, 'hourly', '0 0 * * * * *') });
    expect(scheduler.status()[0]?.nextFireAt).toBe(bj(2026, 1, 1, 1));

    expect(await scheduler.runDue()).toEqual([]);
    clock.advance(29_000);
    expect(await scheduler.runDue()).toEqual([]);
    expect(invoker.calls).toHaveLength(0);

    clock.advance(1_000);
    const [run] = await scheduler.runDue();
    expect(invoker.calls).toEqual([
      {
        envId: ENV,
        name: 'hourly',
        event: { Type: 'Timer', TriggerName: 'hourly_timer', Time: '2025-12-31T17:00:00Z' },
        env: { TRIGGER_SRC: 'timer' },
      },
    ]);
    expect(run).toMatchObject({ ok: true, manual: false, scheduledAt: bj(2026, 1, 1, 1), result: { ran: 'hourly' }, requestId: 'req-1', skipped: 0 });
    // Due once only: the next one is an hour later.
    expect(await scheduler.runDue()).toEqual([]);
    expect(scheduler.status()[0]).toMatchObject({ runs: 1, failures: 0, nextFireAt: bj(2026, 1, 1, 2), lastRun: run });
  });

  it('folds instants the clock jumped past into one run', async () => {
    const invoker = new RecordingInvoker();
    const scheduler = new TriggerScheduler({ runtime: invoker, clock });
    scheduler.register({ envId: ENV, name: 'hourly', dir: functionDir(root, 'hourly', '0 0 * * * * *') });
    clock.set(bj(2026, 1, 1, 4, 30));
    const runs = await scheduler.runDue();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ scheduledAt: bj(2026, 1, 1, 1), skipped: 3 });
    expect(scheduler.status()[0]?.nextFireAt).toBe(bj(2026, 1, 1, 5));
  });

  it('fires each due function of several, and only those', async () => {
    const invoker = new RecordingInvoker();
    const scheduler = new TriggerScheduler({ runtime: invoker, clock });
    scheduler.register({ envId: ENV, name: 'every_minute', dir: functionDir(root, 'every_minute', '0 * * * * * *') });
    scheduler.register({ envId: 'other-env', name: 'nightly', dir: functionDir(root, 'nightly', '0 0 2 * * * *') });
    expect(scheduler.register({ envId: ENV, name: 'plain', dir: functionDir(root, 'plain', undefined) })).toBeUndefined();
    expect(scheduler.status().map((s) => `${s.envId}/${s.functionName}`)).toEqual(['other-env/nightly', `${ENV}/every_minute`]);

    clock.advance(30_000);
    expect((await scheduler.runDue()).map((r) => r.functionName)).toEqual(['every_minute']);
    clock.set(bj(2026, 1, 1, 2));
    expect((await scheduler.runDue()).map((r) => r.functionName).sort()).toEqual(['every_minute', 'nightly']);
    expect(scheduler.nextFireAt()).toBe(bj(2026, 1, 1, 2, 1));
  });

  it('records a failed run with its errCode and keeps firing on schedule', async () => {
    const invoker = new RecordingInvoker(new Set(['broken']));
    const scheduler = new TriggerScheduler({ runtime: invoker, clock });
    scheduler.register({ envId: ENV, name: 'broken', dir: functionDir(root, 'broken', '0 * * * * * *') });
    const seen: TriggerRun[] = [];
    scheduler.onRun((run) => seen.push(run));

    clock.advance(30_000);
    const [run] = await scheduler.runDue();
    expect(run).toMatchObject({ ok: false, requestId: 'req-failed', error: { errCode: -504002, errMsg: 'Error: boom' } });
    clock.advance(60_000);
    await scheduler.runDue();
    expect(scheduler.status()[0]).toMatchObject({ runs: 2, failures: 2 });
    expect(seen).toHaveLength(2);
  });

  it('fires on demand with the current time, and refuses a function without a trigger', async () => {
    const invoker = new RecordingInvoker();
    const scheduler = new TriggerScheduler({ runtime: invoker, clock });
    scheduler.register({ envId: ENV, name: 'nightly', dir: functionDir(root, 'nightly', '0 0 2 * * * *') });
    const run = await scheduler.fire(ENV, 'nightly');
    expect(run).toMatchObject({ manual: true, ok: true, scheduledAt: bj(2026, 1, 1, 0, 59, 30) });
    expect(invoker.calls[0]?.event).toEqual({ Type: 'Timer', TriggerName: 'nightly_timer', Time: '2025-12-31T16:59:30Z' });
    // An on-demand run does not move the schedule.
    expect(scheduler.status()[0]?.nextFireAt).toBe(bj(2026, 1, 1, 2));
    await expect(scheduler.fire(ENV, 'unknown')).rejects.toThrow(NoTimerTriggerError);
  });

  it('takes a changed trigger on re-registration and drops a removed one', async () => {
    const invoker = new RecordingInvoker();
    const scheduler = new TriggerScheduler({ runtime: invoker, clock });
    scheduler.register({ envId: ENV, name: 'job', dir: functionDir(root, 'job', '0 0 2 * * * *') });
    scheduler.register({ envId: ENV, name: 'job', dir: functionDir(root, 'job', '0 0 3 * * * *') });
    expect(scheduler.status()).toMatchObject([{ config: '0 0 3 * * * *', nextFireAt: bj(2026, 1, 1, 3) }]);
    scheduler.register({ envId: ENV, name: 'job', dir: functionDir(root, 'job', undefined) });
    expect(scheduler.status()).toEqual([]);
  });

  it('reads weekday numbers as configured', () => {
    const scheduler = new TriggerScheduler({ runtime: new RecordingInvoker(), clock, cron: { weekdayZero: 'monday' } });
    scheduler.register({ envId: ENV, name: 'weekly', dir: functionDir(root, 'weekly', '0 0 12 * * 0 *') });
    // Thursday 2026-01-01 → Monday the 5th.
    expect(scheduler.nextFireAt()).toBe(bj(2026, 1, 5, 12));
  });

  it('fires nothing after stop()', async () => {
    const invoker = new RecordingInvoker();
    const scheduler = new TriggerScheduler({ runtime: invoker, clock });
    scheduler.register({ envId: ENV, name: 'every_minute', dir: functionDir(root, 'every_minute', '0 * * * * * *') });
    await scheduler.stop();
    clock.advance(120_000);
    expect(await scheduler.runDue()).toEqual([]);
    expect(invoker.calls).toHaveLength(0);
  });
});

describe('TriggerScheduler with the function runtime', () => {
  let root: string;
  let runtime: FunctionRuntime;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wxhub-sched-rt-'));
  });
  afterAll(async () => {
    await runtime.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('runs the function with the timer event and TRIGGER_SRC=timer for that invocation only', async () => {
    const clock = new ManualClock(bj(2026, 1, 1, 1, 59, 59));
    runtime = new FunctionRuntime({ clock, idleCheckIntervalMs: 0 });
    const dir = functionDir(
      root,
      'timed',
      '0 0 2 * * * *',
      `exports.main = async (event) => ({ event, triggerSrc: process.env.TRIGGER_SRC === undefined ? null : process.env.TRIGGER_SRC });\n`,
    );
    runtime.register({ envId: ENV, name: 'timed', dir, backendUrl: 'http://127.0.0.1:9/sdk-backend' });
    const scheduler = new TriggerScheduler({ runtime, clock });
    scheduler.register({ envId: ENV, name: 'timed', dir });

    clock.advance(1000);
    const [run] = await scheduler.runDue();
    expect(run).toMatchObject({
      ok: true,
      result: { event: { Type: 'Timer', TriggerName: 'timed_timer', Time: '2025-12-31T18:00:00Z' }, triggerSrc: 'timer' },
    });
    expect(runtime.logs(ENV, 'timed', run?.requestId).length).toBeGreaterThan(0);

    // The same (warm) instance called directly afterwards is not a timer run.
    const direct = await runtime.invoke({ envId: ENV, name: 'timed', event: { x: 1 } });
    expect(direct.result).toEqual({ event: { x: 1 }, triggerSrc: null });
  });
});
