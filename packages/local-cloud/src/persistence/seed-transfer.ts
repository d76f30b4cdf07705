import type { CollectionWrites, DatabaseStore } from '../sdk-backend/document-store';
import { idKey } from '../sdk-backend/documents';
import { formatSeed, parseSeed, type Seed } from './seed-format';

export interface ImportOptions {
  /**
   * `replace` (default): each seeded collection holds exactly the seed's documents afterwards.
   * `merge`: seed documents are inserted or replace the document with their `_id`; others stay.
   * Collections the seed does not name are never touched.
   */
  readonly mode?: 'replace' | 'merge';
}

export interface ImportedCollection {
  readonly name: string;
  readonly documents: number;
  /** The collection did not exist before. */
  readonly created: boolean;
}

/**
 * Loads a seed (file text or parsed) into one environment's store. The whole seed is checked
 * before anything is written, and all documents go in as one batch: all of them or none (with a
 * persistent store, one transaction). Collections created for a batch that then fails are dropped.
 */
export function importSeed(store: DatabaseStore, seed: Seed | string, options: ImportOptions = {}): ImportedCollection[] {
  const parsed = typeof seed === 'string' ? parseSeed(seed) : seed;
  const mode = options.mode ?? 'replace';
  const created: string[] = [];
  const batch: CollectionWrites[] = parsed.collections.map(({ name, documents }) => {
    let existing = store.collection(name);
    if (!existing) {
      existing = store.createCollection(name);
      created.push(name);
    }
    const seeded = new Set(documents.map((doc) => idKey(doc._id)));
    // Removing the seed's own ids as well makes the seed's order the natural order.
    const remove = existing
      .documents()
      .map((doc) => doc._id)
      .filter((id) => mode === 'replace' || seeded.has(idKey(id)));
    return { collection: name, delete: remove, put: documents };
  });
  try {
    store.applyBatch(batch);
  } catch (error) {
    for (const name of created) store.dropCollection(name);
    throw error;
  }
  return parsed.collections.map(({ name, documents }) => ({ name, documents: documents.length, created: created.includes(name) }));
}

export interface ExportOptions {
  /** Only these collections (each must exist); all of them by default. */
  readonly collections?: readonly string[];
}

/** The store's collections in the seed format, sorted by name, documents in natural order. */
export function exportData(store: DatabaseStore, options: ExportOptions = {}): string {
  const names = options.collections ? [...options.collections] : store.collectionNames().sort();
  return formatSeed({
    collections: names.map((name) => {
      const collection = store.collection(name);
      if (!collection) throw new Error(`exportData: collection ${name} does not exist`);
      return { name, documents: collection.documents() };
    }),
  });
}
