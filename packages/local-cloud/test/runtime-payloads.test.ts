import * as path from 'node:path';
import { ManualClock } from '@wxhub/core';
import { LocalCloud } from '../src/local-cloud';
import { callFunction, ClientCallApi } from '../src/client-api';
import { FunctionExecutionError, FunctionPayloadError, FunctionRuntime, type FunctionRegistration } from '../src/runtime';
import { FunctionInstance } from '../src/runtime/instance';
import { instanceLaunch } from '../src/runtime/instance-launch';
import { WECHAT_PAYLOAD_LIMITS } from '../src/runtime/payload-limits';
import { realTimers } from '../src/runtime/timers';

const FIXTURES = path.join(__dirname, 'fixtures', 'functions');
const ENV_ID = 'test-env-1a2b';
const BACKEND_URL = 'http://127.0.0.1:9/sdk-backend';

/** The event of issue 10 item 6: 5,000 levels of `{a: …}`, about 30 KB of JSON. */
function nested(depth: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

function fixture(name: string): FunctionRegistration {
  return { envId: ENV_ID, name, dir: path.join(FIXTURES, name), backendUrl: BACKEND_URL };
}

describe('events and results bounded like WeChat’s (issue 10 item 6)', () => {
  let runtime: FunctionRuntime;

  beforeEach(() => {
    runtime = new FunctionRuntime({ clock: new ManualClock(), idleCheckIntervalMs: 0 });
    runtime.register(fixture('payloads'));
  });
  afterEach(async () => {
    await runtime.stop();
  });

  it('refuses a 5,000-level event with -501007 before any instance is taken, and the next call is served warm', async () => {
    const warm = await runtime.invoke({ envId: ENV_ID, name: 'payloads' });

    const refusal = runtime.invoke({ envId: ENV_ID, name: 'payloads', event: nested(5000) });
    await expect(refusal).rejects.toBeInstanceOf(FunctionPayloadError);
    await expect(refusal).rejects.toMatchObject({ errCode: -501007, errMsg: expect.stringContaining('nested deeper than 100 levels') });
    await expect(refusal).rejects.not.toMatchObject({ message: expect.stringMatching(/\n\s+at |call stack/) });

    const next = await runtime.invoke({ envId: ENV_ID, name: 'payloads' });
    expect(next).toMatchObject({ coldStart: false, instanceId: warm.instanceId });
    expect(runtime.instances(ENV_ID, 'payloads')).toBe(1);
  });

  it('takes an event exactly at the depth limit, refuses one level more, and refuses a cycle', async () => {
    await expect(runtime.invoke({ envId: ENV_ID, name: 'payloads', event: nested(WECHAT_PAYLOAD_LIMITS.maxDepth) })).resolves.toBeDefined();
    await expect(runtime.invoke({ envId: ENV_ID, name: 'payloads', event: nested(WECHAT_PAYLOAD_LIMITS.maxDepth + 1) })).rejects.toBeInstanceOf(
      FunctionPayloadError,
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await expect(runtime.invoke({ envId: ENV_ID, name: 'payloads', event: cycle })).rejects.toBeInstanceOf(FunctionPayloadError);
  });

  it('refuses an event over 6 MB of JSON, counting bytes not characters', async () => {
    // 2.1 M three-byte characters: under 6 M characters, over 6 MB.
    const event = { text: '中'.repeat(2_100_000) };
    await expect(runtime.invoke({ envId: ENV_ID, name: 'payloads', event })).rejects.toMatchObject({
      errCode: -501007,
      errMsg: expect.stringMatching(/bytes of JSON, more than the 6291456 allowed/),
    });
    expect(runtime.instances(ENV_ID, 'payloads')).toBe(0);
  });

  it('fails a result nested too deep (-504002) and keeps the instance serving', async () => {
    const first = runtime.invoke({ envId: ENV_ID, name: 'payloads', event: { depth: 500 } });
    await expect(first).rejects.toBeInstanceOf(FunctionExecutionError);
    await expect(first).rejects.toMatchObject({ errMsg: expect.stringContaining('the result is nested deeper than 100 levels') });
    await expect(runtime.invoke({ envId: ENV_ID, name: 'payloads' })).resolves.toMatchObject({ coldStart: false });
  });

  it('fails a result larger than the limit in the instance, before it crosses the channel', async () => {
    await runtime.stop();
    runtime = new FunctionRuntime({ clock: new ManualClock(), idleCheckIntervalMs: 0, payloadLimits: { maxBytes: 1000, maxDepth: 10 } });
    runtime.register(fixture('payloads'));
    await expect(runtime.invoke({ envId: ENV_ID, name: 'payloads', event: { bytes: 998 } })).resolves.toMatchObject({ result: 'x'.repeat(998) });
    await expect(runtime.invoke({ envId: ENV_ID, name: 'payloads', event: { bytes: 999 } })).rejects.toMatchObject({
      errCode: -504002,
      errMsg: expect.stringContaining('the result is 1001 bytes of JSON, more than the 1000 allowed'),
    });
  });
});

describe('an instance whose send fails', () => {
  it('fails that invocation with a typed error and is free again at once', async () => {
    const instance = await FunctionInstance.start({
      id: 'payloads#1',
      functionName: 'payloads',
      launch: instanceLaunch(
        { envId: ENV_ID, dir: path.join(FIXTURES, 'payloads'), backendUrl: BACKEND_URL },
        { nodeBinary: process.execPath, initTimeoutMs: 60_000, resultLimits: WECHAT_PAYLOAD_LIMITS },
      ),
      timers: realTimers,
      onLog: () => undefined,
    });
    try {
      const context = {} as Parameters<FunctionInstance['invoke']>[0]['context'];
      // What the runtime's own check now refuses earlier: an event the IPC serialiser cannot take.
      const failed = instance.invoke({ requestId: 'r1', event: { big: 1n }, context, env: {} });
      await expect(failed).rejects.toBeInstanceOf(FunctionExecutionError);
      await expect(failed).rejects.toMatchObject({ errMsg: expect.stringContaining('could not reach the instance') });
      expect(instance.busy).toBe(false);
      await expect(instance.invoke({ requestId: 'r2', event: {}, context, env: {} })).resolves.toMatchObject({ pid: instance.pid });
    } finally {
      await instance.kill();
    }
  });
});

describe('the client-call endpoint with a hostile event', () => {
  let cloud: LocalCloud;
  const APP = { name: 'A', appid: 'wxpayload00000001', secret: 's'.repeat(32), envId: 'payload-env-1a2b' };

  beforeAll(async () => {
    cloud = await LocalCloud.start({ apps: [APP], runtime: { idleCheckIntervalMs: 0 } });
    cloud.mount(new ClientCallApi({ apps: cloud.apps, runtime: cloud.functions }).service);
    cloud.functions.register({ envId: APP.envId, name: 'payloads', dir: path.join(FIXTURES, 'payloads'), backendUrl: cloud.sdkBackendUrl });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('answers a 5,000-level event with a parameter error, not HTTP 500, and the function keeps answering', async () => {
    // Written out by hand: JSON.stringify in this process would overflow on it, as the server once did.
    const body = `{"app":"A","name":"payloads","data":{"deep":${'{"a":'.repeat(4999)}{}${'}'.repeat(4999)}}}`;
    expect(body.length).toBeGreaterThan(30_000);
    const response = await fetch(`${cloud.url}${ClientCallApi.PREFIX}/callFunction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ errCode: -404011, errMsg: expect.stringMatching(/-501007.*nested deeper than 100 levels/) });
    expect(text).not.toMatch(/call stack|\\n\s+at /);
    const replies = await Promise.all(Array.from({ length: 3 }, () => callFunction(cloud.url, { app: 'A', name: 'payloads', data: {} })));
    expect(replies.every((reply) => typeof (reply.result as { pid?: unknown }).pid === 'number')).toBe(true);
  });
});
