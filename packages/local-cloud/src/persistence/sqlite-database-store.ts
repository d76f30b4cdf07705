import { batchTargets, type CollectionStore, type CollectionWrites, type DatabaseStore } from '../sdk-backend/document-store';
import { DocumentTable } from './document-table';
import { SqliteCollectionStore } from './sqlite-collection-store';
import { SqliteBlobStore } from './sqlite-blob-store';
import { connectionSettings, openDatabaseFile, type ConnectionSettings, type SqliteConnection } from './sqlite-file';

/**
 * One environment's collections in one SQLite file, with every document also held decoded in
 * memory. Writes go to SQLite synchronously before they show in memory, so a write that
 * returned is on disk (see sqlite-file.ts for the pragmas), and every backend action stays
 * synchronous start to finish.
 */
export class SqliteDatabaseStore implements DatabaseStore {
  private readonly collections = new Map<string, SqliteCollectionStore>();
  private readonly table: DocumentTable;
  private blobStore: SqliteBlobStore | undefined;

  private constructor(
    private readonly db: SqliteConnection,
    readonly file: string,
  ) {
    this.table = new DocumentTable(db, file);
    for (const stored of this.table.load()) {
      this.collections.set(stored.name, new SqliteCollectionStore(stored.name, this.table, stored.documents));
    }
  }

  /** Throws StoreLockedError when another connection holds the file, StoreFileError when it is not ours. */
  static open(file: string): SqliteDatabaseStore {
    const db = openDatabaseFile(file);
    try {
      return new SqliteDatabaseStore(db, file);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The environment's cloud files, kept in this same file. */
  files(): SqliteBlobStore {
    this.blobStore ??= new SqliteBlobStore(this.db);
    return this.blobStore;
  }

  get isOpen(): boolean {
    return this.table.isOpen;
  }

  get settings(): ConnectionSettings {
    return connectionSettings(this.db);
  }

  collectionNames(): string[] {
    return [...this.collections.keys()];
  }

  collection(name: string): CollectionStore | undefined {
    return this.collections.get(name);
  }

  createCollection(name: string): CollectionStore {
    this.table.createCollection(name);
    this.collections.get(name)?.detach();
    const created = new SqliteCollectionStore(name, this.table);
    this.collections.set(name, created);
    return created;
  }

  dropCollection(name: string): boolean {
    const existing = this.collections.get(name);
    if (!existing) return false;
    this.table.dropCollection(name);
    existing.detach();
    return this.collections.delete(name);
  }

  applyBatch(writes: readonly CollectionWrites[]): void {
    const targets = batchTargets(this.collections, writes);
    this.table.transaction(() => {
      for (const w of writes) {
        for (const id of w.delete) this.table.delete(w.collection, id);
        for (const doc of w.put) this.table.put(w.collection, doc);
      }
    });
    writes.forEach((w, i) => (targets[i] as SqliteCollectionStore).afterCommit(w));
  }

  /** Checkpoints the WAL into the file and releases the lock. Writes after this throw. */
  close(): void {
    this.table.close();
  }
}
