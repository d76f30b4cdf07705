import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '@wxhub/core';
import { SqliteDatabaseStore } from './sqlite-database-store';

export interface SqliteStoreOptions {
  /** The data directory; created if missing. Each environment is `<dir>/<envId>.sqlite`. */
  readonly dir: string;
}

/**
 * A DatabaseStoreFactory whose stores live in SQLite files. Asking again for an environment
 * whose store is open returns that same store (the file allows one connection), which is how a
 * tool reaches the store a CloudBackend is using, e.g. to export it.
 */
export interface SqliteStoreFactory {
  (envId: string): SqliteDatabaseStore;
  readonly dir: string;
  /** Closes every store this factory opened, releasing their locks. */
  close(): void;
}

/** Environment ids become file names, so only characters that cannot leave the directory. */
const ENV_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function sqliteStoreFile(dir: string, envId: string): string {
  if (!ENV_ID.test(envId)) throw new InvalidArgumentError('envId', 'must be letters, digits, -, _ or . (it names the database file)');
  return join(dir, `${envId}.sqlite`);
}

export function sqliteStoreFactory(options: SqliteStoreOptions): SqliteStoreFactory {
  const open = new Map<string, SqliteDatabaseStore>();
  const factory = (envId: string): SqliteDatabaseStore => {
    const existing = open.get(envId);
    if (existing?.isOpen) return existing;
    const file = sqliteStoreFile(options.dir, envId);
    mkdirSync(options.dir, { recursive: true });
    const store = SqliteDatabaseStore.open(file);
    open.set(envId, store);
    return store;
  };
  return Object.assign(factory, {
    dir: options.dir,
    close(): void {
      for (const store of open.values()) store.close();
      open.clear();
    },
  });
}
