import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import { FunctionExecutionError } from './errors';
import type { InstanceLaunch } from './instance-launch';
import type { PooledInstance } from './instance-pool';
import { shapeProblem } from './payload-limits';
import type { RuntimeTimers } from './timers';
import { isRunnerMessage, type EnvPatch, type FunctionContext, type InvokeMessage, type RunnerMessage, type WarmupMessage } from './protocol';

const RUNNER = path.join(__dirname, 'runner.js');

export interface InstanceSpec {
  readonly id: string;
  readonly functionName: string;
  readonly launch: InstanceLaunch;
  /** Deadline of the start (launch.initTimeoutMs). */
  readonly timers: RuntimeTimers;
  readonly onLog: (requestId: string | null, level: string, text: string) => void;
}

/** One call handed to an instance. Its time limit is the runtime's business (FunctionRuntime). */
export interface Invocation {
  readonly requestId: string;
  readonly event: unknown;
  readonly context: FunctionContext;
  readonly env: EnvPatch;
}

interface Pending {
  readonly requestId: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One instance of a cloud function: a child process running runner.js on the chosen Node
 * binary, serving one invocation at a time. It counts as started once the runner has loaded
 * the function's module (the cold start: spawn, load, initialisation); kill() ends it.
 */
export class FunctionInstance implements PooledInstance {
  pid = 0;
  nodeVersion = '';
  private pending: Pending | undefined;
  private exited = false;
  /** Set when the runner reported it is going down; it gets no further invocation. */
  private doomed = false;
  private readonly exitListeners: Array<() => void> = [];
  /** Resolves once the process is gone (or never came to be). */
  private readonly gone: Promise<void>;
  private onGone: (how: string) => void = () => undefined;
  private readonly started: Promise<void>;

  private constructor(
    readonly spec: InstanceSpec,
    private readonly child: ChildProcess,
  ) {
    let markGone: () => void = () => undefined;
    this.gone = new Promise((resolve) => (markGone = resolve));
    this.started = new Promise((resolve, reject) => {
      const cancelDeadline = spec.timers.schedule(spec.launch.initTimeoutMs, () => {
        reject(this.failure(`instance did not start within ${spec.launch.initTimeoutMs} ms (process start and module load)`));
        child.kill('SIGKILL');
      });
      this.onGone = (how) => {
        cancelDeadline();
        reject(this.failure(`instance exited while starting (${how})`));
        markGone();
      };
      child.on('message', (message: unknown) => {
        if (!isRunnerMessage(message)) return;
        if (message.type === 'ready') {
          // Started once the channel has carried a message each way (protocol.ts, WarmupMessage).
          this.pid = message.pid;
          this.nodeVersion = message.node;
          const warmup: WarmupMessage = { type: 'warmup' };
          child.send(warmup, (error) => {
            // A closed channel: the process is going; killing it makes sure its 'close' (which fails the start) follows.
            if (error) child.kill('SIGKILL');
          });
        } else if (message.type === 'warmed') {
          cancelDeadline();
          resolve();
        } else if (message.type === 'init-error') {
          // The module failed to load: the stack goes to the logs, the call gets name and message.
          cancelDeadline();
          spec.onLog(null, 'error', message.stack ?? `${message.name}: ${message.message}`);
          reject(this.failure(`${message.name}: ${message.message}`));
        } else {
          this.onMessage(message);
        }
      });
    });
    child.on('error', (error) => {
      // A binary that does not exist never spawns, and then no 'close' follows.
      if (child.pid === undefined) this.onClose(`could not start: ${error.message}`);
    });
    // 'close' (not 'exit'): it waits for the IPC channel to drain, so a result or error the
    // runner sent just before exiting is handled first.
    child.on('close', (code, signal) => this.onClose(signal ?? `code ${code}`));
    this.pipeOutput(child.stdout, 'stdout');
    this.pipeOutput(child.stderr, 'stderr');
  }

