import type { InstanceSpec, Invocation } from '../../src/runtime/instance';
import type { PooledInstance } from '../../src/runtime/instance-pool';

/** A promise with its resolve/reject in hand. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** An instance that answers only when the test says so. */
export class ScriptedInstance implements PooledInstance {
  readonly invocations: Array<{ readonly invocation: Invocation; readonly answer: Deferred<unknown> }> = [];
  private exited = false;
  private readonly exitListeners: Array<() => void> = [];
  private readonly arrivals: Array<Deferred<Invocation>> = [];

  constructor(readonly id: string) {}

  get alive(): boolean {
    return !this.exited;
  }

  /** The invocation in progress (the last one handed over). */
  get current(): { readonly invocation: Invocation; readonly answer: Deferred<unknown> } {
    const last = this.invocations[this.invocations.length - 1];
    if (!last) throw new Error(`${this.id} has had no invocation`);
    return last;
  }

  invoke(invocation: Invocation): Promise<unknown> {
    const answer = deferred<unknown>();
    this.invocations.push({ invocation, answer });
    this.arrival(this.invocations.length).resolve(invocation);
    return answer.promise;
  }

  /** Resolves when the `n`-th invocation (1-based) has been handed to this instance. */
  invoked(n: number): Promise<Invocation> {
    return this.arrival(n).promise;
  }

  /** Answers the invocation in progress. */
  answer(result: unknown): void {
    this.current.answer.resolve(result);
  }

  private arrival(n: number): Deferred<Invocation> {
    while (this.arrivals.length < n) this.arrivals.push(deferred<Invocation>());
    return this.arrivals[n - 1]!;
  }

  async kill(): Promise<void> {
    if (this.exited) return;
    this.exited = true;
    this.invocations[this.invocations.length - 1]?.answer.reject(new Error('killed'));
    for (const listener of this.exitListeners.splice(0)) listener();
  }

  onExit(listener: () => void): void {
    if (this.exited) listener();
    else this.exitListeners.push(listener);
  }
}

/**
 * Stands in for FunctionInstance.start: each start waits until the test calls `ready(i)` (or
 * `fail(i)`), so a test decides when a cold start ends, and how much ManualTimers time it took.
 */
export class ScriptedLauncher {
  readonly starts: Array<{ readonly spec: InstanceSpec; readonly done: Deferred<ScriptedInstance>; readonly instance: ScriptedInstance }> = [];

  readonly start = (spec: InstanceSpec): Promise<PooledInstance> => {
    const done = deferred<ScriptedInstance>();
    this.starts.push({ spec, done, instance: new ScriptedInstance(spec.id) });
    return done.promise;
  };

  /** Ends start number `index` (0-based): the instance is ready. */
  ready(index: number): ScriptedInstance {
    const start = this.starts[index];
    if (!start) throw new Error(`no start #${index}`);
    start.done.resolve(start.instance);
    return start.instance;
  }

  fail(index: number, error: Error): void {
    const start = this.starts[index];
    if (!start) throw new Error(`no start #${index}`);
    start.done.reject(error);
  }
}
