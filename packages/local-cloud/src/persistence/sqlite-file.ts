import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { ConfigError } from '@wxhub/core';
import { StoreFileError, StoreLockedError } from './store-errors';

/** @internal better-sqlite3 is an optional peer: its types stay out of the published declarations. */
export type SqliteConnection = Database.Database;

/**
 * better-sqlite3 is an optional peer dependency, loaded on the first file opened: only a local
 * cloud with `dataDir` needs it, and it compiles a native addon when no prebuilt binary can be
 * downloaded (a minute or more), which an in-memory user should not pay for.
 */
function loadSqlite(): typeof Database {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
    return require('better-sqlite3') as typeof Database;
  } catch (error) {
    throw new ConfigError('dataDir', `needs the package better-sqlite3 (npm install better-sqlite3@12): ${(error as Error).message}`);
  }
}

/** 'wxhb' in the file header, so a foreign SQLite file is refused rather than written into. */
const APPLICATION_ID = 0x77786862;
const SCHEMA_VERSION = 2;
/** What turns a file of each older version into the next (version 2: files record the page user who uploaded them). */
const MIGRATIONS: Readonly<Record<number, string>> = {
  1: 'ALTER TABLE files ADD COLUMN owner TEXT;',
};

/*
 * `seq` is the natural order: a new document takes the next number, a replaced one keeps its own
 * (so it keeps its place across restarts), and a deleted-then-reinserted one goes to the end,
 * exactly as the in-memory Map orders them. `id` is the `_id` as JSON text (see docKey).
 */
const SCHEMA = `
  CREATE TABLE collections (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE
  ) STRICT;
  CREATE TABLE documents (
    collection TEXT NOT NULL REFERENCES collections (name),
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  ) STRICT;
  CREATE INDEX documents_natural_order ON documents (collection, seq);
  CREATE TABLE files (
    path TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    content BLOB NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    etag TEXT NOT NULL,
    owner TEXT
  ) STRICT;
`;

/**
 * Opens (creating if needed) one environment's database file and takes its lock for the life of
 * the connection.
 *
 * Pragmas, in the order they must be set:
 * - locking_mode=EXCLUSIVE: the first read takes a lock and the connection never gives it back,
 *   so a second process (or a second connection here) gets SQLITE_BUSY at open, which becomes
 *   StoreLockedError. The operating system drops the lock when the process dies, even by
 *   SIGKILL, so a crash leaves no stale lock behind. Set before WAL so the WAL index lives in
 *   this process's memory and no -shm file is shared.
 * - journal_mode=WAL: a commit appends to the -wal file and fsyncs only that file, one sequential
 *   write per transaction (a rollback journal needs several fsyncs of two files). A torn last
 *   transaction in the WAL fails its checksum and is ignored on recovery: all or none.
 * - synchronous=FULL: every commit fsyncs the WAL before it returns. Surviving a killed process
 *   needs no fsync at all (a returned write() is in the kernel's page cache, which outlives the
 *   process); FULL makes an acknowledged write also survive an operating-system crash or power
 *   loss, which NORMAL (fsync only at checkpoints) does not. It costs one fsync per write, which
 *   bounds the write rate (see the measurement script in test/fixtures/persistence).
 * - foreign_keys=ON: a document row cannot outlive its collection row.
 * - busy timeout 0: the lock is either ours or held by someone who will not let go; waiting
 *   would only delay the error.
 *
 * @internal
 */
export function openDatabaseFile(file: string): SqliteConnection {
  refuseEmptyFile(file);
  const Sqlite = loadSqlite();
  let db: SqliteConnection;
  try {
    db = new Sqlite(file, { timeout: 0 });
  } catch (error) {
    throw new StoreFileError(file, `cannot be opened: ${(error as Error).message}`, { cause: error });
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    const journal = db.pragma('journal_mode = WAL', { simple: true });
    if (journal !== 'wal') throw new StoreFileError(file, `cannot use WAL journaling (journal_mode is ${String(journal)})`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Take the write lock now, not at the first write: a second opener must fail at open.
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
    ensureSchema(db, file);
    return db;
  } catch (error) {
    db.close();
    throw explain(error, file);
  }
}

/**
 * SQLite treats a zero-length file as an empty database and would start the environment with no
 * data, silently (issue 10, item 10). A file this code wrote always has its header page (setting
 * WAL writes it), so zero bytes means truncated or made by something else: refused, saying what
 * to do. A zero-length main file beside a non-empty -wal is left to SQLite's recovery.
 */
function refuseEmptyFile(file: string): void {
  const size = (path: string): number | undefined => {
    try {
      return statSync(path).size;
    } catch {
      return undefined;
    }
  };
  if (size(file) === 0 && !size(`${file}-wal`)) {
    throw new StoreFileError(
      file,
      'is empty (0 bytes), so its data is gone (truncated?) or it was never a local cloud database; restore it from a backup or an export, or delete it to start this environment empty',
    );
  }
}

export interface ConnectionSettings {
  readonly journalMode: string;
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  readonly lockingMode: string;
}

/** @internal What the connection is actually running with, read back from SQLite. */
export function connectionSettings(db: SqliteConnection): ConnectionSettings {
  const levels = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
  const synchronous = levels[Number(db.pragma('synchronous', { simple: true }))];
  if (!synchronous) throw new Error('unexpected synchronous level');
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous,
    lockingMode: String(db.pragma('locking_mode', { simple: true })),
  };
}

function ensureSchema(db: SqliteConnection, file: string): void {
  const applicationId = Number(db.pragma('application_id', { simple: true }));
  const version = Number(db.pragma('user_version', { simple: true }));
  if (applicationId === 0 && version === 0) {
    const tables = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get();
    if (tables !== 0) throw new StoreFileError(file, 'is an SQLite database of another program');
    db.transaction(() => {
      db.exec(SCHEMA);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
    return;
  }
  if (applicationId !== APPLICATION_ID) throw new StoreFileError(file, 'is an SQLite database of another program');
  if (version < SCHEMA_VERSION && MIGRATIONS[version] !== undefined) {
    // One transaction: a migration cut short leaves the file at its old version, whole.
    db.transaction(() => {
      for (let from = version; from < SCHEMA_VERSION; from++) db.exec(MIGRATIONS[from] as string);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
    return;
  }
  if (version !== SCHEMA_VERSION) {
    throw new StoreFileError(file, `has schema version ${version}; this local cloud reads version ${SCHEMA_VERSION}`);
  }
}

/**
 * By shape, not `instanceof`: the native addon keeps the SqliteError class (and so the Error
 * realm) of the first copy of better-sqlite3 loaded in the process, and a runner that loads
 * modules again in a fresh context (jest does, per test file) sees an error of neither class.
 */
function isSqliteError(error: unknown): error is { readonly code: string; readonly message: string } {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  return name === 'SqliteError' && typeof code === 'string' && typeof message === 'string';
}

function explain(error: unknown, file: string): unknown {
  if (!isSqliteError(error)) return error;
  if (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED') return new StoreLockedError(file);
  if (error.code === 'SQLITE_NOTADB') return new StoreFileError(file, 'is not an SQLite database', { cause: error });
  return new StoreFileError(file, `cannot be opened: ${error.message}`, { cause: error });
}
