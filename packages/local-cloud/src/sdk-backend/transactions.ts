import { randomBytes } from 'node:crypto';
import { BackendCode, CloudBackendError, invalidParam } from './backend-error';
import type { CollectionStore, CollectionWrites, DatabaseStore, DocumentWrites } from './document-store';
import type { Doc, DocId } from './documents';

/**
 * A transaction's private view of one collection: a copy of the collection's document references
 * taken when the transaction first touches it, plus its own writes. Nothing reaches the real
 * collection until commit.
 */
class StagedCollection implements CollectionStore {
  private readonly snapshot: ReadonlyMap<DocId, Doc>;
  private readonly working: Map<DocId, Doc>;
  private readonly written = new Set<DocId>();

  constructor(base: CollectionStore) {
    this.snapshot = new Map(base.documents().map((doc) => [doc._id, doc]));
    this.working = new Map(this.snapshot);
  }

  documents(): readonly Doc[] {
    return [...this.working.values()];
  }

  get(id: DocId): Doc | undefined {
    return this.working.get(id);
  }

  put(doc: Doc): void {
    this.working.set(doc._id, doc);
    this.written.add(doc._id);
  }

  delete(id: DocId): boolean {
    this.written.add(id);
    return this.working.delete(id);
  }

  clear(): void {
    for (const id of this.working.keys()) this.written.add(id);
    this.working.clear();
  }

  write(batch: DocumentWrites): void {
    for (const id of batch.delete) this.delete(id);
    for (const doc of batch.put) this.put(doc);
  }

  /** Another writer changed a document this transaction also wrote (stores never mutate in place). */
  conflictsWith(current: CollectionStore): boolean {
    for (const id of this.written) {
      if (current.get(id) !== this.snapshot.get(id)) return true;
    }
    return false;
  }

  writes(collection: string): CollectionWrites {
    const put: Doc[] = [];
    const deleted: DocId[] = [];
    for (const id of this.written) {
      const doc = this.working.get(id);
      if (doc) put.push(doc);
      else if (this.snapshot.has(id)) deleted.push(id);
    }
    return { collection, put, delete: deleted };
  }
}

/**
 * Transactions of one environment. Commit applies all of a transaction's writes in one batch or
 * none of them; a write-write conflict with anyone who committed since the transaction read the
 * documents aborts it with DATABASE_TRANSACTION_CONFLICT, the code runTransaction retries on.
 * Reads are not isolated beyond that (a transaction sees the collection as of its first touch).
 */
export class TransactionManager {
  private readonly open = new Map<string, Map<string, StagedCollection>>();

  constructor(private readonly store: DatabaseStore) {}

  start(): string {
    const id = randomBytes(12).toString('hex');
    this.open.set(id, new Map());
    return id;
  }

  /** The transaction's view of a collection; `missing` builds the error for an absent one. */
  collection(transactionId: string, name: string, missing: () => Error): CollectionStore {
    const staged = this.staged(transactionId);
    let view = staged.get(name);
    if (!view) {
      const base = this.store.collection(name);
      if (!base) throw missing();
      view = new StagedCollection(base);
      staged.set(name, view);
    }
    return view;
  }

  commit(transactionId: string): void {
    const staged = this.staged(transactionId);
    this.open.delete(transactionId);
    const batch: CollectionWrites[] = [];
    for (const [name, view] of staged) {
      const writes = view.writes(name);
      if (writes.put.length === 0 && writes.delete.length === 0) continue;
      const current = this.store.collection(name);
      if (!current || view.conflictsWith(current)) {
        throw new CloudBackendError(
          BackendCode.DATABASE_TRANSACTION_CONFLICT,
          `transaction ${transactionId} conflicts with a write to collection ${name}; it was aborted`,
        );
      }
      batch.push(writes);
    }
    this.store.applyBatch(batch);
  }

  abort(transactionId: string): void {
    this.staged(transactionId);
    this.open.delete(transactionId);
  }

  get openCount(): number {
    return this.open.size;
  }

  private staged(transactionId: string): Map<string, StagedCollection> {
    const staged = this.open.get(transactionId);
    if (!staged) throw invalidParam(`transaction ${transactionId} does not exist or has already ended`);
    return staged;
  }
}
