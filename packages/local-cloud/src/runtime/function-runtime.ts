import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { ConfigError, systemClock, type Clock } from '@wxhub/core';
import type { CallerIdentity } from '../sdk-backend/sdk-env';
import { CloudFunctionError, FunctionExecutionError, FunctionNotFoundError, FunctionPayloadError, FunctionTimeoutError } from './errors';
import { readFunctionConfig } from './function-config';
import { FunctionLogs, type FunctionLogEntry } from './function-logs';
import { FunctionInstance, type InstanceSpec, type Invocation } from './instance';
import { contextVariables, invocationEnv } from './instance-env';
import { instanceLaunch, type InstanceLaunch } from './instance-launch';
import { InstancePool, type Lease, type PooledInstance } from './instance-pool';
import { measurePayload, WECHAT_PAYLOAD_LIMITS, type PayloadLimits } from './payload-limits';
import type { FunctionContext } from './protocol';
import { realTimers, type RuntimeTimers } from './timers';

/** WeChat's default cloud function timeout. */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 3000;

export interface FunctionRuntimeOptions {
  /** "Now" for idle retirement and log times; tests pass a ManualClock and call retireIdle(). */
  readonly clock?: Clock;
  /** The Node binary of functions that name none; the local cloud's own by default. */
  readonly nodeBinary?: string;
  /** NODE_PATH of instances, where bundles find wx-server-sdk; by default the installation this package resolves. */
  readonly nodePath?: string;
  /** Time limit of functions whose registration and config.json set none (WeChat: 3 s). */
  readonly timeoutMs?: number;
  /** An instance idle this long (clock time) is retired. UNCERTAIN on WeChat; 10 minutes here. */
  readonly idleTimeoutMs?: number;
  /** Real-time period of the idle sweep; 0 turns it off (retireIdle() still works). */
  readonly idleCheckIntervalMs?: number;
  /**
   * Instances per function; calls beyond wait in a queue for one to come free. By default the
   * machine's available parallelism (at least 2): each cold start is a CPU-bound Node process,
   * and more of them at once than cores only makes every one of them slower.
   */
  readonly maxInstancesPerFunction?: number;
  /**
   * Calls per function that may wait for an instance; one more is refused at once with
   * FunctionConcurrencyError, as WeChat refuses calls beyond a function's concurrency (1000).
   */
  readonly maxQueuedPerFunction?: number;
  /** Log lines kept per function (oldest dropped first). */
  readonly logLimitPerFunction?: number;
  /** context.memory_limit_in_mb (informational: the limit is not enforced). */
  readonly memoryMb?: number;
  /**
   * The initialisation limit: how long an instance may take to start (process spawn and module
   * load). Separate from, and not counted in, the function's time limit. UNCERTAIN on WeChat; 60 s.
   */
  readonly startTimeoutMs?: number;
  /** How large and deeply nested events and results may be (WeChat's: 6 MB, 100 levels). */
  readonly payloadLimits?: PayloadLimits;
  /** Elapsed time and deadlines (queueing, starts, time limits); tests pass ManualTimers. */
  readonly timers?: RuntimeTimers;
  /** Starts an instance; FunctionInstance.start (a child process) unless a test stands in. */
  readonly startInstance?: (spec: InstanceSpec) => Promise<PooledInstance>;
}

export interface FunctionRegistration {
  readonly envId: string;
  readonly name: string;
  /** The built function: index.js (+ config.json). */
  readonly dir: string;
  /** The module to load when it is not `<dir>/index.js` (package.json's `main`). */
  readonly entry?: string;
  /** The local cloud's SDK backend URL, for wx-server-sdk inside the function. */
  readonly backendUrl: string;
  /** The function's environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeBinary?: string;
  /**
   * NODE_PATH of this function's instances, replacing the runtime's: a WeChat project's function
   * gets its own root and node_modules (as SCF sets it), so it runs on its own wx-server-sdk.
   */
  readonly nodePath?: string;
  /** Modules loaded with `--require` before the function (e.g. the fixed-host router of old SDKs). */
  readonly preload?: readonly string[];
  /** Overrides config.json's `timeout` and the runtime default. */
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
}

export interface InvokeOptions {
  readonly envId: string;
  readonly name: string;
  readonly event?: unknown;
  /** Who calls: what getWXContext() returns inside the function. None for server-side calls. */
  readonly caller?: CallerIdentity;
  /** Variables for this invocation only, e.g. `{ TRIGGER_SRC: 'timer' }`. */
  readonly env?: Readonly<Record<string, string>>;
  /** A tighter time limit set by the trigger (WeChat's HTTP API gives functions 5 s at most). */
  readonly maxTimeoutMs?: number;
}

