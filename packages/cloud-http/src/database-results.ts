import { ProtocolError } from '@wxhub/core';
import { arrayField, numberField, objectField, objectItem, stringField, type Answer } from './responses';
import type { DocumentId } from './query-builder';
import { parseDocument } from './wire-document';

/** A document as the database returns it: JSON values, with Dates and RegExps revived. */
export type DocumentRow = Record<string, unknown>;

export interface Pager {
  /** Documents skipped (`.skip()`). */
  readonly offset: number;
  /** The page size asked for (`.limit()`, 10 by default). */
  readonly limit: number;
  /** Documents the `where` matches, all pages together. */
  readonly total: number;
}

export interface QueryResult<T = DocumentRow> {
  readonly data: T[];
  readonly pager: Pager;
}

export interface AddResult {
  readonly ids: DocumentId[];
}

export interface UpdateResult {
  readonly matched: number;
  /** Documents whose content changed; a document `doc(id).set()` created is not counted. */
  readonly modified: number;
  /** The `_id` of the document `doc(id).set()` created, when it created one. */
  readonly upsertedId?: DocumentId;
}

export interface DeleteResult {
  readonly deleted: number;
}

export interface CollectionInfo {
  readonly name: string;
  readonly count: number;
  /** Bytes of documents. */
  readonly size: number;
  readonly indexCount: number;
  /** Bytes of indexes. */
  readonly indexSize: number;
}

export interface CollectionList {
  readonly collections: CollectionInfo[];
  readonly pager: Pager;
}

export function readPager(answer: Answer, api: string): Pager {
  const pager = objectField(answer, 'pager', api);
  return { offset: numberField(pager, 'Offset', api), limit: numberField(pager, 'Limit', api), total: numberField(pager, 'Total', api) };
}

/**
 * `data: ["{…}", …]` as parsed documents. The row type is the caller's claim (the database's
 * JSON is untyped); nothing checks each row against it.
 */
export function readDocuments<T>(answer: Answer, api: string): T[] {
  return arrayField(answer, 'data', api).map((text, i) => {
    if (typeof text !== 'string') throw new ProtocolError(api, `data[${i}] is not a JSON string`);
    try {
      return parseDocument(text) as T;
    } catch {
      throw new ProtocolError(api, `data[${i}] is not valid JSON`);
    }
  });
}

export function readIds(answer: Answer, api: string): DocumentId[] {
  return arrayField(answer, 'id_list', api).map((id, i) => {
    if (typeof id !== 'string' && typeof id !== 'number') throw new ProtocolError(api, `id_list[${i}] is not an id`);
    return id;
  });
}

export function readUpdate(answer: Answer, api: string): UpdateResult {
  const id = answer.id;
  const upserted = typeof id === 'number' || (typeof id === 'string' && id !== '') ? { upsertedId: id } : {};
  return { matched: numberField(answer, 'matched', api), modified: numberField(answer, 'modified', api), ...upserted };
}

export function readCollections(answer: Answer, api: string): CollectionList {
  const collections = arrayField(answer, 'collections', api).map((item, i) => {
    const entry = objectItem(item, `collections[${i}]`, api);
    return {
      name: stringField(entry, 'name', api),
      count: numberField(entry, 'count', api),
      size: numberField(entry, 'size', api),
      indexCount: numberField(entry, 'index_count', api),
      indexSize: numberField(entry, 'index_size', api),
    };
  });
  return { collections, pager: readPager(answer, api) };
}
