import type { Env } from '@wxhub/core';

/** Where a run reads and writes: the process's streams in main.ts, captured ones in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Env;
  readonly cwd: string;
  /** All of standard input, for `-` arguments. */
  readStdin(): Promise<string>;
  /**
   * Resolves when a long-running command (`wxhub dev`, `wxhub logs -f`) should stop: on SIGINT or
   * SIGTERM in main.ts, when a test says so in tests. Absent: such commands run until killed.
   */
  stopRequested?(): Promise<string>;
}
