import { randomBytes } from 'node:crypto';
import { BackendCode, CloudBackendError } from './backend-error';
import type { CollectionStore, CollectionWrites, DatabaseStore, DocumentWrites } from './document-store';
import { DocMap, idKey, type Doc, type DocId } from './documents';

/**
 * How long a transaction may stay open, from its start (WeChat / CloudBase: a transaction not
 * committed within 30 s is aborted by the server; docs/wechat-facts.md, Corrections 6).
 */
export const TRANSACTION_LIFETIME_MS = 30_000;

/** Claims a document for a transaction's write; throws (and ends the transaction) on a conflict. */
type Claim = (collection: string, id: DocId, snapshot: Doc | undefined) => void;

/**
 * A transaction's private view of one collection: the collection as of the transaction's
 * snapshot, plus its own writes. Nothing reaches the real collection until commit. Every write
 * first claims its documents (see TransactionManager.claim), all of a batch before any is applied.
 */
class StagedCollection implements CollectionStore {
  /**
   * The transaction's own writes laid over the snapshot (which is shared, never copied): a new
   * version of a snapshot document in its place, null where it deleted one. `appended` holds
   * documents that sit after the snapshot's in natural order: new ids, and snapshot ids deleted
   * then written again (a Map moves a re-added key to the end, as the stores do). All keyed by idKey.
   */
  private readonly replaced = new Map<string, Doc | null>();
  private readonly appended = new Map<string, Doc>();
  private readonly written = new Map<string, DocId>();

  constructor(
    private readonly name: string,
    private readonly snapshot: DocMap,
    private readonly claim: Claim,
  ) {}

  documents(): readonly Doc[] {
    if (this.replaced.size === 0 && this.appended.size === 0) return this.snapshot.values();
    const out: Doc[] = [];
    for (const [key, doc] of this.snapshot.entries()) {
      const own = this.replaced.get(key);
      if (own === undefined) out.push(doc);
      else if (own !== null) out.push(own);
    }
    for (const doc of this.appended.values()) out.push(doc);
    return out;
  }

  get(id: DocId): Doc | undefined {
    const key = idKey(id);
    const added = this.appended.get(key);
    if (added) return added;
    const own = this.replaced.get(key);
    if (own !== undefined) return own ?? undefined;
    return this.snapshot.get(id);
  }

  put(doc: Doc): void {
    this.write({ put: [doc], delete: [] });
  }

  delete(id: DocId): boolean {
    const had = this.get(id) !== undefined;
    this.write({ put: [], delete: [id] });
    return had;
  }

  clear(): void {
    this.write({ put: [], delete: this.documents().map((doc) => doc._id) });
  }

  write(batch: DocumentWrites): void {
    for (const id of batch.delete) this.claim(this.name, id, this.snapshot.get(id));
    for (const doc of batch.put) this.claim(this.name, doc._id, this.snapshot.get(doc._id));
    for (const id of batch.delete) {
      const key = idKey(id);
      this.appended.delete(key);
      if (this.snapshot.has(id)) this.replaced.set(key, null);
      this.written.set(key, id);
    }
    for (const doc of batch.put) {
      const id = doc._id;
      const key = idKey(id);
      if (this.appended.has(key) || !this.snapshot.has(id) || this.replaced.get(key) === null) this.appended.set(key, doc);
      else this.replaced.set(key, doc);
      this.written.set(key, id);
    }
  }

  /** Someone outside the transaction changed a document it wrote (stores never mutate in place). */
  changedOutside(current: CollectionStore | undefined): boolean {
    for (const id of this.written.values()) {
      if (current?.get(id) !== this.snapshot.get(id)) return true;
    }
    return false;
  }

  writes(): CollectionWrites {
    const put: Doc[] = [];
    const deleted: DocId[] = [];
    for (const id of this.written.values()) {
      const doc = this.get(id);
      if (doc) put.push(doc);
      else if (this.snapshot.has(id)) deleted.push(id);
    }
    return { collection: this.name, put, delete: deleted };
  }
}

interface OpenTransaction {
  readonly startedAt: number;
  /** Every collection's documents as of the transaction's first read or write (snapshot isolation). */
  snapshot: Map<string, DocMap> | undefined;
  readonly views: Map<string, StagedCollection>;
  /** The documents this transaction holds write locks on, as `collection\u0000idKey`. */
  readonly locks: Set<string>;
}

