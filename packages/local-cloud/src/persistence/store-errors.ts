import { WxhubError } from '@wxhub/core';

/**
 * The emulator assumes it is the only writer of its data: SQLite's exclusive lock (held by the
 * operating system for the life of the connection, released even when the process is killed)
 * refuses a second opener instead of letting two processes overwrite each other's caches.
 */
export class StoreLockedError extends WxhubError {
  readonly code = 'STORE_LOCKED';
  readonly transient = false;
  constructor(readonly file: string) {
    super(
      `local cloud database ${file} is already open (another local cloud process, or another store in this one, holds its lock); stop it or use another data directory`,
    );
  }
}

/** The file exists but is not a local cloud database this version can read. */
export class StoreFileError extends WxhubError {
  readonly code = 'STORE_FILE';
  readonly transient = false;
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`local cloud database ${file}: ${reason}`, options);
  }
}
