import type { Clock } from '@wxhub/core';
import { parseDbQuery, QueryParseError, resolveServerDates } from '../db-query';
import { CloudBackendError } from '../sdk-backend/backend-error';
import { modifyDocuments, removeDocuments } from '../sdk-backend/collection-ops';
import type { CloudBackend } from '../sdk-backend/cloud-backend';
import { fromEjsonTree, toEjsonTree } from '../sdk-backend/document-codec';
import { isDocId, isPlainObject, type PlainObject } from '../sdk-backend/documents';
import type { LocalDatabase } from '../sdk-backend/local-database';
import type { AdminRoutes, DocumentJson } from './contract';
import { AdminFailure, adminRoute, badRequest, integerParam, isObject, required } from './admin-route';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

type Response<K extends keyof AdminRoutes> = AdminRoutes[K]['response'];

/**
 * The console's database routes: paged documents with a filter in the cloud database query
 * language (parsed by the HTTP API's own parser, db-query), edits that keep types (documents
 * travel as relaxed Extended JSON: a Date is `{$date}`), collections, import and export.
 */
export function databaseRoutes(backend: CloudBackend, clock: Clock) {
  const database = (env: string): LocalDatabase | AdminFailure =>
    backend.envIds.includes(env) ? backend.database(env) : new AdminFailure(404, 'NO_ENV', `no environment ${env}`);
  const collection = (env: string | AdminFailure, name: string | AdminFailure): { db: LocalDatabase; name: string } | AdminFailure => {
    if (env instanceof AdminFailure) return env;
    if (name instanceof AdminFailure) return name;
    const db = database(env);
    if (db instanceof AdminFailure) return db;
    return db.hasCollection(name) ? { db, name } : new AdminFailure(404, 'NO_COLLECTION', `no collection ${name} in ${env}`);
  };
  const bodyCollection = (body: unknown, field: 'collection' | 'name') =>
    isObject(body) && typeof body.env === 'string' && typeof body[field] === 'string'
      ? collection(body.env, body[field] as string)
      : badRequest(`the body needs env and ${field}`);

  return [
    adminRoute('GET /documents', ({ query }): Response<'GET /documents'> | AdminFailure => {
      const target = collection(required(query, 'env'), required(query, 'collection'));
      if (target instanceof AdminFailure) return target;
      const limit = integerParam(query.get('limit'), DEFAULT_PAGE);
      const offset = integerParam(query.get('offset'), 0);
      if (limit === undefined || limit < 1 || limit > MAX_PAGE) return badRequest(`limit must be 1-${MAX_PAGE}`);
      if (offset === undefined) return badRequest('offset must be a non-negative integer');
      const filter = parseFilter(query.get('filter') ?? '', clock.now());
      if (filter instanceof AdminFailure) return filter;
      const { db, name } = target;
      return guarded(() => ({
        env: db.envId,
        collection: name,
        total: db.count(name, filter),
        offset,
        limit,
        documents: db.find(name, filter, { skip: offset, limit, order: { _id: 1 } }).map(toJson),
      }));
    }),
    adminRoute(
      'POST /documents',
      ({ body }) => {
        const target = bodyCollection(body, 'collection');
        if (target instanceof AdminFailure) return target;
        const document = (body as { document?: unknown }).document;
        return guarded(() => {
          const [id] = target.db.insert(target.name, fromJson(document));
          return { id: id as string | number };
        });
      },
      201,
    ),
    adminRoute('PUT /documents', ({ body }) => {
      const target = bodyCollection(body, 'collection');
      if (target instanceof AdminFailure) return target;
      const { id, document } = body as { id?: unknown; document?: unknown };
      if (!isDocId(id) || typeof id === 'object') return badRequest('id must be a string or a number');
      return guarded(() => {
        const fields = fromJson(document);
        const result = modifyDocuments(
          target.db.collectionStore(target.name),
          { filter: { _id: id }, change: { kind: 'replace', document: fields }, multi: false, upsert: false },
          target.db.newId,
          target.db.label(target.name),
        );
        if (result.matched === 0) return new AdminFailure(404, 'NO_DOCUMENT', `no document ${String(id)} in ${target.name}`);
        return { id, replaced: true };
      });
    }),
    adminRoute('DELETE /documents', ({ query }) => {
      const target = collection(required(query, 'env'), required(query, 'collection'));
      if (target instanceof AdminFailure) return target;
      const id = required(query, 'id');
      if (id instanceof AdminFailure) return id;
      // An id typed in the console is text; a document whose _id is a number is found too.
      const filter = /^-?\d+(\.\d+)?$/.test(id) ? { _id: { $in: [id, Number(id)] } } : { _id: id };
      return guarded(() => ({ deleted: removeDocuments(target.db.collectionStore(target.name), filter, false) }));
    }),
    adminRoute(
      'POST /collections',
      ({ body }) => {
        if (!isObject(body) || typeof body.env !== 'string' || typeof body.name !== 'string') return badRequest('the body needs env and name');
        const db = database(body.env);
        if (db instanceof AdminFailure) return db;
        const name = body.name;
        return guarded(() => {
          db.createCollection(name);
          return { created: name };
        });
      },
      201,
    ),
    adminRoute('DELETE /collections', ({ query }) => {
      const target = collection(required(query, 'env'), required(query, 'name'));
      if (target instanceof AdminFailure) return target;
      return { dropped: target.db.dropCollection(target.name) };
    }),
    adminRoute('POST /collections/import', ({ body }) => {
      const target = bodyCollection(body, 'collection');
      if (target instanceof AdminFailure) return target;
      const documents = (body as { documents?: unknown }).documents;
      if (!Array.isArray(documents)) return badRequest('documents must be an array');
      return guarded(() => {
        // Every document is read before any is written: one bad entry, nothing inserted.
        const decoded = documents.map((document, i) => fromJson(document, `[${i}]`));
        return { inserted: target.db.insert(target.name, decoded).length };
      });
    }),
    adminRoute('GET /collections/export', ({ query }) => {
      const target = collection(required(query, 'env'), required(query, 'name'));
      if (target instanceof AdminFailure) return target;
      return { env: target.db.envId, collection: target.name, documents: target.db.find(target.name, {}, { order: { _id: 1 } }).map(toJson) };
    }),
  ];
}