/**
 * Transactions of one environment, as the real backend runs them (MongoDB underneath): snapshot
 * isolation with write locks.
 * - The first operation takes a snapshot of every collection; all reads see that snapshot plus
 *   the transaction's own writes.
 * - A write locks its documents until the transaction ends. Writing a document another open
 *   transaction has locked, or one changed outside since the snapshot, is a write conflict:
 *   DATABASE_TRANSACTION_CONFLICT, and the transaction is over (runTransaction re-runs its
 *   callback in a new one without rolling back, so the server must end it).
 * - Commit applies all writes in one storage batch, after checking once more that nobody outside
 *   changed what it wrote (a write outside transactions does not wait for locks here).
 * - A transaction that ended (committed, rolled back, conflicted) or is older than 30 s does not
 *   exist any more: DATABASE_TRANSACTION_FAIL, "[ResourceUnavailable.TransactionNotExist] …".
 */
export class TransactionManager {
  private readonly open = new Map<string, OpenTransaction>();
  /** Write locks: `collection\u0000idKey` → transaction id. */
  private readonly lockOwners = new Map<string, string>();

  constructor(
    private readonly store: DatabaseStore,
    private readonly now: () => number = Date.now,
  ) {}

  start(): string {
    const id = randomBytes(12).toString('hex');
    this.open.set(id, { startedAt: this.now(), snapshot: undefined, views: new Map(), locks: new Set() });
    return id;
  }

  /** The transaction's view of a collection; `missing` builds the error for an absent one. */
  collection(transactionId: string, name: string, missing: () => Error): CollectionStore {
    const transaction = this.live(transactionId);
    transaction.snapshot ??= this.takeSnapshot();
    let view = transaction.views.get(name);
    if (!view) {
      let snapshot = transaction.snapshot.get(name);
      if (!snapshot) {
        // Created after the snapshot: seen as it is now (MongoDB reads it as empty; the difference
        // only shows for a collection created during a transaction).
        const base = this.store.collection(name);
        if (!base) throw missing();
        snapshot = new DocMap(base.documents());
      }
      view = new StagedCollection(name, snapshot, (collection, id, before) => this.claim(transactionId, collection, id, before));
      transaction.views.set(name, view);
    }
    return view;
  }

  commit(transactionId: string): void {
    const transaction = this.live(transactionId);
    const batch: CollectionWrites[] = [];
    for (const [name, view] of transaction.views) {
      const writes = view.writes();
      if (writes.put.length === 0 && writes.delete.length === 0) continue;
      if (view.changedOutside(this.store.collection(name))) throw this.conflict(transactionId, name);
      batch.push(writes);
    }
    this.end(transactionId);
    this.store.applyBatch(batch);
  }

  abort(transactionId: string): void {
    this.live(transactionId);
    this.end(transactionId);
  }

  get openCount(): number {
    return this.open.size;
  }

  private takeSnapshot(): Map<string, DocMap> {
    const snapshot = new Map<string, DocMap>();
    for (const name of this.store.collectionNames()) {
      const documents = this.store.collection(name)?.documents() ?? [];
      snapshot.set(name, new DocMap(documents));
    }
    return snapshot;
  }

  private claim(transactionId: string, collection: string, id: DocId, before: Doc | undefined): void {
    const transaction = this.live(transactionId);
    const key = `${collection}\u0000${idKey(id)}`;
    if (transaction.locks.has(key)) return;
    const owner = this.lockOwners.get(key);
    if (owner !== undefined && owner !== transactionId) throw this.conflict(transactionId, collection);
    if (this.store.collection(collection)?.get(id) !== before) throw this.conflict(transactionId, collection);
    this.lockOwners.set(key, transactionId);
    transaction.locks.add(key);
  }

  /** Ends the transaction (its locks released) and builds the conflict error. */
  private conflict(transactionId: string, collection: string): CloudBackendError {
    this.end(transactionId);
    return new CloudBackendError(
      BackendCode.DATABASE_TRANSACTION_CONFLICT,
      `[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others (collection ${collection}); transaction ${transactionId} was aborted. Please check your request, but if the problem persists, contact us.`,
    );
  }

  private end(transactionId: string): void {
    const transaction = this.open.get(transactionId);
    if (!transaction) return;
    for (const key of transaction.locks) this.lockOwners.delete(key);
    this.open.delete(transactionId);
  }

  private live(transactionId: string): OpenTransaction {
    const transaction = this.open.get(transactionId);
    if (transaction && this.now() - transaction.startedAt > TRANSACTION_LIFETIME_MS) this.end(transactionId);
    const current = this.open.get(transactionId);
    if (!current) {
      throw new CloudBackendError(
        BackendCode.DATABASE_TRANSACTION_FAIL,
        `[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transactionId: ${transactionId}. Please check your request, but if the problem persists, contact us.`,
      );
    }
    return current;
  }
}
