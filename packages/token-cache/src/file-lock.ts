import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import type * as ProperLockfile from 'proper-lockfile';
import { errorCode, removeIfPresent, writeFileAtomic } from './atomic-file';
import { TokenStoreError } from './errors';

/**
 * A mutex between processes on one machine, held for the few milliseconds of a
 * read-modify-write of one file: `proper-lockfile` (a lock directory made with mkdir, whose
 * mtime the holder refreshes every `staleMs / 2` while it lives; one older than `staleMs` was
 * left by a crashed process and is taken over).
 *
 * proper-lockfile's takeover of a stale lock is stat-then-rmdir: two waiters that see the same
 * stale lock at once can both end up "holding" it (node-proper-lockfile issue #121). So each
 * holder also writes its nonce beside the lock (`<lock>.owner`) and checks, right before each
 * write, that the lock is still its own: the loser of such a race refuses to write (a transient
 * TOKEN_STORE error) instead of overwriting the winner. Callers within one process queue per lock
 * before they go to proper-lockfile, which keeps one record per lock path (two holders in one
 * process would overwrite each other's); that also spares the file system their retries.
 */
export interface FileLockOptions {
  /** A lock this old (by its mtime, wall time) is presumed left by a crashed process; ≥ 2 s. */
  readonly staleMs: number;
}

/** Checks, before a write of a critical section, that the lock has not been lost meanwhile. */
export interface LockGuard {
  assertHeld(): Promise<void>;
}

/** proper-lockfile's floor for `stale`; a smaller value would silently become this one. */
export const MIN_STALE_MS = 2_000;
/** Longest pause between attempts: contention lasts milliseconds, a stale lock up to staleMs. */
const MAX_RETRY_MS = 25;

/** The last caller in line for each lock path in this process (see above). */
const queues = new Map<string, Promise<void>>();

export async function withFileLock<T>(lockPath: string, options: FileLockOptions, critical: (guard: LockGuard) => Promise<T>): Promise<T> {
  const staleMs = Math.max(options.staleMs, MIN_STALE_MS);
  // One wait per caller, queue included: enough to outwait a crashed holder's lock until it is stale.
  const deadline = Date.now() + 2 * staleMs;
  const turn = waitForTurn(path.resolve(lockPath));
  try {
    // A caller ahead that hangs (a stuck file system) must not hold this one past its deadline.
    if (!(await beforeDeadline(turn.ready, deadline))) throw stayedLocked(lockPath, staleMs);
    return await holdLock(lockPath, staleMs, deadline, critical);
  } finally {
    turn.done();
  }
}

async function beforeDeadline(ready: Promise<void>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([ready.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

function stayedLocked(lockPath: string, staleMs: number, cause?: unknown): TokenStoreError {
  return new TokenStoreError('lock', undefined, `${path.basename(lockPath)} stayed locked for about ${(2 * staleMs) / 1000} s`, { cause });
}

function waitForTurn(key: string): { ready: Promise<void>; done(): void } {
  const ready = queues.get(key) ?? Promise.resolve();
  let finish!: () => void;
  const mine = new Promise<void>((resolve) => (finish = resolve));
  const tail = ready.then(() => mine);
  queues.set(key, tail);
  return {
    ready,
    done() {
      finish();
      if (queues.get(key) === tail) queues.delete(key);
    },
  };
}

async function holdLock<T>(lockPath: string, staleMs: number, deadline: number, critical: (guard: LockGuard) => Promise<T>): Promise<T> {
  let lost: Error | undefined;
  const release = await acquire(lockPath, staleMs, deadline, (error) => {
    lost = error;
  });
  const ownerFile = `${lockPath}.owner`;
  const nonce = randomBytes(8).toString('hex');
  let marked = false;
  try {
    await writeFileAtomic(ownerFile, nonce, false);
    marked = true;
    const guard: LockGuard = {
      async assertHeld() {
        if (lost) throw new TokenStoreError('lock', undefined, `${path.basename(lockPath)} was lost: ${lost.message}`);
        if ((await readText(ownerFile)) !== nonce) {
          throw new TokenStoreError('lock', undefined, `${path.basename(lockPath)} was taken over by another process`);
        }
      },
    };
    return await critical(guard);
  } finally {
    let takenOver = false;
    try {
      takenOver = marked && (await readText(ownerFile)) !== nonce;
      if (marked && !takenOver) await removeIfPresent(ownerFile);
    } finally {
      // A lock taken over is the other holder's now: stop refreshing it, but leave it in place.
      await (takenOver ? forget(lockPath) : release()).catch((error: unknown) => {
        // A lock already lost (compromised) has nothing left to release.
        if (!lost && errorCode(error) !== 'ERELEASED') throw error;
      });
    }
  }
}

async function acquire(lockPath: string, staleMs: number, deadline: number, onCompromised: (error: Error) => void): Promise<() => Promise<void>> {
  try {
    // The lock is named explicitly, so the locked "file" is only a name (`realpath: false`).
    return await properLockfile().lock(lockPath, {
      lockfilePath: lockPath,
      realpath: false,
      stale: staleMs,
      // Until the caller's deadline (at least one attempt, even when the queue used it all up).
      retries: {
        retries: Math.ceil((2 * staleMs) / MAX_RETRY_MS),
        // (1, not 0: the retry package reads 0 as "no limit".)
        maxRetryTime: Math.max(1, deadline - Date.now()),
        factor: 1.5,
        minTimeout: 1,
        maxTimeout: MAX_RETRY_MS,
        randomize: true,
      },
      onCompromised,
    });
  } catch (error) {
    if (errorCode(error) === 'ELOCKED') throw stayedLocked(lockPath, staleMs, error);
    throw error;
  }
}

/**
 * Loaded on first use: proper-lockfile installs exit and signal handlers (signal-exit, to remove
 * held locks on exit) and graceful-fs patches fs.close. Only processes that use a FileStore
 * should get those, not every function bundle that imports this package.
 */
function properLockfile(): typeof ProperLockfile {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('proper-lockfile') as typeof ProperLockfile;
}

/** proper-lockfile's unlock with a removal that does nothing: its own bookkeeping and timer end, the directory stays. */
function forget(lockPath: string): Promise<void> {
  const keepDirectory = { rmdir: (_path: string, done: (error: null) => void) => done(null) };
  return properLockfile().unlock(lockPath, { realpath: false, lockfilePath: lockPath, fs: keepDirectory });
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}
