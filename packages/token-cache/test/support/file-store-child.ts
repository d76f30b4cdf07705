/**
 * A separate process for the FileStore tests (bundled with esbuild at test time, run with
 * child_process.fork). It waits for one command from the parent, runs it, answers, and exits.
 */
import { appendFileSync } from 'fs';
import { randomBytes } from 'crypto';
import * as path from 'path';
import { FileStore, TokenCache } from '../../src';
import { withFileLock } from '../../src/file-lock';
import { fileNameFor } from '../../src/file-store';

export type ChildCommand =
  | {
      readonly op: 'claim';
      readonly dir: string;
      readonly key: string;
      readonly holder: string;
      readonly until: number;
      readonly now: number;
      readonly lockStaleMs?: number;
    }
  | { readonly op: 'get'; readonly dir: string; readonly key: string; readonly concurrent: number; readonly counterFile: string }
  /** Takes `key`'s lock as a FileStore would, answers, and holds it until the process dies. */
  | { readonly op: 'hold'; readonly dir: string; readonly key: string; readonly lockStaleMs: number };

export type ChildAnswer = { readonly won: boolean } | { readonly values: string[] } | { readonly holding: true } | { readonly error: string };

function hold(command: Extract<ChildCommand, { op: 'hold' }>): Promise<ChildAnswer> {
  return new Promise((answer) => {
    void withFileLock(path.join(command.dir, `${fileNameFor(command.key)}.lock`), { staleMs: command.lockStaleMs }, () => {
      process.send?.({ holding: true });
      return new Promise<never>(() => undefined);
    }).catch((error: unknown) => answer({ error: String(error) }));
  });
}

async function run(command: ChildCommand): Promise<ChildAnswer> {
  if (command.op === 'hold') return hold(command);
  const store = new FileStore({ dir: command.dir, ...(command.op === 'claim' && command.lockStaleMs ? { lockStaleMs: command.lockStaleMs } : {}) });
  if (command.op === 'claim') return { won: await store.claim(command.key, command.holder, command.until, command.now) };
  const cache = new TokenCache({
    store,
    sweepIntervalMs: Number.POSITIVE_INFINITY,
    providers: {
      [command.key]: {
        description: 'cross-process test provider',
        async fetch() {
          appendFileSync(command.counterFile, `${process.pid}\n`);
          return { value: `PROC-${process.pid}-${randomBytes(8).toString('hex')}`, expiresAt: Date.now() + 7_200_000 };
        },
      },
    },
  });
  return { values: await Promise.all(Array.from({ length: command.concurrent }, () => cache.get(command.key))) };
}

// core's systemClock.sleep unrefs its timer: with the IPC listener gone, a process whose only
// pending work is a backoff sleep would exit silently mid-wait. Keep it alive until it answers.
const keepAlive = setInterval(() => undefined, 1 << 30);
process.send?.('ready');
process.once('message', (command: ChildCommand) => {
  run(command)
    .finally(() => clearInterval(keepAlive))
    .then(
      (answer) => process.send?.(answer, () => process.exit(0)),
      (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
    );
});
