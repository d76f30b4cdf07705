import { randomBytes } from 'crypto';
import * as path from 'path';
import type { Clock } from '@wxhub/core';
import { createExclusive, readJsonFile, removeIfPresent } from './atomic-file';
import { TokenStoreError } from './errors';

/**
 * A mutex between processes on one machine, held for the few milliseconds of a
 * read-modify-write of one file. The lock file is created exclusively and names its holder
 * (`nonce`) and when it was taken (`at`).
 *
 * A holder that crashed leaves its lock behind; once it is `staleMs` old anyone may remove it.
 * Two processes removing the same stale lock must not also remove the fresh lock a third one
 * has meanwhile created, so removal of lock N goes through an exclusive marker file named after
 * N (`<lock>.<N>.stale1`): one process wins it and removes N. A holder crashed between winning
 * the marker and removing the lock would block the key forever, so a marker that is itself
 * stale gives way to the next level (`stale2`, `stale3`).
 */
export interface FileLockOptions {
  readonly staleMs: number;
  readonly clock: Clock;
  /** Attempts to take the lock before giving up with a TokenStoreError. */
  readonly maxAttempts: number;
}

interface LockRecord {
  readonly nonce: string;
  readonly at: number;
}

const TAKEOVER_LEVELS = 3;

/** Guards the write of a critical section: a holder paused for too long must not write. */
export interface LockGuard {
  assertHeld(): void;
}

export async function withFileLock<T>(lockFile: string, options: FileLockOptions, critical: (guard: LockGuard) => Promise<T>): Promise<T> {
  const record = await acquire(lockFile, options);
  const guard: LockGuard = {
    assertHeld() {
      // Half the stale time: nobody can have taken the lock over yet, with room to finish.
      if (options.clock.now() - record.at >= options.staleMs / 2) {
        throw new TokenStoreError('lock', undefined, `${path.basename(lockFile)} was held too long to write safely`);
      }
    },
  };
  try {
    return await critical(guard);
  } finally {
    if (options.clock.now() - record.at < options.staleMs / 2) await removeIfPresent(lockFile);
    else await takeOver(lockFile, record, options);
  }
}

/** Leftover takeover markers are needed only while their lock may still exist. */
export function isTakeoverMarker(name: string): boolean {
  return /\.stale\d+$/.test(name);
}

export async function removeStaleMarker(file: string, options: Pick<FileLockOptions, 'staleMs' | 'clock'>): Promise<boolean> {
  const marker = parseRecord(await readJsonFile(file), false);
  if (marker && options.clock.now() - marker.at < options.staleMs * 2) return false;
  return removeIfPresent(file);
}

async function acquire(lockFile: string, options: FileLockOptions): Promise<LockRecord> {
  for (let attempt = 0; attempt < options.maxAttempts; attempt++) {
    const record: LockRecord = { nonce: randomBytes(8).toString('hex'), at: options.clock.now() };
    if (await createExclusive(lockFile, JSON.stringify(record))) return record;
    const current = parseRecord(await readJsonFile(lockFile), true);
    if (current && options.clock.now() - current.at >= options.staleMs) {
      await takeOver(lockFile, current, options);
      continue;
    }
    // Jittered so that contenders that collided once do not collide again in lockstep.
    await options.clock.sleep(1 + Math.random() * Math.min(2 ** attempt, 20));
  }
  throw new TokenStoreError('lock', undefined, `${path.basename(lockFile)} stayed locked after ${options.maxAttempts} attempts`);
}

/** Removes lock `stale` if it is still there and nobody else is removing it. */
async function takeOver(lockFile: string, stale: LockRecord, options: FileLockOptions): Promise<void> {
  for (let level = 1; level <= TAKEOVER_LEVELS; level++) {
    const marker = `${lockFile}.${stale.nonce}.stale${level}`;
    if (await createExclusive(marker, JSON.stringify({ at: options.clock.now() }))) {
      if (parseRecord(await readJsonFile(lockFile), true)?.nonce === stale.nonce) await removeIfPresent(lockFile);
      return;
    }
    const other = parseRecord(await readJsonFile(marker), false);
    if (other && options.clock.now() - other.at < options.staleMs) return;
  }
}

function parseRecord(value: unknown, needNonce: boolean): LockRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { nonce, at } = value as { nonce?: unknown; at?: unknown };
  if (typeof at !== 'number') return undefined;
  if (needNonce && (typeof nonce !== 'string' || !/^[0-9a-f]+$/.test(nonce))) return undefined;
  return { nonce: typeof nonce === 'string' ? nonce : '', at };
}
