import type { ActionContext, ActionHandler } from '../sdk-backend/action-types';
import { requiredString } from '../sdk-backend/action-params';
import { invalidParam } from '../sdk-backend/backend-error';
import { decodeEjsonObject, encodeEjson } from '../sdk-backend/document-codec';
import { isPlainObject, type PlainObject } from '../sdk-backend/documents';
import { data, ejson, optional, run } from './legacy-wire';

/**
 * The document steps of a transaction as @cloudbase/database 0.9.x sends them (wx-server-sdk
 * 1.x through tcb-admin-node 1.22/1.23; dist/commonjs/transaction/document.js). Starting,
 * committing and aborting use today's action names (`database.startTransaction`,
 * `commitTransaction`, `abortTransaction`, answered `{transactionId}` / `{}` beside requestId), so
 * the backend serves those as they are; the steps between them have their own names:
 *
 * | old action                        | params (besides collectionName, transactionId)        | answer, beside requestId     |
 * | database.getInTransaction         | query {_id: {$eq: id}}                                | data: EJSON text, or 'null'  |
 * | database.insertDocInTransaction   | data (EJSON text), _id?                               | inserted: '1', ok: '1'       |
 * | database.updateDocInTransaction   | query, data (EJSON text: operators, or with upsert:true the whole document of doc.set) | updated: EJSON text, upserted? |
 * | database.deleteDocInTransaction   | query                                                 | deleted: EJSON text          |
 *
 * The answers sit at the top level, not under `data` as elsewhere: the SDK reads `res.data`,
 * `res.updated`, `res.inserted`/`res.ok` and `res.deleted`, each through EJSON.parse. Each step is
 * run by today's handler with the transactionId, so the old SDKs get the same snapshot reads,
 * conflicts and limits as today's (sdk-backend/transactions.ts).
 */
export const LEGACY_TRANSACTION_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  'database.getInTransaction': async (ctx) => {
    const reply = await run(ctx, 'database.getDocument', { ...stepParams(ctx), query: ejson(documentQuery(ctx.params)), limit: 1 });
    const [found] = listOf(data(reply).list);
    return { data: typeof found === 'string' ? found : 'null' };
  },
  'database.insertDocInTransaction': async (ctx) => {
    const { params } = ctx;
    const document = decodeEjsonObject(params.data, 'data', ctx.now);
    const id = params._id;
    if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') throw invalidParam('_id must be a string or a number');
    const withId = id !== undefined && id !== null ? { ...document, _id: id } : document;
    const reply = await run(ctx, 'database.insertDocument', { ...stepParams(ctx), data: [encodeEjson(withId)] });
    const inserted = listOf(data(reply).insertedIds).length;
    return { inserted: String(inserted), ok: inserted === 1 ? '1' : '0' };
  },
  'database.updateDocInTransaction': async (ctx) => {
    const { params } = ctx;
    if (typeof params.data !== 'string') throw invalidParam('data must be an EJSON string');
    // doc.set sends upsert:true with the whole new document: today's replacement (merge:false).
    const upsert = params.upsert === true;
    const reply = await run(ctx, 'database.modifyDocument', {
      ...stepParams(ctx),
      query: ejson(documentQuery(params)),
      data: params.data,
      merge: !upsert,
      upsert,
    });
    const { updated, upsert_id: upserted } = data(reply);
    // The SDK JSON.parses `upserted` when present and passes it on unread (wx-server-sdk reads no
    // field of it); MongoDB's own update result lists upserts as [{index, _id}], so that shape.
    return { updated: JSON.stringify(updated ?? 0), ...(upserted !== undefined ? { upserted: JSON.stringify([{ index: 0, _id: upserted }]) } : {}) };
  },
  'database.deleteDocInTransaction': async (ctx) => {
    const reply = await run(ctx, 'database.removeDocument', { ...stepParams(ctx), query: ejson(documentQuery(ctx.params)) });
    return { deleted: JSON.stringify(data(reply).deleted ?? 0) };
  },
};

/**
 * A step outside a transaction would silently write the collection itself: the transactionId is
 * required here, where today's handlers take it as optional.
 */
function stepParams(ctx: ActionContext): PlainObject {
  requiredString(ctx.params, 'transactionId');
  return optional(ctx.params, 'collectionName', 'transactionId');
}

/**
 * The one document a step is about: 0.9.x sends `query: {_id: {$eq: id}}`; the earlier draft API
 * in 0.9.15's dist/commonjs/transaction.js sends `_id`. Without either, a step would reach every
 * document, so it is refused.
 */
function documentQuery(params: Readonly<PlainObject>): PlainObject {
  if (isPlainObject(params.query) && Object.keys(params.query).length > 0) return params.query;
  const id = params._id;
  if (typeof id === 'string' || typeof id === 'number') return { _id: id };
  throw invalidParam('a transaction step needs query (or _id) naming its document');
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
