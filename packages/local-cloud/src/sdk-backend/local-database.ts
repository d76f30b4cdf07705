import { BackendCode, CloudBackendError, invalidParam } from './backend-error';
import { CollectionIndexes } from './collection-indexes';
import { countDocuments, insertDocuments, selectDocuments } from './collection-ops';
import type { CollectionStore, DatabaseStore } from './document-store';
import { cloneValue, isPlainObject, newDocumentId, type Doc, type DocId, type PlainObject } from './documents';
import { TransactionManager } from './transactions';

export interface FindOptions {
  readonly order?: Readonly<Record<string, 1 | -1>>;
  readonly skip?: number;
  readonly limit?: number;
  readonly projection?: PlainObject;
}

/**
 * The database of one cloud environment. The wire actions reach collections through
 * `collectionStore`; tests and tools use the admin methods, which take and return plain JS
 * objects (Dates as Date) and copies, never the stored documents themselves.
 */
export class LocalDatabase {
  readonly transactions: TransactionManager;
  /** The indexes its collections are declared to have (geo queries need their 2dsphere ones). */
  readonly indexes = new CollectionIndexes();

  constructor(
    readonly envId: string,
    private readonly store: DatabaseStore,
    readonly newId: () => string = newDocumentId,
    /** The clock transactions' 30 s lifetime is measured on (the local cloud's, so tests can move it). */
    now: () => number = Date.now,
  ) {
    this.transactions = new TransactionManager(store, now);
  }

  /** A collection for one request: the transaction's view when a transaction id is given. */
  collectionStore(name: string, transactionId?: string): CollectionStore {
    if (transactionId) return this.transactions.collection(transactionId, name, () => collectionMissing(name));
    const collection = this.store.collection(name);
    if (!collection) throw collectionMissing(name);
    return collection;
  }

  /** How error messages name a collection, like the real `env.collection` namespace. */
  label(name: string): string {
    return `${this.envId}.${name}`;
  }

  /** Documents of another collection for `$lookup`; a missing one reads as empty, as in MongoDB. */
  lookupDocuments(name: string): readonly Doc[] {
    return this.store.collection(name)?.documents() ?? [];
  }

  createCollection(name: string): void {
    assertCollectionName(name);
    if (this.store.collection(name)) {
      throw new CloudBackendError(
        BackendCode.DATABASE_COLLECTION_ALREADY_EXIST,
        `[ResourceInUse] Table exist: ${name}. Please check your request, but if the problem persists, contact us.`,
      );
    }
    this.store.createCollection(name);
  }

  hasCollection(name: string): boolean {
    return this.store.collection(name) !== undefined;
  }

  listCollections(): string[] {
    return this.store.collectionNames().sort();
  }

  dropCollection(name: string): boolean {
    return this.store.dropCollection(name);
  }

  find(collection: string, filter: PlainObject = {}, options: FindOptions = {}): PlainObject[] {
    const found = selectDocuments(this.collectionStore(collection), {
      filter,
      ...(options.order ? { order: options.order } : {}),
      ...(options.skip ? { offset: options.skip } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.projection ? { projection: options.projection } : {}),
    });
    return found.map((doc) => cloneValue(doc) as PlainObject);
  }

  count(collection: string, filter: PlainObject = {}): number {
    return countDocuments(this.collectionStore(collection), filter);
  }

  /** Inserts plain objects; `_id`s are generated where missing. A duplicate `_id` refuses all. */
  insert(collection: string, docs: PlainObject | readonly PlainObject[]): DocId[] {
    const list: readonly unknown[] = Array.isArray(docs) ? docs : [docs];
    const objects = list.map((doc) => {
      if (!isPlainObject(doc)) throw invalidParam('documents must be plain objects');
      return doc;
    });
    return insertDocuments(this.collectionStore(collection), objects, this.newId, this.label(collection));
  }

  /** Empties one collection, or with no name removes every collection of the environment. */
  clear(collection?: string): void {
    if (collection !== undefined) {
      this.collectionStore(collection).clear();
      return;
    }
    for (const name of this.store.collectionNames()) this.store.dropCollection(name);
  }
}

export function collectionMissing(name: string): CloudBackendError {
  return new CloudBackendError(
    BackendCode.DATABASE_COLLECTION_NOT_EXIST,
    `[ResourceNotFound] Db or Table not exist: ${name}. Please check your request, but if the problem persists, contact us.`,
  );
}

function assertCollectionName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw invalidParam('collectionName must be a non-empty string');
}
