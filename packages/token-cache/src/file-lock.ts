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
 * TOKEN_STORE error) instead of overwriting the winner.
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

export async function withFileLock<T>(lockPath: string, options: FileLockOptions, critical: (guard: LockGuard) => Promise<T>): Promise<T> {
  let lost: Error | undefined;
  const release = await acquire(lockPath, options, (error) => {
    lost = error;
  });
  const ownerFile = `${lockPath}.owner`;
  const nonce = randomBytes(8).toString('hex');
  try {
    await writeFileAtomic(ownerFile, nonce, false);
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
    if ((await readText(ownerFile)) === nonce) await removeIfPresent(ownerFile);
    // A lock already lost (compromised) has nothing left to release.
    await release().catch((error: unknown) => {
      if (!lost && errorCode(error) !== 'ERELEASED') throw error;
    });
  }
}

async function acquire(lockPath: string, options: FileLockOptions, onCompromised: (error: Error) => void): Promise<() => Promise<void>> {
  const staleMs = Math.max(options.staleMs, MIN_STALE_MS);
  try {
    // The lock is named explicitly, so the locked "file" is only a name (`realpath: false`).
    return await properLockfile().lock(lockPath, {
      lockfilePath: lockPath,
      realpath: false,
      stale: staleMs,
      // Enough attempts to outwait a crashed holder's lock until it is stale (about 2 × staleMs).
      retries: { retries: Math.ceil((2 * staleMs) / MAX_RETRY_MS), factor: 1.5, minTimeout: 1, maxTimeout: MAX_RETRY_MS, randomize: true },
      onCompromised,
    });
  } catch (error) {
    if (errorCode(error) === 'ELOCKED') {
      throw new TokenStoreError('lock', undefined, `${path.basename(lockPath)} stayed locked for about ${(2 * staleMs) / 1000} s`, { cause: error });
    }
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

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}
