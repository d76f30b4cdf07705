import * as path from 'node:path';
import { ManualClock } from '@wxhub/core';
import { FunctionConcurrencyError, FunctionExecutionError, FunctionRuntime, FunctionTimeoutError, type InvokeResult } from '../src/runtime';
import { ManualTimers } from '../src/runtime/timers';
import { ScriptedLauncher } from './support/scripted-instances';

const ENV_ID = 'test-env-1a2b';
const FIXTURES = path.join(__dirname, 'fixtures', 'functions');
const TIMEOUT_MS = 1000;

/**
 * The instance cap, the queue and the time limit, with instances that start and answer when the
 * test says and timers that move only when it advances them: nothing here depends on how fast
 * the machine is.
 */
describe('FunctionRuntime under load: cap, queue, time limit (scripted instances, manual timers)', () => {
  let timers: ManualTimers;
  let launcher: ScriptedLauncher;
  let runtime: FunctionRuntime;

  function start(options: { maxInstances?: number; maxQueued?: number } = {}): void {
    timers = new ManualTimers();
    launcher = new ScriptedLauncher();
    runtime = new FunctionRuntime({
      clock: new ManualClock(),
      timers,
      startInstance: launcher.start,
      idleCheckIntervalMs: 0,
      maxInstancesPerFunction: options.maxInstances ?? 2,
      maxQueuedPerFunction: options.maxQueued ?? 10,
    });
    runtime.register({ envId: ENV_ID, name: 'echo', dir: path.join(FIXTURES, 'echo'), backendUrl: 'http://127.0.0.1:9/sdk-backend', timeoutMs: TIMEOUT_MS });
  }
  const call = (marker: string): Promise<InvokeResult> => runtime.invoke({ envId: ENV_ID, name: 'echo', event: { marker } });

  afterEach(async () => {
    await runtime.stop();
  });

  it('starts at most maxInstances instances and queues the rest, without refusing any', async () => {
    start({ maxInstances: 2, maxQueued: 10 });
    const calls = Array.from({ length: 12 }, (_unused, i) => call(`c${i}`));

    expect(launcher.starts).toHaveLength(2);
    expect(runtime.instances(ENV_ID, 'echo')).toBe(2);
    expect(runtime.queued(ENV_ID, 'echo')).toBe(10);

    const [a, b] = [launcher.ready(0), launcher.ready(1)];
    // Each instance serves its calls one after the other: answer whatever it holds until all are done.
    for (let served = 1; served <= 6; served++) {
      for (const instance of [a, b]) {
        await instance.invoked(served);
        instance.answer({ by: instance.id, marker: (instance.current.invocation.event as { marker: string }).marker });
      }
    }
    const results = await Promise.all(calls);

    expect(results.map((r) => (r.result as { marker: string }).marker)).toEqual(Array.from({ length: 12 }, (_unused, i) => `c${i}`));
    expect(launcher.starts).toHaveLength(2);
    expect(results.filter((r) => r.coldStart)).toHaveLength(2);
    expect(runtime.queued(ENV_ID, 'echo')).toBe(0);
  });

  it('hands a freed instance to the calls in the order they arrived', async () => {
    start({ maxInstances: 1 });
    const calls = ['first', 'second', 'third'].map(call);
    const instance = launcher.ready(0);
    const order: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const invocation = await instance.invoked(n);
      order.push((invocation.event as { marker: string }).marker);
      // A late arrival while the first waiter is being served must not overtake the queue.
      if (n === 1) calls.push(call('late'));
      instance.answer(null);
    }
    await instance.invoked(4);
    instance.answer(null);
    await Promise.all(calls);
    expect(order).toEqual(['first', 'second', 'third']);
    expect((instance.invocations[3]?.invocation.event as { marker: string }).marker).toBe('late');
  });

  it('refuses a call beyond the queue at once with FunctionConcurrencyError (-504001), and serves the queued ones', async () => {
    start({ maxInstances: 1, maxQueued: 2 });
    const accepted = [call('running'), call('queued-1'), call('queued-2')];

    const refused = call('one too many');
    await expect(refused).rejects.toBeInstanceOf(FunctionConcurrencyError);
    await expect(refused).rejects.toMatchObject({ errCode: -504001, transient: true, errMsg: expect.stringContaining('ResourceLimitReached') });
    expect(runtime.logs(ENV_ID, 'echo').some((line) => line.message.startsWith('REFUSED RequestId:'))).toBe(true);

    const instance = launcher.ready(0);
    for (let n = 1; n <= 3; n++) {
      await instance.invoked(n);
      instance.answer(n);
    }
    expect((await Promise.all(accepted)).map((r) => r.result)).toEqual([1, 2, 3]);
  });

  it('does not count time spent queued against the time limit, and reports it apart', async () => {
    start({ maxInstances: 1 });
    const first = call('first');
    const second = call('second');
    const instance = launcher.ready(0);
    await instance.invoked(1);
    timers.advance(900);
    instance.answer('one');
    await instance.invoked(2);
    // The second call has now waited 900 ms; with 900 more it has existed 1.8 s, past its 1 s limit.
    timers.advance(900);
    instance.answer('two');

    await expect(first).resolves.toMatchObject({ result: 'one', queuedMs: 0, executionMs: 900 });
    await expect(second).resolves.toMatchObject({ result: 'two', coldStart: false, queuedMs: 900, initMs: 0, executionMs: 900, durationMs: 1800 });
    expect(runtime.logs(ENV_ID, 'echo').map((line) => line.message)).toContainEqual(
      expect.stringMatching(/^REPORT RequestId: \S+ Duration: 900\.0 ms Queued: 900\.0 ms$/),
    );
  });

  it('does not count the cold start (spawn and module load) against the time limit, and reports it as Init Duration', async () => {
    start();
    const pending = call('cold');
    timers.advance(5 * TIMEOUT_MS);
    const instance = launcher.ready(0);
    await instance.invoked(1);
    timers.advance(TIMEOUT_MS - 1);
    instance.answer('done');

    await expect(pending).resolves.toMatchObject({ result: 'done', coldStart: true, queuedMs: 0, initMs: 5000, executionMs: 999 });
    expect(runtime.logs(ENV_ID, 'echo').map((line) => line.message)).toContainEqual(
      expect.stringMatching(/^REPORT RequestId: \S+ Duration: 999\.0 ms Queued: 0\.0 ms Init Duration: 5000\.0 ms$/),
    );
  });

  it('still kills an invocation at its time limit, counted from the hand-over, and the queue moves on', async () => {
    start({ maxInstances: 1 });
    const slow = call('slow');
    const next = call('next');
    const first = launcher.ready(0);
    await first.invoked(1);
    timers.advance(TIMEOUT_MS - 1);
    expect(first.alive).toBe(true);
    timers.advance(1);

    await expect(slow).rejects.toBeInstanceOf(FunctionTimeoutError);
    expect(first.alive).toBe(false);
    // The killed instance's slot goes to the queued call, which starts a new instance.
    expect(launcher.starts).toHaveLength(2);
    const second = launcher.ready(1);
    await second.invoked(1);
    second.answer('ok');
    await expect(next).resolves.toMatchObject({ result: 'ok', coldStart: true, instanceId: second.id });
    expect(timers.pending).toBe(0);
  });

  it('gives a failed start’s slot to the next queued call', async () => {
    start({ maxInstances: 1 });
    const doomed = call('doomed');
    const after = call('after');
    launcher.fail(0, new FunctionExecutionError('echo', 'SyntaxError: Unexpected token'));
    await expect(doomed).rejects.toMatchObject({ errMsg: 'SyntaxError: Unexpected token' });
    expect(launcher.starts).toHaveLength(2);
    const instance = launcher.ready(1);
    await instance.invoked(1);
    instance.answer('fine');
    await expect(after).resolves.toMatchObject({ result: 'fine', coldStart: true });
  });

  it('provisions instances ahead of calls (at most the cap), which the calls then find warm', async () => {
    start({ maxInstances: 2 });
    const provisioning = runtime.provision(ENV_ID, 'echo', 5);
    expect(launcher.starts).toHaveLength(2);
    const [a, b] = [launcher.ready(0), launcher.ready(1)];
    await expect(provisioning).resolves.toBe(2);

    const calls = [call('x'), call('y')];
    for (const instance of [a, b]) {
      await instance.invoked(1);
      instance.answer(instance.id);
    }
    const results = await Promise.all(calls);
    expect(results.map((r) => r.coldStart)).toEqual([false, false]);
    expect(new Set(results.map((r) => r.result))).toEqual(new Set([a.id, b.id]));
    await expect(runtime.provision(ENV_ID, 'echo', 2)).resolves.toBe(0);
  });

  it('serves a call that was queued when the function was redeployed with the new version', async () => {
    start({ maxInstances: 1 });
    const running = call('running');
    const queued = call('queued');
    await launcher.ready(0).invoked(1);
    runtime.register({ envId: ENV_ID, name: 'echo', dir: path.join(FIXTURES, 'echo'), backendUrl: 'http://127.0.0.1:9/sdk-backend', timeoutMs: TIMEOUT_MS });

    // The old version's instance is stopped with the call it was running, as a redeploy does.
    await expect(running).rejects.toThrow('killed');
    expect(launcher.starts).toHaveLength(2);
    const fresh = launcher.ready(1);
    await fresh.invoked(1);
    fresh.answer('new version');
    await expect(queued).resolves.toMatchObject({ result: 'new version', coldStart: true, instanceId: fresh.id });
  });

  it('refuses queued calls when stopped', async () => {
    start({ maxInstances: 1 });
    const running = call('running');
    const queued = call('queued');
    const stopping = runtime.stop();
    await expect(queued).rejects.toBeInstanceOf(FunctionExecutionError);
    launcher.ready(0);
    await expect(running).rejects.toBeInstanceOf(FunctionExecutionError);
    await stopping;
  });
});

