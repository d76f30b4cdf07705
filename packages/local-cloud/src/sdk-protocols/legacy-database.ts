import type { ActionHandler } from '../sdk-backend/action-types';
import { invalidParam } from '../sdk-backend/backend-error';
import type { CloudBackend } from '../sdk-backend/cloud-backend';
import { isPlainObject } from '../sdk-backend/documents';
import { data, ejson, legacyDocuments, optional, parseJsonText, queryParam, run } from './legacy-wire';
import { LEGACY_TRANSACTION_ACTIONS } from './legacy-transactions';

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
 * | database.aggregate       | stages [{stageKey, stageValue: JSON text}]          | {list: JSON text of EJSON texts} |
 *
 * Dates are `{$date: ms}`, `db.serverDate()` is `{$date: {offset}}`, regular expressions
 * `{$regex, $options}`; documents are answered in the same form. Each is translated to today's
 * action and run by the same handler, so both protocols share one database semantics. The
 * transaction steps of @cloudbase/database 0.9.x are in legacy-transactions.ts.
 */
export function registerLegacyDatabaseActions(backend: CloudBackend): void {
  for (const [action, handler] of Object.entries(LEGACY_ACTIONS)) backend.registerAction(action, handler);
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
  // Aggregation.end of @cloudbase/database 0.1.1 (dist/aggregate.js) and 0.9.x
  // (dist/commonjs/aggregate.js): each stage's value is JSON.stringify'ed (match through the
  // query serializer, so dates are {$date: ms}); the answer's data.list is read with
  // JSON.parse(list).map(EJSON.parse): a JSON text of an array of EJSON texts.
  'database.aggregate': async (ctx) => {
    const { stages } = ctx.params;
    if (!Array.isArray(stages)) throw invalidParam('stages must be an array of {stageKey, stageValue}');
    const translated = stages.map((stage: unknown, i) => {
      if (!isPlainObject(stage)) throw invalidParam(`stages[${i}] must be {stageKey: '$name', stageValue: JSON text}`);
      return { stageKey: stage.stageKey, stageValue: ejson(parseJsonText(stage.stageValue, `stages[${i}].stageValue`)) };
    });
    const reply = await run(ctx, 'database.aggregateDocuments', { ...optional(ctx.params, 'collectionName'), stages: translated });
    const { list } = data(reply);
    return { data: { list: JSON.stringify(Array.isArray(list) ? list : []) } };
  },
};

const LEGACY_ACTIONS: Readonly<Record<string, ActionHandler>> = { ...LEGACY_DATABASE_ACTIONS, ...LEGACY_TRANSACTION_ACTIONS };

/** For tests: the old action names served. */
export const LEGACY_DATABASE_ACTION_NAMES: readonly string[] = Object.keys(LEGACY_ACTIONS);
