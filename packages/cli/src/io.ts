import type { Env } from '@wxhub/core';

/** Where a run reads and writes: the process's streams in main.ts, captured ones in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Env;
  readonly cwd: string;
  /** All of standard input, for `-` arguments. */
  readStdin(): Promise<string>;
}