/** Lines before the filter in the text handed to the parser. */
const FILTER_PREFIX = 'db.collection("console").where(\n';

/**
 * The console's filter box holds what goes inside `.where(...)`. It is parsed as part of a whole
 * query by the HTTP API's parser (never evaluated), and a refusal's position is moved back into
 * the filter's own lines and columns.
 */
export function parseFilter(text: string, nowMs: number): PlainObject | AdminFailure {
  if (text.trim() === '') return {};
  try {
    const parsed = parseDbQuery(`${FILTER_PREFIX}${text}\n).get()`);
    if (parsed.op !== 'get') return new AdminFailure(400, 'BAD_FILTER', 'the filter must be the argument of where(...)');
    return resolveServerDates(parsed.where ?? {}, nowMs) as PlainObject;
  } catch (error) {
    if (!(error instanceof QueryParseError)) throw error;
    const lines = text.split('\n');
    const position = error.position
      ? {
          line: Math.min(Math.max(error.position.line - 1, 1), lines.length),
          column: error.position.line - 1 > lines.length ? (lines.at(-1)?.length ?? 0) + 1 : error.position.column,
        }
      : undefined;
    return new AdminFailure(400, 'BAD_FILTER', error.reason, position);
  }
}

function toJson(document: PlainObject): DocumentJson {
  return toEjsonTree(document, 'relaxed', '') as DocumentJson;
}

function fromJson(document: unknown, path = ''): PlainObject {
  if (!isPlainObject(document)) throw new CloudBackendError('INVALID_PARAM', `document${path} must be a JSON object`);
  return fromEjsonTree(document, { longs: 'number-if-safe' }, path) as PlainObject;
}

/** The database's refusals (duplicate _id, a value it cannot store) as 400s with their message. */
function guarded<T>(work: () => T | AdminFailure): T | AdminFailure {
  try {
    return work();
  } catch (error) {
    if (error instanceof CloudBackendError) return new AdminFailure(400, error.code, error.message);
    throw error;
  }
}