  /** Starts a process and resolves once its runner has loaded the function and is listening. */
  static async start(spec: InstanceSpec): Promise<FunctionInstance> {
    const { launch } = spec;
    const child = fork(RUNNER, [launch.bundlePath, String(launch.resultLimits.maxBytes)], {
      execPath: launch.execPath,
      // The parent's flags (a test runner's, say) may not exist on an older Node: only the function's own.
      execArgv: [...launch.execArgv],
      env: { ...launch.env },
      cwd: launch.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const instance = new FunctionInstance(spec, child);
    try {
      await instance.started;
    } catch (error) {
      await instance.kill();
      throw error;
    }
    return instance;
  }

  get id(): string {
    return this.spec.id;
  }

  get alive(): boolean {
    return !this.exited && !this.doomed;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Runs one invocation; resolves with the handler's result (null when it returned nothing). */
  invoke(invocation: Invocation): Promise<unknown> {
    if (!this.alive || this.pending) {
      return Promise.reject(new Error(`instance ${this.id} is ${this.alive ? 'busy' : 'gone'}`));
    }
    return new Promise((resolve, reject) => {
      this.pending = { requestId: invocation.requestId, resolve, reject };
      const message: InvokeMessage = {
        type: 'invoke',
        requestId: invocation.requestId,
        event: invocation.event,
        context: invocation.context,
        env: invocation.env,
      };
      const unreachable = (error: unknown): void =>
        this.settle(invocation.requestId)?.reject(
          this.failure(`could not reach the instance: ${error instanceof Error ? error.message : String(error)}`, invocation.requestId),
        );
      // send() serialises synchronously and can throw (a value JSON cannot take, a closed
      // channel): the invocation then never started, and the instance is free again at once.
      try {
        this.child.send(message, (error) => {
          if (error) unreachable(error);
        });
      } catch (error) {
        unreachable(error);
      }
    });
  }

  onExit(listener: () => void): void {
    if (this.exited) listener();
    else this.exitListeners.push(listener);
  }

  async kill(): Promise<void> {
    if (!this.exited) this.child.kill('SIGKILL');
    await this.gone;
  }

  private onMessage(message: Exclude<RunnerMessage, { type: 'ready' | 'warmed' | 'init-error' }>): void {
    if (message.type === 'log') {
      this.spec.onLog(message.requestId, message.level, message.text);
      return;
    }
    const pending = this.settle(message.requestId);
    if (!pending) return;
    if (message.type === 'result') {
      // JSON.parse does not recurse, so a deep result arrives intact; it is measured here
      // before anyone walks it (the runner checked its size).
      const result: unknown = message.resultJson === undefined ? null : JSON.parse(message.resultJson);
      const problem = shapeProblem(result, this.spec.launch.resultLimits);
      if (problem !== undefined) pending.reject(this.failure(`the result ${problem}`, message.requestId));
      else pending.resolve(result);
      return;
    }
    if (message.fatal) this.doomed = true;
    // The stack stays in the function's logs; the caller gets the error's name and message.
    this.spec.onLog(message.requestId, 'error', message.stack ?? `${message.name}: ${message.message}`);
    pending.reject(this.failure(`${message.name}: ${message.message}`, message.requestId));
  }

  private onClose(how: string): void {
    if (this.exited) return;
    this.exited = true;
    const pending = this.pending && this.settle(this.pending.requestId);
    pending?.reject(this.failure(`the instance exited during the invocation (${how})`, pending.requestId));
    this.onGone(how);
    for (const listener of this.exitListeners.splice(0)) listener();
  }

  /** Ends the invocation `requestId` if it is the one in progress, handing back its callbacks. */
  private settle(requestId: string): Pending | undefined {
    const pending = this.pending;
    if (!pending || pending.requestId !== requestId) return undefined;
    this.pending = undefined;
    return pending;
  }

  private failure(errMsg: string, requestId?: string): FunctionExecutionError {
    return new FunctionExecutionError(this.spec.functionName, errMsg, requestId);
  }

  private pipeOutput(stream: Readable | null, level: 'stdout' | 'stderr'): void {
    if (!stream) return;
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.spec.onLog(this.pending?.requestId ?? null, level, line));
  }
}
