import type { CollectionStore, DocumentWrites } from '../sdk-backend/document-store';
import { DocMap, type Doc, type DocId } from '../sdk-backend/documents';
import type { DocumentTable } from './document-table';

/**
 * One collection: the decoded documents in memory (so `get` hands back the same object until the
 * id is written again, as the contract requires) and every write sent to SQLite first. The
 * cache changes only after SQLite accepted the write, so a failed write leaves both as they were.
 */
export class SqliteCollectionStore implements CollectionStore {
  private readonly docs: DocMap;
  private dropped = false;

  constructor(
    readonly name: string,
    private readonly table: DocumentTable,
    initial: readonly Doc[] = [],
  ) {
    this.docs = new DocMap(initial);
  }

  documents(): readonly Doc[] {
    return this.docs.values();
  }

  get(id: DocId): Doc | undefined {
    return this.docs.get(id);
  }

  put(doc: Doc): void {
    this.assertAttached();
    this.table.put(this.name, doc);
    this.docs.set(doc);
  }

  delete(id: DocId): boolean {
    this.assertAttached();
    if (!this.docs.has(id)) return false;
    this.table.delete(this.name, id);
    return this.docs.delete(id);
  }

  clear(): void {
    this.assertAttached();
    this.table.clear(this.name);
    this.docs.clear();
  }

  /** One SQLite transaction (one fsync) for the whole batch; the cache changes after it committed. */
  write(batch: DocumentWrites): void {
    this.assertAttached();
    if (batch.put.length === 0 && batch.delete.length === 0) return;
    this.table.transaction(() => {
      for (const id of batch.delete) this.table.delete(this.name, id);
      for (const doc of batch.put) this.table.put(this.name, doc);
    });
    this.afterCommit(batch);
  }

  /** The cache's share of a batch SQLite has committed (in the order applyBatch wrote it). */
  afterCommit(writes: DocumentWrites): void {
    for (const id of writes.delete) this.docs.delete(id);
    for (const doc of writes.put) this.docs.set(doc);
  }

  /**
   * A dropped (or re-created) collection's old store must not write: its rows would land in
   * whatever collection now has the name, behind that collection's cache.
   */
  detach(): void {
    this.dropped = true;
  }

  private assertAttached(): void {
    if (this.dropped) throw new Error(`collection ${this.name} was dropped; this store no longer writes`);
  }
}
