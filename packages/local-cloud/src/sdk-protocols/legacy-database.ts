import { SERVER_DATE_KEY } from '@wxhub/db-query-language';
import type { ActionContext, ActionHandler, ActionReply } from '../sdk-backend/action-types';
import { invalidParam } from '../sdk-backend/backend-error';
import type { CloudBackend } from '../sdk-backend/cloud-backend';
import { DATABASE_ACTIONS } from '../sdk-backend/database-actions';
import { decodeEjson, toWireJson } from '../sdk-backend/document-codec';
import { isPlainObject, type PlainObject } from '../sdk-backend/documents';

/**
 * The database actions of wx-server-sdk 0.x/1.x (tcb-admin-node with @cloudbase/database 0.1–0.9),
 * learnt from their published code: the same operations as today's, under older names and with
 * plain JSON trees where today's SDK sends EJSON strings.
 *
 * | old action               | params (besides collectionName)                    | answer `data`                 |
 * | database.addDocument     | data (object), _id?                                 | {_id}                         |
 * | database.queryDocument   | query?, order? [{field, direction}], offset, limit, projection | {list: [documents]}  |
 * | database.countDocument   | query?                                              | {total}                       |
 * | database.updateDocument  | query, data ({$op: ...} or a document), multi, merge, upsert | {updated, upserted_id} |
 * | database.deleteDocument  | query, multi                                        | {deleted}                     |
 *
 * Dates are `{$date: ms}`, `db.serverDate()` is `{$date: {offset}}`, regular expressions
 * `{$regex, $options}`; documents are answered in the same form. Each is translated to today's
 * action and run by the same handler, so both protocols share one database semantics.
 */
export function registerLegacyDatabaseActions(backend: CloudBackend): void {
  for (const [action, handler] of Object.entries(LEGACY_DATABASE_ACTIONS)) backend.registerAction(action, handler);
}

function current(name: string): ActionHandler {
  const handler = DATABASE_ACTIONS[name];
  if (!handler) throw new Error(`the backend has no ${name}`);
  return handler;
}

/** Runs today's action with translated params. */
async function run(ctx: ActionContext, name: string, params: PlainObject): Promise<ActionReply> {
  return current(name)({ ...ctx, action: name, params });
}

/** An old JSON tree as today's EJSON string: `{$date: {offset}}` becomes the server-date marker, `{$date: ms}` a canonical date. */
function ejson(tree: unknown): string {
  return JSON.stringify(serverDates(tree));
}

function serverDates(tree: unknown): unknown {
  if (Array.isArray(tree)) return tree.map(serverDates);
  if (!isPlainObject(tree)) return tree;
  const keys = Object.keys(tree);
  if (keys.length === 1 && keys[0] === '$date' && isPlainObject(tree.$date)) return { [SERVER_DATE_KEY]: tree.$date };
  // Canonical EJSON spells a date's milliseconds as $numberLong; the old SDKs send a bare number.
  if (keys.length === 1 && keys[0] === '$date' && typeof tree.$date === 'number') return { $date: { $numberLong: String(Math.trunc(tree.$date)) } };
  const out: PlainObject = {};
  for (const [key, value] of Object.entries(tree)) out[key] = serverDates(value);
  return out;
}

function optional(params: PlainObject, ...names: string[]): PlainObject {
  const out: PlainObject = {};
  for (const name of names) if (params[name] !== undefined && params[name] !== null) out[name] = params[name];
  return out;
}

function queryParam(params: PlainObject): PlainObject {
  return params.query === undefined || params.query === null ? {} : { query: ejson(params.query) };
}

/** Today's answer's EJSON documents as the old SDK reads them (plain JSON with `$date`, `$regex`). */
function legacyDocuments(list: unknown, now: number): unknown[] {
  if (!Array.isArray(list)) return [];
  return list.map((text, i) => toWireJson(decodeEjson(text, `list[${i}]`, now)));
}

function data(reply: ActionReply): PlainObject {
  const value = (reply as { data?: unknown }).data;
  return isPlainObject(value) ? value : {};
}

const LEGACY_DATABASE_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  'database.addDocument': async (ctx) => {
    const { params } = ctx;
    if (!isPlainObject(params.data)) throw invalidParam('data must be an object');
    const document = params._id !== undefined ? { ...params.data, _id: params._id } : params.data;
    const reply = await run(ctx, 'database.insertDocument', { ...optional(params, 'collectionName'), data: [ejson(document)] });
    const ids = data(reply).insertedIds;
    return { data: { _id: Array.isArray(ids) ? ids[0] : undefined } };
  },
  'database.queryDocument': async (ctx) => {
    const { params } = ctx;
    const reply = await run(ctx, 'database.getDocument', {
      ...optional(params, 'collectionName', 'offset', 'limit'),
      ...queryParam(params),
      ...(params.order !== undefined && params.order !== null ? { order: ejson(params.order) } : {}),
      ...(isPlainObject(params.projection) && Object.keys(params.projection).length > 0 ? { projection: ejson(params.projection) } : {}),
    });
    const { list, limit, offset } = data(reply);
    return { data: { list: legacyDocuments(list, ctx.now) }, Limit: limit, Offset: offset };
  },
  'database.countDocument': async (ctx) => {
    const reply = await run(ctx, 'database.calculateDocument', { ...optional(ctx.params, 'collectionName'), ...queryParam(ctx.params) });
    return { data: { total: data(reply).total } };
  },
  'database.updateDocument': async (ctx) => {
    const { params } = ctx;
    if (!isPlainObject(params.data)) throw invalidParam('data must be an object');
    const reply = await run(ctx, 'database.modifyDocument', {
      ...optional(params, 'collectionName', 'multi', 'merge', 'upsert'),
      ...queryParam(params),
      data: ejson(params.data),
    });
    const { updated, upsert_id: upserted } = data(reply);
    return { data: { updated, ...(upserted !== undefined ? { upserted_id: upserted, upsert_id: upserted } : {}) } };
  },
  'database.deleteDocument': async (ctx) => {
    const reply = await run(ctx, 'database.removeDocument', { ...optional(ctx.params, 'collectionName', 'multi'), ...queryParam(ctx.params) });
    return { data: { deleted: data(reply).deleted } };
  },
};

/** For tests: the old action names served. */
export const LEGACY_DATABASE_ACTION_NAMES: readonly string[] = Object.keys(LEGACY_DATABASE_ACTIONS);
