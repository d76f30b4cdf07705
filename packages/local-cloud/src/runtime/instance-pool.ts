import { FunctionConcurrencyError, FunctionExecutionError } from './errors';
import type { Invocation } from './instance';

/** What the pool and the runtime need of an instance (a FunctionInstance, or a test's stand-in). */
export interface PooledInstance {
  readonly id: string;
  /** False once the process is gone or going: it gets no further invocation. */
  readonly alive: boolean;
  invoke(invocation: Invocation): Promise<unknown>;
  kill(): Promise<void>;
  onExit(listener: () => void): void;
}

export interface PoolOptions {
  readonly functionName: string;
  /** Starts a new instance of the function (a cold start: process and module load). */
  readonly spawn: () => Promise<PooledInstance>;
  /** Instances at most, starting ones included. */
  readonly maxInstances: number;
  /** Calls that may wait for an instance; one more is refused (FunctionConcurrencyError). */
  readonly maxQueued: number;
  /** Clock time, for idle retirement. */
  readonly now: () => number;
  /** Monotonic time, for how long a call waited and an instance took to start. */
  readonly elapsed: () => number;
}

export interface Lease {
  readonly instance: PooledInstance;
  readonly coldStart: boolean;
  /** Time the call waited for an instance or a free slot (0 when one was at hand). */
  readonly queuedMs: number;
  /** Time the instance took to start, for the call that started it (0 when warm). */
  readonly initMs: number;
}

/** A queued call: handed an instance that came free, or a slot (reserved for it) to start one in. */
interface Waiter {
  readonly handOver: (instance: PooledInstance | 'slot') => void;
  readonly refuse: (error: Error) => void;
}

/**
 * The instances of one function. A call takes an idle instance (warm) or, below maxInstances,
 * starts one (cold); an instance serves one call at a time. Beyond that, calls queue in
 * arrival order (at most maxQueued) and each instance that comes free is handed straight to
 * the first of them, so a late arrival cannot overtake the queue. When an instance dies, its
 * slot goes to the first queued call, which starts a replacement.
 */
export class InstancePool {
  private readonly idle: PooledInstance[] = [];
  private readonly busy = new Set<PooledInstance>();
  private readonly lastUsed = new Map<PooledInstance, number>();
  /** Instances being started, and slots reserved for queued calls about to start one. */
  private starting = 0;
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  get size(): number {
    return this.idle.length + this.busy.size + this.starting;
  }

  /** Instances by state: serving a call, waiting for one, coming up. */
  get counts(): { readonly busy: number; readonly idle: number; readonly starting: number } {
    return { busy: this.busy.size, idle: this.idle.length, starting: this.starting };
  }

  /** True once close() was called: the function was replaced or the runtime stopped. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Calls waiting for an instance. */
  get queued(): number {
    return this.waiters.length;
  }

  async acquire(): Promise<Lease> {
    if (this.closed) throw this.closedError();
    const requestedAt = this.options.elapsed();
    // Most recently used first, so the others stay idle long enough to be retired.
    const warm = this.idle.pop();
    if (warm) {
      this.busy.add(warm);
      return { instance: warm, coldStart: false, queuedMs: 0, initMs: 0 };
    }
    if (this.size < this.options.maxInstances) {
      this.starting++;
      return this.startReserved(0);
    }
    if (this.waiters.length >= this.options.maxQueued) {
      throw new FunctionConcurrencyError(this.options.functionName, this.options.maxInstances, this.options.maxQueued);
    }
    const turn = await new Promise<PooledInstance | 'slot'>((handOver, refuse) => this.waiters.push({ handOver, refuse }));
    const queuedMs = this.options.elapsed() - requestedAt;
    if (turn === 'slot') return this.startReserved(queuedMs);
    return { instance: turn, coldStart: false, queuedMs, initMs: 0 };
  }

  /**
   * Starts instances until the function has `count` (at most maxInstances), idle and ready for
   * calls: SCF's provisioned concurrency. Resolves with how many were started.
   */
  async provision(count: number): Promise<number> {
    const starts: Array<Promise<void>> = [];
    while (!this.closed && this.size < Math.min(count, this.options.maxInstances)) {
      this.starting++;
      starts.push(this.startReserved(0).then(({ instance }) => this.release(instance)));
    }
    await Promise.all(starts);
    return starts.length;
  }

  /** Hands an instance back after a call: to the first queued call, or to the idle list. */
  release(instance: PooledInstance): void {
    if (!this.busy.has(instance)) return;
    if (!instance.alive || this.closed) {
      // Its slot is handed on when it exits (onExit), not before: the cap counts live processes.
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.handOver(instance);
      return;
    }
    this.busy.delete(instance);
    this.lastUsed.set(instance, this.options.now());
    this.idle.push(instance);
  }

  /** Stops the instances idle for at least `idleMs`; returns how many. */
  async retireIdle(idleMs: number): Promise<number> {
    const now = this.options.now();
    const expired = this.idle.filter((instance) => now - (this.lastUsed.get(instance) ?? now) >= idleMs);
    for (const instance of expired) this.forget(instance);
    await Promise.all(expired.map((instance) => instance.kill()));
    return expired.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle, ...this.busy];
    for (const waiter of this.waiters.splice(0)) waiter.refuse(this.closedError());
    await Promise.all(all.map((instance) => instance.kill()));
  }

  /** Starts an instance in a slot already counted in `starting`. */
  private async startReserved(queuedMs: number): Promise<Lease> {
    const startedAt = this.options.elapsed();
    let instance: PooledInstance;
    try {
      instance = await this.options.spawn();
    } catch (error) {
      this.starting--;
      this.offerSlot();
      throw error;
    }
    const initMs = this.options.elapsed() - startedAt;
    this.starting--;
    if (this.closed) {
      await instance.kill();
      throw this.closedError();
    }
    this.busy.add(instance);
    instance.onExit(() => {
      this.forget(instance);
      this.offerSlot();
    });
    return { instance, coldStart: true, queuedMs, initMs };
  }

  /** A slot came free (an instance exited or failed to start): the first queued call starts one in it. */
  private offerSlot(): void {
    if (this.closed || this.size >= this.options.maxInstances) return;
    const waiter = this.waiters.shift();
    if (!waiter) return;
    // Reserved now, not when the waiter resumes, so a second free slot cannot go to it too.
    this.starting++;
    waiter.handOver('slot');
  }

  private forget(instance: PooledInstance): void {
    const at = this.idle.indexOf(instance);
    if (at >= 0) this.idle.splice(at, 1);
    this.busy.delete(instance);
    this.lastUsed.delete(instance);
  }

  private closedError(): FunctionExecutionError {
    return new FunctionExecutionError(this.options.functionName, 'the function runtime is stopped');
  }
}
