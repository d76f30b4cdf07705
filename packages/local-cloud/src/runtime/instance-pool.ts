import type { FunctionInstance } from './instance';

export interface PoolOptions {
  /** Starts a new instance of the function (a cold start). */
  readonly spawn: () => Promise<FunctionInstance>;
  readonly maxInstances: number;
  readonly now: () => number;
}

export interface Lease {
  readonly instance: FunctionInstance;
  readonly coldStart: boolean;
}

/**
 * The instances of one function. A call takes an idle instance (warm) or starts one (cold);
 * an instance serves one call at a time, so overlapping calls get instances of their own.
 * Beyond maxInstances, calls wait for one to come free.
 */
export class InstancePool {
  private readonly idle: FunctionInstance[] = [];
  private readonly busy = new Set<FunctionInstance>();
  private readonly lastUsed = new Map<FunctionInstance, number>();
  private starting = 0;
  private readonly waiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  get size(): number {
    return this.idle.length + this.busy.size + this.starting;
  }

  /** Instances by state: serving a call, waiting for one, coming up. */
  get counts(): { readonly busy: number; readonly idle: number; readonly starting: number } {
    return { busy: this.busy.size, idle: this.idle.length, starting: this.starting };
  }

  async acquire(): Promise<Lease> {
    for (;;) {
      if (this.closed) throw new Error('the pool is closed');
      // Most recently used first, so the others stay idle long enough to be retired.
      const warm = this.idle.pop();
      if (warm) {
        this.busy.add(warm);
        return { instance: warm, coldStart: false };
      }
      if (this.size < this.options.maxInstances) return { instance: await this.start(), coldStart: true };
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Hands an instance back after a call; a dead one is simply forgotten. */
  release(instance: FunctionInstance): void {
    if (!this.busy.delete(instance)) return;
    if (instance.alive && !this.closed) {
      this.lastUsed.set(instance, this.options.now());
      this.idle.push(instance);
    }
    this.wakeOne();
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
    for (const wake of this.waiters.splice(0)) wake();
    await Promise.all(all.map((instance) => instance.kill()));
  }

  private async start(): Promise<FunctionInstance> {
    this.starting++;
    let instance: FunctionInstance;
    try {
      instance = await this.options.spawn();
    } catch (error) {
      this.starting--;
      this.wakeOne();
      throw error;
    }
    this.starting--;
    if (this.closed) {
      await instance.kill();
      throw new Error('the pool is closed');
    }
    this.busy.add(instance);
    instance.onExit(() => {
      this.forget(instance);
      this.wakeOne();
    });
    return instance;
  }

  private forget(instance: FunctionInstance): void {
    const at = this.idle.indexOf(instance);
    if (at >= 0) this.idle.splice(at, 1);
    this.busy.delete(instance);
    this.lastUsed.delete(instance);
  }

  private wakeOne(): void {
    this.waiters.shift()?.();
  }
}