export interface InvokeResult {
  /** What `main` returned, through JSON (undefined becomes null). */
  readonly result: unknown;
  readonly requestId: string;
  /** True when this call started a new instance. */
  readonly coldStart: boolean;
  /** Wall time from the call to the result: queuedMs + initMs + executionMs and the runtime's own. */
  readonly durationMs: number;
  /** Time the call waited for an instance (all busy, the function at its instance cap). */
  readonly queuedMs: number;
  /** Time the instance this call started took to come up (0 when warm). */
  readonly initMs: number;
  /** Time from handing the event to the instance to its result: what the time limit counts. */
  readonly executionMs: number;
  readonly instanceId: string;
}

export interface FunctionDescription {
  readonly dir: string;
  readonly nodeBinary: string;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly instances: { readonly total: number; readonly busy: number; readonly idle: number; readonly starting: number };
}

interface RegisteredFunction {
  readonly registration: FunctionRegistration;
  readonly launch: InstanceLaunch;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly pool: InstancePool;
}

/** Instances per function by default: the cores available, at least 2 (so calls can overlap). */
export function defaultInstanceCap(): number {
  return Math.max(2, availableParallelism());
}

/** WeChat's concurrency limit per function: calls beyond are refused, not queued. */
export const DEFAULT_MAX_QUEUED_PER_FUNCTION = 1000;

/**
 * Runs cloud functions as WeChat does: each function in instances of its own (child processes
 * on the Node version of choice), cold start on the first call, warm reuse after, one call per
 * instance at a time, a time limit that kills the instance, idle instances retired.
 */
export class FunctionRuntime {
  private readonly clock: Clock;
  private readonly timers: RuntimeTimers;
  private readonly startInstance: (spec: InstanceSpec) => Promise<PooledInstance>;
  private readonly settings: Required<Omit<FunctionRuntimeOptions, 'clock' | 'nodePath' | 'timers' | 'startInstance'>> & { nodePath?: string };
  private readonly functions = new Map<string, RegisteredFunction>();
  private readonly logStore: FunctionLogs;
  private readonly closing = new Set<Promise<void>>();
  private readonly sweep: NodeJS.Timeout | undefined;
  private nextInstance = 1;
  private stopped = false;

  constructor(options: FunctionRuntimeOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? realTimers;
    this.startInstance = options.startInstance ?? ((spec) => FunctionInstance.start(spec));
    this.settings = {
      nodeBinary: options.nodeBinary ?? process.execPath,
      nodePath: options.nodePath ?? defaultNodePath(),
      timeoutMs: options.timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS,
      idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60_000,
      idleCheckIntervalMs: options.idleCheckIntervalMs ?? 30_000,
      maxInstancesPerFunction: options.maxInstancesPerFunction ?? defaultInstanceCap(),
      maxQueuedPerFunction: options.maxQueuedPerFunction ?? DEFAULT_MAX_QUEUED_PER_FUNCTION,
      logLimitPerFunction: options.logLimitPerFunction ?? 1000,
      memoryMb: options.memoryMb ?? 256,
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
      payloadLimits: options.payloadLimits ?? WECHAT_PAYLOAD_LIMITS,
    };
    this.logStore = new FunctionLogs(this.settings.logLimitPerFunction);
    if (this.settings.idleCheckIntervalMs > 0) {
      this.sweep = setInterval(() => void this.retireIdle(), this.settings.idleCheckIntervalMs);
      this.sweep.unref();
    }
  }

  /** Deploys a built function; registering a name again replaces it (its instances are stopped). */
  register(registration: FunctionRegistration): void {
    const bundlePath = path.resolve(registration.dir, registration.entry ?? 'index.js');
    if (!existsSync(bundlePath)) throw new ConfigError(`function ${registration.name} dir`, `${bundlePath} does not exist`);
    if (registration.backendUrl.includes('?')) {
      throw new ConfigError(`function ${registration.name} backendUrl`, 'must not contain "?" (the SDK appends its own query)');
    }
    const config = readFunctionConfig(registration.dir);
    const key = functionKey(registration.envId, registration.name);
    const launch = instanceLaunch(registration, {
      nodeBinary: this.settings.nodeBinary,
      nodePath: this.settings.nodePath,
      initTimeoutMs: this.settings.startTimeoutMs,
      resultLimits: this.settings.payloadLimits,
    });
    const pool = new InstancePool({
      functionName: registration.name,
      maxInstances: this.settings.maxInstancesPerFunction,
      maxQueued: this.settings.maxQueuedPerFunction,
      now: () => this.clock.now(),
      elapsed: () => this.timers.now(),
      spawn: () => {
        const id = `${registration.name}#${this.nextInstance++}`;
        return this.startInstance({
          id,
          functionName: registration.name,
          launch,
          timers: this.timers,
          onLog: (requestId, level, message) => this.logStore.add(key, { requestId, instanceId: id, level, message, at: this.clock.now() }),
        });
      },
    });
    const previous = this.functions.get(key);
    if (previous) this.track(previous.pool.close());
    this.functions.set(key, {
      registration,
      launch,
      timeoutMs: registration.timeoutMs ?? (config.timeoutSeconds !== undefined ? config.timeoutSeconds * 1000 : this.settings.timeoutMs),
      memoryMb: registration.memoryMb ?? this.settings.memoryMb,
      pool,
    });
  }

