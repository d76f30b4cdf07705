import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigError, systemClock, type Clock } from '@wxhub/core';
import type { CallerIdentity } from '../sdk-backend/sdk-env';
import { CloudFunctionError, FunctionExecutionError, FunctionNotFoundError } from './errors';
import { readFunctionConfig } from './function-config';
import { FunctionLogs, type FunctionLogEntry } from './function-logs';
import { FunctionInstance } from './instance';
import { contextVariables, instanceEnv, invocationEnv } from './instance-env';
import { InstancePool, type Lease } from './instance-pool';
import type { FunctionContext } from './protocol';

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
  /** Instances per function; calls beyond wait for one to come free. */
  readonly maxInstancesPerFunction?: number;
  /** Log lines kept per function (oldest dropped first). */
  readonly logLimitPerFunction?: number;
  /** context.memory_limit_in_mb (informational: the limit is not enforced). */
  readonly memoryMb?: number;
  /** How long an instance process may take to come up. */
  readonly startTimeoutMs?: number;
}

export interface FunctionRegistration {
  readonly envId: string;
  readonly name: string;
  /** The built function: index.js (+ config.json). */
  readonly dir: string;
  /** The local cloud's SDK backend URL, for wx-server-sdk inside the function. */
  readonly backendUrl: string;
  /** The function's environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeBinary?: string;
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
  /** Wall time from the call to the result, instance start included. */
  readonly durationMs: number;
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
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly pool: InstancePool;
}

/**
 * Runs cloud functions as WeChat does: each function in instances of its own (child processes
 * on the Node version of choice), cold start on the first call, warm reuse after, one call per
 * instance at a time, a time limit that kills the instance, idle instances retired.
 */
export class FunctionRuntime {
  private readonly clock: Clock;
  private readonly settings: Required<Omit<FunctionRuntimeOptions, 'clock' | 'nodePath'>> & { nodePath?: string };
  private readonly functions = new Map<string, RegisteredFunction>();
  private readonly logStore: FunctionLogs;
  private readonly closing = new Set<Promise<void>>();
  private readonly sweep: NodeJS.Timeout | undefined;
  private nextInstance = 1;
  private stopped = false;

  constructor(options: FunctionRuntimeOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.settings = {
      nodeBinary: options.nodeBinary ?? process.execPath,
      nodePath: options.nodePath ?? defaultNodePath(),
      timeoutMs: options.timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS,
      idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60_000,
      idleCheckIntervalMs: options.idleCheckIntervalMs ?? 30_000,
      maxInstancesPerFunction: options.maxInstancesPerFunction ?? 10,
      logLimitPerFunction: options.logLimitPerFunction ?? 1000,
      memoryMb: options.memoryMb ?? 256,
      startTimeoutMs: options.startTimeoutMs ?? 10_000,
    };
    this.logStore = new FunctionLogs(this.settings.logLimitPerFunction);
    if (this.settings.idleCheckIntervalMs > 0) {
      this.sweep = setInterval(() => void this.retireIdle(), this.settings.idleCheckIntervalMs);
      this.sweep.unref();
    }
  }

  /** Deploys a built function; registering a name again replaces it (its instances are stopped). */
  register(registration: FunctionRegistration): void {
    const bundlePath = path.resolve(registration.dir, 'index.js');
    if (!existsSync(bundlePath)) throw new ConfigError(`function ${registration.name} dir`, `${bundlePath} does not exist`);
    if (registration.backendUrl.includes('?')) {
      throw new ConfigError(`function ${registration.name} backendUrl`, 'must not contain "?" (the SDK appends its own query)');
    }
    const config = readFunctionConfig(registration.dir);
    const key = functionKey(registration.envId, registration.name);
    const execPath = registration.nodeBinary ?? this.settings.nodeBinary;
    const env = instanceEnv({
      backendUrl: registration.backendUrl,
      envId: registration.envId,
      nodePath: this.settings.nodePath,
      functionEnv: registration.env,
    });
    const pool = new InstancePool({
      maxInstances: this.settings.maxInstancesPerFunction,
      now: () => this.clock.now(),
      spawn: () => {
        const id = `${registration.name}#${this.nextInstance++}`;
        return FunctionInstance.start({
          id,
          functionName: registration.name,
          bundlePath,
          execPath,
          env,
          startTimeoutMs: this.settings.startTimeoutMs,
          onLog: (requestId, level, message) => this.logStore.add(key, { requestId, instanceId: id, level, message, at: this.clock.now() }),
        });
      },
    });
    const previous = this.functions.get(key);
    if (previous) this.track(previous.pool.close());
    this.functions.set(key, {
      registration,
      env,
      timeoutMs: registration.timeoutMs ?? (config.timeoutSeconds !== undefined ? config.timeoutSeconds * 1000 : this.settings.timeoutMs),
      memoryMb: registration.memoryMb ?? this.settings.memoryMb,
      pool,
    });
  }

  has(envId: string, name: string): boolean {
    return this.functions.has(functionKey(envId, name));
  }

  /** Calls a function; rejects with a CloudFunctionError (FunctionExecutionError, FunctionTimeoutError, FunctionNotFoundError). */
  async invoke(options: InvokeOptions): Promise<InvokeResult> {
    const fn = this.functions.get(functionKey(options.envId, options.name));
    if (this.stopped) throw new FunctionExecutionError(options.name, 'the function runtime is stopped');
    if (!fn) throw new FunctionNotFoundError(options.name, options.envId);
    const { registration } = fn;
    const key = functionKey(options.envId, options.name);
    const requestId = randomUUID();
    const startedAt = performance.now();
    const patch = invocationEnv({
      backendUrl: registration.backendUrl,
      envId: registration.envId,
      caller: options.caller,
      extra: options.env,
    });
    const variables = contextVariables(fn.env, patch);
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
      throw error instanceof CloudFunctionError ? error : new FunctionExecutionError(registration.name, 'the function runtime is stopped', requestId);
    }
    const note = (message: string): void =>
      this.logStore.add(key, { requestId, instanceId: lease.instance.id, level: 'runtime', message, at: this.clock.now() });
    note(`START RequestId: ${requestId}${lease.coldStart ? ' (cold start)' : ''}`);
    try {
      const result = await lease.instance.invoke({
        requestId,
        event: options.event ?? {},
        context,
        env: patch,
        timeoutMs,
      });
      const durationMs = performance.now() - startedAt;
      note(`END RequestId: ${requestId} Duration: ${durationMs.toFixed(1)} ms`);
      return { result, requestId, coldStart: lease.coldStart, durationMs, instanceId: lease.instance.id };
    } catch (error) {
      note(`END RequestId: ${requestId} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      fn.pool.release(lease.instance);
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

  /** How many instances the function has (starting, busy or idle). */
  instances(envId: string, name: string): number {
    return this.functions.get(functionKey(envId, name))?.pool.size ?? 0;
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
