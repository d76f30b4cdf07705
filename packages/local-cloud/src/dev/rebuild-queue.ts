import { performance } from 'node:perf_hooks';
import type { FunctionBuilder } from './function-builder';

export interface RebuildResult {
  /** True when every function built and went into service. */
  readonly ok: boolean;
  /** The functions rebuilt, sorted. */
  readonly names: readonly string[];
  /** Those now serving their new code. */
  readonly deployed: readonly string[];
  /** Why the build, or some function's deploy, failed. */
  readonly message?: string;
  readonly durationMs: number;
}

export interface RebuildQueueOptions {
  readonly build: FunctionBuilder;
  /**
   * Puts freshly built functions into service (re-register, re-read triggers; for `wxhub dev`,
   * re-install and prewarm: a returned promise is awaited). Throwing or rejecting (e.g. a config.json WeChat
   * would refuse) fails the rebuild with that message.
   */
  readonly deploy: (name: string) => unknown;
  readonly onResult: (result: RebuildResult) => void;
}

/**
 * One build at a time: changes arriving during a build are collected and built right after it,
 * together. A failed build is reported and leaves the server running the previous code.
 */
export class RebuildQueue {
  private readonly waiting = new Set<string>();
  private running: Promise<void> | undefined;

  constructor(private readonly options: RebuildQueueOptions) {}

  /** Schedules a rebuild of `names`; resolves when it (and anything queued behind it) is done. */
  request(names: readonly string[]): Promise<void> {
    for (const name of names) this.waiting.add(name);
    if (this.waiting.size === 0) return this.running ?? Promise.resolve();
    this.running ??= this.drain();
    return this.running;
  }

  /** Resolves when no build is running or waiting. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Ends, and clears `running`, in the same synchronous step as the last empty check, so a
    // request arriving later starts a new drain instead of joining a finished one.
    while (this.waiting.size > 0) await this.buildOnce();
    this.running = undefined;
  }

  private async buildOnce(): Promise<void> {
    const names = [...this.waiting].sort();
    this.waiting.clear();
    const started = performance.now();
    const deployed: string[] = [];
    const problems: string[] = [];
    try {
      await this.options.build(names);
      for (const name of names) {
        try {
          await this.options.deploy(name);
          deployed.push(name);
        } catch (error) {
          problems.push(`${name}: ${describe(error)}`);
        }
      }
    } catch (error) {
      problems.push(describe(error));
    }
    const durationMs = performance.now() - started;
    try {
      this.options.onResult({ ok: problems.length === 0, names, deployed, durationMs, ...(problems.length ? { message: problems.join('\n') } : {}) });
    } catch {
      // A reporting bug must not stop later rebuilds.
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