  has(envId: string, name: string): boolean {
    return this.functions.has(functionKey(envId, name));
  }

  /**
   * Calls a function; rejects with a CloudFunctionError (FunctionExecutionError,
   * FunctionTimeoutError, FunctionNotFoundError, FunctionPayloadError, FunctionConcurrencyError).
   * The time limit counts from the moment the instance receives the event: waiting for an
   * instance and starting one are the platform's time, reported apart (queuedMs, initMs).
   */
  async invoke(options: InvokeOptions): Promise<InvokeResult> {
    const fn = this.functions.get(functionKey(options.envId, options.name));
    if (this.stopped) throw new FunctionExecutionError(options.name, 'the function runtime is stopped');
    if (!fn) throw new FunctionNotFoundError(options.name, options.envId);
    const { registration } = fn;
    // Before any instance is taken: a refused event holds nothing and runs nothing.
    const event = options.event ?? {};
    const measured = measurePayload(event, this.settings.payloadLimits);
    if ('problem' in measured) throw new FunctionPayloadError(registration.name, measured.problem);
    const key = functionKey(options.envId, options.name);
    const requestId = randomUUID();
    const calledAt = this.timers.now();
    const patch = invocationEnv({
      backendUrl: registration.backendUrl,
      envId: registration.envId,
      caller: options.caller,
      extra: options.env,
    });
    const variables = contextVariables(fn.launch.env, patch);
    const timeoutMs = Math.min(fn.timeoutMs, options.maxTimeoutMs ?? Number.POSITIVE_INFINITY);
    const context: FunctionContext = {
      callbackWaitsForEmptyEventLoop: true,
      memory_limit_in_mb: fn.memoryMb,
      time_limit_in_ms: timeoutMs,
      request_id: requestId,
      environ: Object.entries(variables)
        .map(([name, value]) => `${name}=${value}`)
        .join(';'),
      environment: JSON.stringify(variables),
      function_version: '$LATEST',
      function_name: registration.name,
      namespace: registration.envId,
    };

    let lease: Lease;
    try {
      lease = await fn.pool.acquire();
    } catch (error) {
      // Redeployed while this call waited (the dev server rebuilds on save): the new version serves it.
      const current = this.functions.get(key);
      if (fn.pool.isClosed && !this.stopped && current !== undefined && current !== fn) return this.invoke(options);
      this.logStore.add(key, {
        requestId,
        instanceId: '',
        level: 'runtime',
        message: `REFUSED RequestId: ${requestId} ${describe(error)}`,
        at: this.clock.now(),
      });
      throw error instanceof CloudFunctionError ? error : new FunctionExecutionError(registration.name, describe(error), requestId);
    }
    const { instance } = lease;
    const note = (message: string): void => this.logStore.add(key, { requestId, instanceId: instance.id, level: 'runtime', message, at: this.clock.now() });
    const waited = `Queued: ${lease.queuedMs.toFixed(1)} ms${lease.coldStart ? ` Init Duration: ${lease.initMs.toFixed(1)} ms` : ''}`;
    note(`START RequestId: ${requestId}${lease.coldStart ? ' (cold start)' : ''}`);
    const executionStart = this.timers.now();
    try {
      const result = await this.execute(instance, { requestId, event, context, env: patch }, timeoutMs, registration.name, note);
      const executionMs = this.timers.now() - executionStart;
      note(`END RequestId: ${requestId}`);
      note(`REPORT RequestId: ${requestId} Duration: ${executionMs.toFixed(1)} ms ${waited}`);
      return {
        result,
        requestId,
        coldStart: lease.coldStart,
        durationMs: this.timers.now() - calledAt,
        queuedMs: lease.queuedMs,
        initMs: lease.initMs,
        executionMs,
        instanceId: instance.id,
      };
    } catch (error) {
      const executionMs = this.timers.now() - executionStart;
      note(`END RequestId: ${requestId} failed: ${describe(error)}`);
      note(`REPORT RequestId: ${requestId} Duration: ${executionMs.toFixed(1)} ms ${waited}`);
      throw error;
    } finally {
      fn.pool.release(instance);
    }
  }

