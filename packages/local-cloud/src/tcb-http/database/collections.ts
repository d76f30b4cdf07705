import { calculateObjectSize } from 'bson';
import type { LocalDatabase } from '../../sdk-backend/local-database';

export interface CollectionInfo {
  readonly name: string;
  readonly count: number;
  /** Total BSON size of the documents, in bytes, as MongoDB counts a collection's data size. */
  readonly size: number;
  /** Every collection has its `_id` index; the local cloud keeps no others. */
  readonly index_count: number;
  /** The local cloud keeps no index pages, so 0 rather than an invented number. */
  readonly index_size: number;
}

export interface CollectionPage {
  readonly collections: CollectionInfo[];
  readonly pager: { readonly Offset: number; readonly Limit: number; readonly Total: number };
}

/** `databasecollectionget`: collections in name order, one page of them. */
export function collectionPage(database: LocalDatabase, offset: number, limit: number): CollectionPage {
  const names = database.listCollections();
  const collections = names.slice(offset, offset + limit).map((name) => {
    const documents = database.collectionStore(name).documents();
    const size = documents.reduce((total, document) => total + calculateObjectSize(document), 0);
    return { name, count: documents.length, size, index_count: 1, index_size: 0 };
  });
  return { collections, pager: { Offset: offset, Limit: limit, Total: names.length } };
}
