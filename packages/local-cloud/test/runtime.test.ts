import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ManualClock } from '@wxhub/core';
import { FunctionExecutionError, FunctionNotFoundError, FunctionRuntime, FunctionTimeoutError, type FunctionRegistration } from '../src/runtime';

const FIXTURES = path.join(__dirname, 'fixtures', 'functions');
const ENV_ID = 'test-env-1a2b';
// getWXContext() reads only the process environment; nothing is sent to the backend here.
const BACKEND_URL = 'http://127.0.0.1:9/sdk-backend';

interface EchoResult {
  pid: number;
  node: string;
  marker: string;
  openid?: string;
  appid?: string;
  env?: string;
  triggerSrc?: string;
  custom?: string;
  context: { request_id: string; function_name: string; namespace: string; time_limit_in_ms: number; environment: string };
}

function fixture(name: string, extra: Partial<FunctionRegistration> = {}): FunctionRegistration {
  return { envId: ENV_ID, name, dir: path.join(FIXTURES, name), backendUrl: BACKEND_URL, ...extra };
}

/** Holds the requests it gets until opened; `arrived` resolves once `size` are held. */
async function startGate(size: number): Promise<{ url: string; arrived: Promise<void>; open: () => void; close: () => Promise<void> }> {
  const held: http.ServerResponse[] = [];
  let opened = false;
  let allArrived: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));
  const server = http.createServer((_req, res) => {
    if (opened) return void res.end('open');
    held.push(res);
    if (held.length === size) allArrived();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/gate`,
    arrived,
    open: () => {
      opened = true;
      for (const res of held.splice(0)) res.end('open');
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('FunctionRuntime', () => {
  let clock: ManualClock;
  let runtime: FunctionRuntime;

  beforeEach(() => {
    clock = new ManualClock();
    runtime = new FunctionRuntime({ clock, idleTimeoutMs: 60_000, idleCheckIntervalMs: 0 });
  });

  afterEach(async () => {
    await runtime.stop();
  });

  it('starts an instance on the first call and reuses it warm for the next', async () => {
    runtime.register(fixture('echo'));

    const first = await runtime.invoke({ envId: ENV_ID, name: 'echo', event: { marker: 'one' } });
    const second = await runtime.invoke({ envId: ENV_ID, name: 'echo', event: { marker: 'two' } });

    expect(first.coldStart).toBe(true);
    expect(second.coldStart).toBe(false);
    expect(second.instanceId).toBe(first.instanceId);
    expect((second.result as EchoResult).pid).toBe((first.result as EchoResult).pid);
    expect((first.result as EchoResult).pid).not.toBe(process.pid);
    expect((second.result as EchoResult).marker).toBe('two');
    expect(runtime.instances(ENV_ID, 'echo')).toBe(1);
  });

  it('passes a WeChat-like context to main', async () => {
    runtime.register(fixture('echo', { timeoutMs: 4500 }));

    const { result, requestId } = await runtime.invoke({
      envId: ENV_ID,
      name: 'echo',
      event: { marker: 'ctx' },
      caller: { openid: 'o-ctx', appid: 'wx-ctx' },
    });

    const { context } = result as EchoResult;
    expect(context.request_id).toBe(requestId);
    expect(context.function_name).toBe('echo');
    expect(context.namespace).toBe(ENV_ID);
    expect(context.time_limit_in_ms).toBe(4500);
    expect(JSON.parse(context.environment)).toMatchObject({ WX_OPENID: 'o-ctx', WX_APPID: 'wx-ctx', TCB_ENV: ENV_ID });
  });

  it("gives getWXContext() the invocation's caller, and nothing of it to the next one", async () => {
    runtime.register(fixture('echo'));

    const alice = await runtime.invoke({
      envId: ENV_ID,
      name: 'echo',
      caller: { openid: 'o-alice', appid: 'wx-app-a', source: 'wx_client' },
    });
    const server = await runtime.invoke({ envId: ENV_ID, name: 'echo' });

    expect(alice.result).toMatchObject({ openid: 'o-alice', appid: 'wx-app-a', env: ENV_ID });
    expect(server.instanceId).toBe(alice.instanceId);
    expect((server.result as EchoResult).openid).toBeUndefined();
    expect((server.result as EchoResult).appid).toBeUndefined();
  });

  it('runs overlapping calls in separate instances, each with its own caller', async () => {
    runtime.register(fixture('echo'));
    const gate = await startGate(2);
    try {
      const calls = Promise.all([
        runtime.invoke({ envId: ENV_ID, name: 'echo', event: { marker: 'a', gateUrl: gate.url }, caller: { openid: 'o-a', appid: 'wx-a' } }),
        runtime.invoke({ envId: ENV_ID, name: 'echo', event: { marker: 'b', gateUrl: gate.url }, caller: { openid: 'o-b', appid: 'wx-b' } }),
      ]);
      // Both are inside main at the same time before either may finish.
      await gate.arrived;
      expect(runtime.instances(ENV_ID, 'echo')).toBe(2);
      gate.open();
      const [a, b] = await calls;

      expect(a.instanceId).not.toBe(b.instanceId);
      expect((a.result as EchoResult).pid).not.toBe((b.result as EchoResult).pid);
      expect(a.result).toMatchObject({ marker: 'a', openid: 'o-a', appid: 'wx-a' });
      expect(b.result).toMatchObject({ marker: 'b', openid: 'o-b', appid: 'wx-b' });
      expect([a.coldStart, b.coldStart]).toEqual([true, true]);
    } finally {
      await gate.close();
    }
  });

  it('makes calls beyond maxInstancesPerFunction wait for a free instance', async () => {
    await runtime.stop();
    runtime = new FunctionRuntime({ clock, maxInstancesPerFunction: 1, idleCheckIntervalMs: 0 });
    runtime.register(fixture('echo'));

    const results = await Promise.all(['x', 'y', 'z'].map((marker) => runtime.invoke({ envId: ENV_ID, name: 'echo', event: { marker } })));

    expect(results.map((r) => (r.result as EchoResult).marker)).toEqual(['x', 'y', 'z']);
    expect(new Set(results.map((r) => r.instanceId)).size).toBe(1);
    expect(results.filter((r) => r.coldStart)).toHaveLength(1);
  });

  it('passes function and per-invocation environment variables', async () => {
    runtime.register(fixture('echo', { env: { ECHO_CUSTOM: 'from-registration' } }));

    const timer = await runtime.invoke({ envId: ENV_ID, name: 'echo', env: { TRIGGER_SRC: 'timer' } });
    const plain = await runtime.invoke({ envId: ENV_ID, name: 'echo' });

    expect(timer.result).toMatchObject({ custom: 'from-registration', triggerSrc: 'timer' });
    expect((plain.result as EchoResult).triggerSrc).toBeUndefined();
    expect((plain.result as EchoResult).custom).toBe('from-registration');
  });

  it('turns a thrown error into FunctionExecutionError without the stack, and keeps the stack in the logs', async () => {
    runtime.register(fixture('throws'));

    const error = await runtime.invoke({ envId: ENV_ID, name: 'throws', event: { marker: 'm-42' } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FunctionExecutionError);
    const failure = error as FunctionExecutionError;
    expect(failure.errCode).toBe(-504002);
    expect(failure.errMsg).toBe('RangeError: no such item m-42');
    expect(failure.message).toBe('errCode: -504002 functions execute fail | errMsg: RangeError: no such item m-42');
    expect(failure.message).not.toContain('index.js');
    expect(failure.requestId).toBeDefined();

    const logs = runtime.logs(ENV_ID, 'throws', failure.requestId);
    expect(logs.some((l) => l.level === 'log' && l.message === 'about to fail m-42')).toBe(true);
    expect(logs.some((l) => l.level === 'error' && l.message.includes(path.join('throws', 'index.js')))).toBe(true);
    // A handler error does not end the instance.
    expect(runtime.instances(ENV_ID, 'throws')).toBe(1);
  });

  it('kills the instance at the time limit from config.json and says so (-504003)', async () => {
    runtime.register(fixture('hangs'));

    const error = await runtime.invoke({ envId: ENV_ID, name: 'hangs' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FunctionTimeoutError);
    const timeout = error as FunctionTimeoutError;
    expect(timeout.errCode).toBe(-504003);
    expect(timeout.timeoutMs).toBe(300);
    expect(timeout.errMsg).toBe('Invoking task timed out after 0.3 seconds');
    expect(runtime.instances(ENV_ID, 'hangs')).toBe(0);
    const line = runtime.logs(ENV_ID, 'hangs', timeout.requestId).find((l) => l.message.startsWith('hanging in '));
    expect(line).toBeDefined();
    expect(isGone(Number(line?.message.slice('hanging in '.length)))).toBe(true);
  });

  it('lets the registration override the time limit of config.json', async () => {
    runtime.register(fixture('hangs', { timeoutMs: 150 }));

    await expect(runtime.invoke({ envId: ENV_ID, name: 'hangs' })).rejects.toMatchObject({ timeoutMs: 150 });
  });

  it('fails the invocation with the uncaught error and replaces the instance it took down', async () => {
    runtime.register(fixture('crashes'));

    const error = await runtime.invoke({ envId: ENV_ID, name: 'crashes', event: { marker: 'c1' } }).catch((e: unknown) => e);
    const next = await runtime.invoke({ envId: ENV_ID, name: 'crashes', event: { marker: 'c2' } }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FunctionExecutionError);
    expect((error as FunctionExecutionError).errMsg).toBe('Error: uncaught c1');
    expect(next).toBeInstanceOf(FunctionExecutionError);
    expect((next as FunctionExecutionError).errMsg).toBe('Error: uncaught c2');
  });

  it('keeps each invocation’s console output under its request id', async () => {
    runtime.register(fixture('echo'));

    const one = await runtime.invoke({ envId: ENV_ID, name: 'echo', event: { marker: 'first' } });
    const two = await runtime.invoke({ envId: ENV_ID, name: 'echo', event: { marker: 'second' } });

    const printed = (requestId: string): string[] =>
      runtime
        .logs(ENV_ID, 'echo', requestId)
        .filter((l) => l.level === 'log')
        .map((l) => l.message);
    expect(printed(one.requestId)).toEqual(['echo first']);
    expect(printed(two.requestId)).toEqual(['echo second']);
    expect(runtime.logs(ENV_ID, 'echo').every((l) => l.instanceId === one.instanceId)).toBe(true);
  });

  it('bounds the logs kept per function', async () => {
    await runtime.stop();
    runtime = new FunctionRuntime({ clock, logLimitPerFunction: 5, idleCheckIntervalMs: 0 });
    runtime.register(fixture('echo'));

    let last = '';
    for (const marker of ['1', '2', '3', '4']) {
      last = (await runtime.invoke({ envId: ENV_ID, name: 'echo', event: { marker } })).requestId;
    }

    const logs = runtime.logs(ENV_ID, 'echo');
    expect(logs).toHaveLength(5);
    expect(logs[logs.length - 1]?.requestId).toBe(last);
    expect(logs.some((l) => l.message === 'echo 1')).toBe(false);
  });

  it('retires instances idle for idleTimeoutMs of clock time', async () => {
    runtime.register(fixture('echo'));
    const first = await runtime.invoke({ envId: ENV_ID, name: 'echo' });

    clock.advance(59_999);
    expect(await runtime.retireIdle()).toBe(0);
    expect(runtime.instances(ENV_ID, 'echo')).toBe(1);

    clock.advance(1);
    expect(await runtime.retireIdle()).toBe(1);
    expect(runtime.instances(ENV_ID, 'echo')).toBe(0);
    expect(isGone((first.result as EchoResult).pid)).toBe(true);

    const again = await runtime.invoke({ envId: ENV_ID, name: 'echo' });
    expect(again.coldStart).toBe(true);
  });

  it('does not retire a busy instance', async () => {
    runtime.register(fixture('echo'));
    const gate = await startGate(1);
    try {
      const call = runtime.invoke({ envId: ENV_ID, name: 'echo', event: { gateUrl: gate.url } });
      await gate.arrived;
      clock.advance(10 * 60_000);
      expect(await runtime.retireIdle()).toBe(0);
      gate.open();
      await expect(call).resolves.toMatchObject({ coldStart: true });
    } finally {
      await gate.close();
    }
  });

  it('replaces a function registered again, and stop() ends every instance', async () => {
    runtime.register(fixture('echo'));
    const before = await runtime.invoke({ envId: ENV_ID, name: 'echo' });
    runtime.register(fixture('echo', { env: { ECHO_CUSTOM: 'v2' } }));
    const after = await runtime.invoke({ envId: ENV_ID, name: 'echo' });

    expect(after.coldStart).toBe(true);
    expect((after.result as EchoResult).custom).toBe('v2');
    expect((after.result as EchoResult).pid).not.toBe((before.result as EchoResult).pid);

    await runtime.stop();
    expect(isGone((before.result as EchoResult).pid)).toBe(true);
    expect(isGone((after.result as EchoResult).pid)).toBe(true);
    await expect(runtime.invoke({ envId: ENV_ID, name: 'echo' })).rejects.toBeInstanceOf(FunctionExecutionError);
  });

  it('answers an unknown function with FunctionNotFoundError', async () => {
    await expect(runtime.invoke({ envId: ENV_ID, name: 'nope' })).rejects.toBeInstanceOf(FunctionNotFoundError);
    await expect(runtime.invoke({ envId: ENV_ID, name: 'nope' })).rejects.toMatchObject({ errCode: -501000 });
  });

  it('reports an instance that cannot start as FunctionExecutionError', async () => {
    runtime.register(fixture('echo', { nodeBinary: path.join(FIXTURES, 'no-such-node') }));

    await expect(runtime.invoke({ envId: ENV_ID, name: 'echo' })).rejects.toBeInstanceOf(FunctionExecutionError);
    expect(runtime.instances(ENV_ID, 'echo')).toBe(0);
  });
});
