import type { Statement } from 'better-sqlite3';
import type { Doc, DocId } from '../sdk-backend/documents';
import type { SqliteConnection } from './sqlite-file';
import { decodeStoredDocument, docKey, encodeStoredDocument } from './stored-document';
import { StoreFileError } from './store-errors';

export interface StoredCollection {
  readonly name: string;
  /** In natural order. */
  readonly documents: Doc[];
}

/**
 * The SQL side of a store: every write runs one statement (its own transaction unless it runs
 * inside `transaction`). Encoding happens inside the write, so a document that cannot be stored
 * fails the statement it belongs to, and inside a batch rolls back the writes before it.
 */
export class DocumentTable {
  private readonly upsert: Statement<[string, string, number, string]>;
  private readonly remove: Statement<[string, string]>;
  private readonly removeAll: Statement<[string]>;
  private readonly addCollection: Statement<[string, number]>;
  private readonly removeCollection: Statement<[string]>;
  /** Gaps (rolled-back batches, replaced documents) are harmless: only the order matters. */
  private nextDocumentSeq: number;
  private nextCollectionSeq: number;

  /** @internal better-sqlite3 is an optional peer: its types stay out of the published declarations. */
  constructor(
    private readonly db: SqliteConnection,
    readonly file: string,
  ) {
    this.upsert = db.prepare(
      'INSERT INTO documents (collection, id, seq, body) VALUES (?, ?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET body = excluded.body',
    );
    this.remove = db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?');
    this.removeAll = db.prepare('DELETE FROM documents WHERE collection = ?');
    this.addCollection = db.prepare('INSERT INTO collections (name, seq) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    this.removeCollection = db.prepare('DELETE FROM collections WHERE name = ?');
    this.nextDocumentSeq = Number(db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM documents').pluck().get());
    this.nextCollectionSeq = Number(db.prepare('SELECT coalesce(max(seq), 0) + 1 FROM collections').pluck().get());
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** Every collection with its documents, in the order they were created and inserted. */
  load(): StoredCollection[] {
    const collections = new Map<string, Doc[]>();
    for (const name of this.db.prepare('SELECT name FROM collections ORDER BY seq').pluck().all()) {
      collections.set(String(name), []);
    }
    const rows = this.db.prepare<[], { collection: string; id: string; body: string }>('SELECT collection, id, body FROM documents ORDER BY collection, seq');
    for (const row of rows.iterate()) {
      const doc = this.decode(row);
      const documents = collections.get(row.collection);
      if (!documents) throw new StoreFileError(this.file, `document ${row.id} belongs to missing collection ${row.collection}`);
      documents.push(doc);
    }
    return [...collections].map(([name, documents]) => ({ name, documents }));
  }

  put(collection: string, doc: Doc): void {
    this.assertOpen();
    this.upsert.run(collection, docKey(doc._id), this.nextDocumentSeq, encodeStoredDocument(doc));
    this.nextDocumentSeq += 1;
  }

  delete(collection: string, id: DocId): void {
    this.assertOpen();
    this.remove.run(collection, docKey(id));
  }

  clear(collection: string): void {
    this.assertOpen();
    this.removeAll.run(collection);
  }

  /** An existing collection is emptied, as the in-memory store replaces it with an empty one. */
  createCollection(name: string): void {
    this.transaction(() => {
      this.removeAll.run(name);
      this.addCollection.run(name, this.nextCollectionSeq);
    });
    this.nextCollectionSeq += 1;
  }

  dropCollection(name: string): void {
    this.transaction(() => {
      this.removeAll.run(name);
      this.removeCollection.run(name);
    });
  }

  /** Runs `writes` as one SQLite transaction: committed together, or rolled back if it throws. */
  transaction(writes: () => void): void {
    this.assertOpen();
    this.db.transaction(writes)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private decode(row: { collection: string; id: string; body: string }): Doc {
    let doc: Doc;
    try {
      doc = decodeStoredDocument(row.body);
    } catch (error) {
      throw new StoreFileError(this.file, `document ${row.id} of collection ${row.collection} cannot be read: ${(error as Error).message}`, { cause: error });
    }
    if (docKey(doc._id) !== row.id) throw new StoreFileError(this.file, `document ${row.id} of collection ${row.collection} holds _id ${docKey(doc._id)}`);
    return doc;
  }

  private assertOpen(): void {
    if (!this.db.open) throw new Error(`local cloud database ${this.file} is closed`);
  }
}
