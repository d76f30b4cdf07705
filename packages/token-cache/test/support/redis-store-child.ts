/**
 * A separate process for the RedisStore tests (bundled with esbuild at test time, run with
 * child_process.fork). It waits for one command from the parent, runs it and answers:
 * - `get`: a TokenCache on the Redis store makes `concurrent` gets; answers the values and how
 *   many fetches this process made.
 * - `hold`: a TokenCache starts a refresh whose fetch never finishes; answers `fetching` (with
 *   its holder id) once it holds the lease and is inside the fetch, then waits to be killed.
 */
import { randomBytes } from 'crypto';
import { TokenCache } from '../../src';
import { RedisStore } from '../../src/redis';

export type RedisChildCommand =
  | { readonly op: 'get'; readonly url: string; readonly prefix: string; readonly key: string; readonly concurrent: number }
  | { readonly op: 'hold'; readonly url: string; readonly prefix: string; readonly key: string; readonly leaseMs: number };

export type RedisChildAnswer =
  | { readonly values: string[]; readonly fetches: number }
  | { readonly fetching: true; readonly holder: string; readonly pid: number }
  | { readonly error: string };

async function run(command: RedisChildCommand): Promise<RedisChildAnswer> {
  const store = new RedisStore({ url: command.url, prefix: command.prefix });
  let fetches = 0;
  const cache = new TokenCache({
    store,
    sweepIntervalMs: Number.POSITIVE_INFINITY,
    ...(command.op === 'hold' ? { leaseMs: command.leaseMs } : {}),
    providers: {
      [command.key]: {
        description: 'cross-process test provider',
        async fetch() {
          fetches++;
          if (command.op === 'hold') {
            process.send?.({ fetching: true, holder: cache.holderId, pid: process.pid });
            return new Promise(() => undefined);
          }
          return { value: `PROC-${process.pid}-${randomBytes(8).toString('hex')}`, expiresAt: Date.now() + 7_200_000 };
        },
      },
    },
  });
  try {
    const values = await Promise.all(Array.from({ length: command.op === 'get' ? command.concurrent : 1 }, () => cache.get(command.key)));
    return { values, fetches };
  } finally {
    await store.close();
  }
}

// Once its one message has arrived the IPC channel stops keeping the process alive: keep it
// alive until it answers (or, holding, until it is killed).
const keepAlive = setInterval(() => undefined, 1 << 30);
process.send?.('ready');
process.once('message', (command: RedisChildCommand) => {
  run(command)
    .finally(() => clearInterval(keepAlive))
    .then(
      (answer) => process.send?.(answer, () => process.exit(0)),
      (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
    );
});
