import { DocMap, type Doc, type DocId } from './documents';

/**
 * Where one collection's documents live. The in-memory store below is the only engine today;
 * a persistent one implements the same two interfaces.
 *
 * Contract: stored documents are immutable values. Callers never mutate what `documents()` or
 * `get()` return, and a store hands back the same object for an id until that id is written
 * again (transactions detect conflicting writes by comparing those references).
 */
export interface CollectionStore {
  /** All documents in natural (insertion) order. */
  documents(): readonly Doc[];
  get(id: DocId): Doc | undefined;
  /** Inserts or replaces by `_id`; a replaced document keeps its place in natural order. */
  put(doc: Doc): void;
  delete(id: DocId): boolean;
  clear(): void;
  /**
   * Deletes then puts, as one unit: all of them or (on failure) none. Every multi-document
   * operation (a batch insert, where().update, where().remove) writes through here, so a crash
   * mid-operation leaves the collection as before it, not half-changed.
   */
  write(batch: DocumentWrites): void;
}

/** Writes to one collection, applied together. */
export interface DocumentWrites {
  readonly put: readonly Doc[];
  readonly delete: readonly DocId[];
}

/** One collection's share of a transaction commit. */
export interface CollectionWrites extends DocumentWrites {
  readonly collection: string;
}

/** The collections of one environment. */
export interface DatabaseStore {
  collectionNames(): string[];
  collection(name: string): CollectionStore | undefined;
  /** Creates an empty collection; the caller has checked that it does not exist. */
  createCollection(name: string): CollectionStore;
  dropCollection(name: string): boolean;
  /** Applies the writes of several collections as one unit: all of them or (on failure) none. */
  applyBatch(writes: readonly CollectionWrites[]): void;
}

export type DatabaseStoreFactory = (envId: string) => DatabaseStore;

/**
 * The collection of each of `writes`, every one checked before the caller writes anything so a
 * missing collection cannot leave half a batch applied.
 */
export function batchTargets<T>(collections: ReadonlyMap<string, T>, writes: readonly CollectionWrites[]): T[] {
  return writes.map((w) => {
    const target = collections.get(w.collection);
    if (!target) throw new Error(`applyBatch: collection ${w.collection} does not exist`);
    return target;
  });
}

export class MemoryCollectionStore implements CollectionStore {
  private readonly docs: DocMap;

  constructor(initial: Iterable<Doc> = []) {
    this.docs = new DocMap(initial);
  }

  documents(): readonly Doc[] {
    return this.docs.values();
  }

  get(id: DocId): Doc | undefined {
    return this.docs.get(id);
  }

  put(doc: Doc): void {
    this.docs.set(doc);
  }

  delete(id: DocId): boolean {
    return this.docs.delete(id);
  }

  clear(): void {
    this.docs.clear();
  }

  write(batch: DocumentWrites): void {
    for (const id of batch.delete) this.docs.delete(id);
    for (const doc of batch.put) this.docs.set(doc);
  }
}

export class MemoryDatabaseStore implements DatabaseStore {
  private readonly collections = new Map<string, MemoryCollectionStore>();

  collectionNames(): string[] {
    return [...this.collections.keys()];
  }

  collection(name: string): CollectionStore | undefined {
    return this.collections.get(name);
  }

  createCollection(name: string): CollectionStore {
    const created = new MemoryCollectionStore();
    this.collections.set(name, created);
    return created;
  }

  dropCollection(name: string): boolean {
    return this.collections.delete(name);
  }

  applyBatch(writes: readonly CollectionWrites[]): void {
    const targets = batchTargets(this.collections, writes);
    writes.forEach((w, i) => (targets[i] as MemoryCollectionStore).write(w));
  }
}

export const memoryStoreFactory: DatabaseStoreFactory = () => new MemoryDatabaseStore();
