import type { Doc, DocId } from './documents';

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
}

/** One collection's share of a transaction commit. */
export interface CollectionWrites {
  readonly collection: string;
  readonly put: readonly Doc[];
  readonly delete: readonly DocId[];
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
  private readonly docs = new Map<DocId, Doc>();

  constructor(initial: Iterable<Doc> = []) {
    for (const doc of initial) this.docs.set(doc._id, doc);
  }

  documents(): readonly Doc[] {
    return [...this.docs.values()];
  }

  get(id: DocId): Doc | undefined {
    return this.docs.get(id);
  }

  put(doc: Doc): void {
    this.docs.set(doc._id, doc);
  }

  delete(id: DocId): boolean {
    return this.docs.delete(id);
  }

  clear(): void {
    this.docs.clear();
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
    writes.forEach((w, i) => {
      const target = targets[i] as MemoryCollectionStore;
      for (const id of w.delete) target.delete(id);
      for (const doc of w.put) target.put(doc);
    });
  }
}

export const memoryStoreFactory: DatabaseStoreFactory = () => new MemoryDatabaseStore();
