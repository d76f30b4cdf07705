import {
  DEFAULT_HTTP_LIMIT,
  resolveServerDates,
  type AddQuery,
  type AggregateQuery,
  type CountQuery,
  type DocumentId,
  type GetQuery,
  type QueryObject,
  type RemoveQuery,
  type SetQuery,
  type UpdateQuery,
} from '../../db-query';
import type { LocalDatabase } from '../../sdk-backend/local-database';
import {
  aggregateDocuments,
  countDocuments,
  insertDocuments,
  modifyDocuments,
  removeDocuments,
  selectDocuments,
  type Change,
} from '../../sdk-backend/collection-ops';
import type { DocId, PlainObject } from '../../sdk-backend/documents';
import { wireString } from '../../sdk-backend/document-codec';
import { nearOf } from '../../sdk-backend/geo';

/**
 * Runs a parsed HTTP API query on one environment's database with the same functions the SDK's
 * actions use (collection-ops: mingo matching, the update guards, all-or-nothing inserts), so a
 * query means the same through `tcb/database*` as through wx-server-sdk. Each function is
 * synchronous: a count and the write it describes cannot be interleaved with another request.
 * `db.serverDate()` markers become the local cloud's time (`nowMs`) before anything runs.
 */

export interface QueryAnswer {
  readonly pager: { readonly Offset: number; readonly Limit: number; readonly Total: number };
  readonly data: string[];
}

export function runGet(database: LocalDatabase, query: GetQuery, nowMs: number): QueryAnswer {
  const store = database.collectionStore(query.collection);
  const filter = filterOf(database, query.collection, query.where, query.docId, nowMs);
  const offset = query.skip ?? 0;
  const limit = query.limit ?? DEFAULT_HTTP_LIMIT;
  const order = query.orderBy && query.orderBy.length > 0 ? orderOf(query.orderBy) : undefined;
  const found = selectDocuments(store, {
    filter,
    offset,
    limit,
    ...(order ? { order } : {}),
    ...(query.field && Object.keys(query.field).length > 0 ? { projection: query.field as PlainObject } : {}),
  });
  return { pager: { Offset: offset, Limit: limit, Total: countDocuments(store, filter) }, data: found.map(wireString) };
}

export function runCount(database: LocalDatabase, query: CountQuery, nowMs: number): { count: number } {
  return { count: countDocuments(database.collectionStore(query.collection), filterOf(database, query.collection, query.where, undefined, nowMs)) };
}

export function runAdd(database: LocalDatabase, query: AddQuery, nowMs: number): { id_list: DocId[] } {
  const store = database.collectionStore(query.collection);
  const documents = query.data.map((document) => resolved(document, nowMs));
  return { id_list: insertDocuments(store, documents, database.newId, database.label(query.collection)) };
}

export interface UpdateAnswer {
  readonly matched: number;
  readonly modified: number;
  /** The `_id` a `doc(id).set()` created; '' otherwise (WeChat: "only set inserts fill it"). */
  readonly id: DocId | '';
}

/**
 * `where(…).update()` changes every match (the HTTP API's update is multi), `doc(id).update()`
 * one document, `doc(id).set()` replaces one or creates it — a created document counts as
 * neither matched nor modified, as WeChat documents.
 */
export function runUpdate(database: LocalDatabase, query: UpdateQuery | SetQuery, nowMs: number): UpdateAnswer {
  const store = database.collectionStore(query.collection);
  const filter = filterOf(database, query.collection, query.op === 'update' ? query.where : undefined, query.docId, nowMs);
  const multi = query.docId === undefined;
  const data = resolved(query.data, nowMs);
  const change: Change = query.op === 'set' ? { kind: 'replace', document: data } : { kind: 'update', operators: data };
  const result = modifyDocuments(store, { filter, change, multi, upsert: query.op === 'set' }, database.newId, database.label(query.collection));
  return { matched: result.matched, modified: result.updated, id: result.upsertedId ?? '' };
}

export function runRemove(database: LocalDatabase, query: RemoveQuery, nowMs: number): { deleted: number } {
  const store = database.collectionStore(query.collection);
  return { deleted: removeDocuments(store, filterOf(database, query.collection, query.where, query.docId, nowMs), query.docId === undefined) };
}

export function runAggregate(database: LocalDatabase, query: AggregateQuery, nowMs: number): { data: string[] } {
  const store = database.collectionStore(query.collection);
  const pipeline = query.stages.map((stage) => resolved(stage, nowMs));
  const list = aggregateDocuments(store, pipeline, (other) => database.lookupDocuments(other), {
    collection: query.collection,
    fields: database.indexes.geoFields(query.collection),
  });
  return { data: list.map(wireString) };
}

/** `doc(id)` narrows to that `_id`; no `where` selects every document; a geoNear needs its 2dsphere index. */
function filterOf(database: LocalDatabase, collection: string, where: QueryObject | undefined, docId: DocumentId | undefined, nowMs: number): PlainObject {
  const filter = where ? resolved(where, nowMs) : {};
  const near = nearOf(filter);
  if (near) database.indexes.requireGeoIndex(collection, near.field);
  return docId === undefined ? filter : { ...filter, _id: docId };
}

function orderOf(orderBy: NonNullable<GetQuery['orderBy']>): Record<string, 1 | -1> {
  const order: Record<string, 1 | -1> = {};
  for (const { field, direction } of orderBy) order[field] = direction === 'asc' ? 1 : -1;
  return order;
}

function resolved(value: QueryObject, nowMs: number): PlainObject {
  return resolveServerDates(value, nowMs) as PlainObject;
}