/** The same, with real processes: the point here is the processes. */
describe('FunctionRuntime under load (real processes)', () => {
  let runtime: FunctionRuntime;

  afterEach(async () => {
    await runtime.stop();
  });

  it('answers 40 overlapping cold calls with at most maxInstances processes', async () => {
    runtime = new FunctionRuntime({ clock: new ManualClock(), idleCheckIntervalMs: 0, maxInstancesPerFunction: 2 });
    runtime.register({ envId: ENV_ID, name: 'payloads', dir: path.join(FIXTURES, 'payloads'), backendUrl: 'http://127.0.0.1:9/sdk-backend' });

    const results = await Promise.all(Array.from({ length: 40 }, () => runtime.invoke({ envId: ENV_ID, name: 'payloads' })));

    expect(results).toHaveLength(40);
    expect(results.filter((r) => r.coldStart)).toHaveLength(2);
    expect(new Set(results.map((r) => (r.result as { pid: number }).pid)).size).toBe(2);
    expect(runtime.instances(ENV_ID, 'payloads')).toBe(2);
    // Every call's log says how long it queued, and the two that started an instance how long that took.
    const reports = runtime.logs(ENV_ID, 'payloads').filter((line) => line.message.startsWith('REPORT '));
    expect(reports).toHaveLength(40);
    expect(reports.filter((line) => / Init Duration: \d+\.\d ms$/.test(line.message))).toHaveLength(2);
  });

  it('ends a start that exceeds the initialisation limit, on the start’s own deadline, and frees the slot', async () => {
    const timers = new ManualTimers();
    runtime = new FunctionRuntime({ clock: new ManualClock(), timers, idleCheckIntervalMs: 0, maxInstancesPerFunction: 1, startTimeoutMs: 60_000 });
    runtime.register({ envId: ENV_ID, name: 'load-hangs', dir: path.join(FIXTURES, 'load-hangs'), backendUrl: 'http://127.0.0.1:9/sdk-backend' });

    const call = runtime.invoke({ envId: ENV_ID, name: 'load-hangs' });
    // The process is spawned and its start deadline set before invoke() returns; no time limit yet.
    expect(timers.pending).toBe(1);
    timers.advance(60_000);

    await expect(call).rejects.toMatchObject({ errCode: -504002, errMsg: expect.stringContaining('did not start within 60000 ms') });
    expect(runtime.instances(ENV_ID, 'load-hangs')).toBe(0);
  });

  it('loads the module while starting: a module that throws fails the call with its name and message, the stack in the logs', async () => {
    runtime = new FunctionRuntime({ clock: new ManualClock(), idleCheckIntervalMs: 0 });
    runtime.register({ envId: ENV_ID, name: 'load-fails', dir: path.join(FIXTURES, 'load-fails'), backendUrl: 'http://127.0.0.1:9/sdk-backend' });

    const call = runtime.invoke({ envId: ENV_ID, name: 'load-fails' });
    await expect(call).rejects.toBeInstanceOf(FunctionExecutionError);
    await expect(call).rejects.toMatchObject({ errCode: -504002, errMsg: 'ReferenceError: configuration is not defined' });
    const logs = runtime.logs(ENV_ID, 'load-fails').map((line) => line.message);
    expect(logs).toContain('loading load-fails');
    expect(logs).toContainEqual(expect.stringMatching(/^ReferenceError: configuration is not defined\n\s+at /));
    expect(runtime.instances(ENV_ID, 'load-fails')).toBe(0);
  });
});