  /** The deployed functions of every environment (or of one). */
  list(envId?: string): Array<{ readonly envId: string; readonly name: string }> {
    return [...this.functions.values()]
      .map(({ registration }) => ({ envId: registration.envId, name: registration.name }))
      .filter((fn) => envId === undefined || fn.envId === envId);
  }

  /** How a deployed function runs (for the admin API); undefined when it is not deployed. */
  describe(envId: string, name: string): FunctionDescription | undefined {
    const fn = this.functions.get(functionKey(envId, name));
    if (!fn) return undefined;
    return {
      dir: fn.registration.dir,
      nodeBinary: fn.registration.nodeBinary ?? this.settings.nodeBinary,
      timeoutMs: fn.timeoutMs,
      memoryMb: fn.memoryMb,
      instances: { total: fn.pool.size, ...fn.pool.counts },
    };
  }

  /** Each log line of any function as it arrives; returns the unsubscribe. */
  onLog(listener: (envId: string, name: string, entry: FunctionLogEntry) => void): () => void {
    return this.logStore.subscribe((key, entry) => {
      const slash = key.indexOf('/');
      listener(key.slice(0, slash), key.slice(slash + 1), entry);
    });
  }

  /**
   * Hands the invocation to the instance and holds it to `timeoutMs` from that moment. At the
   * limit the instance is killed, and the caller hears of the timeout once it is gone, so it is
   * never reused.
   */
  private execute(
    instance: PooledInstance,
    invocation: Invocation,
    timeoutMs: number,
    functionName: string,
    note: (message: string) => void,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const cancel = this.timers.schedule(timeoutMs, () => {
        if (settled) return;
        settled = true;
        note(`Invoking task timed out after ${timeoutMs / 1000} seconds`);
        void instance.kill().then(() => reject(new FunctionTimeoutError(functionName, timeoutMs, invocation.requestId)));
      });
      instance.invoke(invocation).then(
        (result) => {
          if (settled) return;
          settled = true;
          cancel();
          resolve(result);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          cancel();
          reject(error instanceof Error ? error : new FunctionExecutionError(functionName, describe(error), invocation.requestId));
        },
      );
    });
  }

  /** How many instances the function has (starting, busy or idle). */
  instances(envId: string, name: string): number {
    return this.functions.get(functionKey(envId, name))?.pool.size ?? 0;
  }

  /**
   * Starts instances of a function until it has `count` (at most its instance cap), so calls
   * find them warm: SCF's provisioned concurrency. Resolves with how many were started.
   */
  /**
   * One warm instance of the function, started in the background (the dev loop does this at start
   * and after each redeploy). A failure to start is left for the next call to report, as that call
   * would have hit it anyway; resolves with whether one was started.
   */
  async prewarm(envId: string, name: string): Promise<boolean> {
    if (this.stopped || !this.functions.has(functionKey(envId, name))) return false;
    return this.provision(envId, name, 1).then(
      (started) => started > 0,
      () => false,
    );
  }

  async provision(envId: string, name: string, count: number): Promise<number> {
    const fn = this.functions.get(functionKey(envId, name));
    if (!fn) throw new FunctionNotFoundError(name, envId);
    return fn.pool.provision(count);
  }

  /** How many calls of the function wait for an instance. */
  queued(envId: string, name: string): number {
    return this.functions.get(functionKey(envId, name))?.pool.queued ?? 0;
  }

  /** The function's captured output, oldest first; only one invocation's with `requestId`. */
  logs(envId: string, name: string, requestId?: string): readonly FunctionLogEntry[] {
    return this.logStore.read(functionKey(envId, name), requestId);
  }

  /** Stops instances idle for idleTimeoutMs or longer (clock time); returns how many. */
  async retireIdle(): Promise<number> {
    const counts = await Promise.all([...this.functions.values()].map((fn) => fn.pool.retireIdle(this.settings.idleTimeoutMs)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** Stops every instance; later calls fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    for (const fn of this.functions.values()) this.track(fn.pool.close());
    while (this.closing.size > 0) await Promise.all([...this.closing]);
  }

  private track(closing: Promise<void>): void {
    const tracked = closing.finally(() => this.closing.delete(tracked));
    this.closing.add(tracked);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function functionKey(envId: string, name: string): string {
  return `${envId}/${name}`;
}

/**
 * The node_modules folder holding the wx-server-sdk this package resolves (in a pnpm workspace,
 * `.pnpm/wx-server-sdk@<v>/node_modules`, where its own dependencies sit beside it).
 */
export function defaultNodePath(): string | undefined {
  try {
    return path.dirname(path.dirname(require.resolve('wx-server-sdk/package.json')));
  } catch {
    return undefined;
  }
}
