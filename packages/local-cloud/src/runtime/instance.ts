import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import { FunctionExecutionError, FunctionTimeoutError } from './errors';
import { isRunnerMessage, type EnvPatch, type FunctionContext, type InvokeMessage, type RunnerMessage } from './protocol';

const RUNNER = path.join(__dirname, 'runner.js');

export interface InstanceSpec {
  readonly id: string;
  readonly functionName: string;
  /** The function's built index.js. */
  readonly bundlePath: string;
  /** The Node binary to run it on (WeChat's 16.13 / 18.15, or the local one). */
  readonly execPath: string;
  /** Node options before the runner, e.g. `--require <preload>`; none by default. */
  readonly execArgv?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** How long the process may take to come up before it counts as failed. */
  readonly startTimeoutMs: number;
  readonly onLog: (requestId: string | null, level: string, text: string) => void;
}

export interface Invocation {
  readonly requestId: string;
  readonly event: unknown;
  readonly context: FunctionContext;
  readonly env: EnvPatch;
  readonly timeoutMs: number;
}

interface Pending {
  readonly requestId: string;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One instance of a cloud function: a child process running runner.js on the chosen Node
 * binary, serving one invocation at a time. A timeout kills it; so does stop().
 */
export class FunctionInstance {
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
      const timer = setTimeout(() => {
        reject(this.failure(`instance did not start within ${spec.startTimeoutMs} ms`));
        child.kill('SIGKILL');
      }, spec.startTimeoutMs);
      this.onGone = (how) => {
        clearTimeout(timer);
        reject(this.failure(`instance exited while starting (${how})`));
        markGone();
      };
      child.on('message', (message: unknown) => {
        if (!isRunnerMessage(message)) return;
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.pid = message.pid;
          this.nodeVersion = message.node;
          resolve();
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

  /** Starts a process and resolves once its runner is listening. */
  static async start(spec: InstanceSpec): Promise<FunctionInstance> {
    const child = fork(RUNNER, [spec.bundlePath], {
      execPath: spec.execPath,
      // The parent's flags (a test runner's, say) may not exist on an older Node: only the function's own.
      execArgv: [...(spec.execArgv ?? [])],
      env: { ...spec.env },
      cwd: path.dirname(spec.bundlePath),
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
      const timer = setTimeout(() => {
        const pending = this.settle(invocation.requestId);
        if (!pending) return;
        this.spec.onLog(invocation.requestId, 'runtime', `Invoking task timed out after ${invocation.timeoutMs / 1000} seconds`);
        // The caller hears of the timeout once the instance is gone, so it is never reused.
        void this.kill().then(() => pending.reject(new FunctionTimeoutError(this.spec.functionName, invocation.timeoutMs, invocation.requestId)));
      }, invocation.timeoutMs);
      this.pending = { requestId: invocation.requestId, timer, resolve, reject };
      const message: InvokeMessage = {
        type: 'invoke',
        requestId: invocation.requestId,
        event: invocation.event,
        context: invocation.context,
        env: invocation.env,
      };
      this.child.send(message, (error) => {
        if (error) this.settle(invocation.requestId)?.reject(this.failure(`could not reach the instance: ${error.message}`));
      });
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

  private onMessage(message: Exclude<RunnerMessage, { type: 'ready' }>): void {
    if (message.type === 'log') {
      this.spec.onLog(message.requestId, message.level, message.text);
      return;
    }
    const pending = this.settle(message.requestId);
    if (!pending) return;
    if (message.type === 'result') {
      pending.resolve(message.resultJson === undefined ? null : JSON.parse(message.resultJson));
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
    clearTimeout(pending.timer);
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
