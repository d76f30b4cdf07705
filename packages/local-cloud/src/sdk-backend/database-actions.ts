import type { ActionContext, ActionHandler, ActionReply } from './action-types';
import { optionalBoolean, optionalEnum, optionalInteger, optionalString, requiredString } from './action-params';
import { invalidParam } from './backend-error';
import {
  aggregateDocuments,
  countDocuments,
  insertDocuments,
  modifyDocuments,
  removeDocuments,
  selectDocuments,
  updateOneAndReturn,
  type Change,
} from './collection-ops';
import { isPlainObject, type PlainObject } from './documents';
import { decodeEjson, decodeEjsonObject, encodeEjson } from './document-codec';
import { nearOf } from './geo';

/**
 * The `database.*` actions of the SDK's backend protocol: decode the request's EJSON fields,
 * run the operation on the environment's database, answer `{data: ...}` (or, for
 * startTransaction, `{transactionId}`). Every handler is synchronous on purpose: no other request
 * can interleave between its read and its write.
 */

/** getDocument answers at most this many documents; @cloudbase/database caps its own limit there too. */
export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

const QUERY_TYPES = ['WHERE', 'DOC'] as const;

function getDocument(ctx: ActionContext): ActionReply {
  const { params } = ctx;
  const store = ctx.database.collectionStore(requiredString(params, 'collectionName'), optionalString(params, 'transactionId'));
  optionalEnum(params, 'queryType', QUERY_TYPES);
  const offset = optionalInteger(params, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 0;
  const limit = optionalInteger(params, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT;
  const order = readOrder(ctx);
  const projection = params.projection === undefined ? undefined : decodeEjsonObject(params.projection, 'projection', ctx.now);
  const found = selectDocuments(store, {
    filter: readFilter(ctx),
    offset,
    limit,
    ...(order ? { order } : {}),
    ...(projection && Object.keys(projection).length > 0 ? { projection } : {}),
  });
  return { data: { list: found.map(encodeEjson), limit, offset } };
}

function insertDocument(ctx: ActionContext): ActionReply {
  const { params } = ctx;
  const name = requiredString(params, 'collectionName');
  const store = ctx.database.collectionStore(name, optionalString(params, 'transactionId'));
  const data = params.data;
  if (!Array.isArray(data) || data.length === 0) throw invalidParam('data must be a non-empty array of EJSON strings');
  const docs = data.map((text, i) => decodeEjsonObject(text, `data[${i}]`, ctx.now));
  const insertedIds = insertDocuments(store, docs, ctx.database.newId, ctx.database.label(name));
  return { data: { insertedIds } };
}

function modifyDocument(ctx: ActionContext): ActionReply {
  const { params } = ctx;
  const name = requiredString(params, 'collectionName');
  const store = ctx.database.collectionStore(name, optionalString(params, 'transactionId'));
  optionalEnum(params, 'queryType', QUERY_TYPES);
  const data = decodeEjsonObject(params.data, 'data', ctx.now);
  const change = readChange(data, optionalBoolean(params, 'merge', true));
  const result = modifyDocuments(
    store,
    {
      filter: readFilter(ctx),
      change,
      multi: optionalBoolean(params, 'multi', false),
      upsert: optionalBoolean(params, 'upsert', false),
    },
    ctx.database.newId,
    ctx.database.label(name),
  );
  // Document.set documents stats.updated as "若指定的 _id 已存在则为 1，否则为 0": a replacement
  // counts the record it matched even when the new content equals the old.
  const updated = change.kind === 'replace' ? result.matched : result.updated;
  return { data: { updated, ...(result.upsertedId !== undefined ? { upsert_id: result.upsertedId } : {}) } };
}

/** Query.updateAndReturn (@cloudbase/node-sdk 3.x; wx-server-sdk does not expose it): `{updated, doc: EJSON string}`. */
function modifyAndReturnDoc(ctx: ActionContext): ActionReply {
  const { params } = ctx;
  const store = ctx.database.collectionStore(requiredString(params, 'collectionName'), optionalString(params, 'transactionId'));
  optionalEnum(params, 'queryType', QUERY_TYPES);
  const data = decodeEjsonObject(params.data, 'data', ctx.now);
  const result = updateOneAndReturn(store, readFilter(ctx), readChange(data, true));
  return { data: { updated: result.updated, ...(result.doc ? { doc: encodeEjson(result.doc) } : {}) } };
}

function removeDocument(ctx: ActionContext): ActionReply {
  const { params } = ctx;
  const store = ctx.database.collectionStore(requiredString(params, 'collectionName'), optionalString(params, 'transactionId'));
  optionalEnum(params, 'queryType', QUERY_TYPES);
  const deleted = removeDocuments(store, readFilter(ctx), optionalBoolean(params, 'multi', false));
  return { data: { deleted } };
}

function calculateDocument(ctx: ActionContext): ActionReply {
  const { params } = ctx;
  const store = ctx.database.collectionStore(requiredString(params, 'collectionName'), optionalString(params, 'transactionId'));
  return { data: { total: countDocuments(store, readFilter(ctx)) } };
}

function addCollection(ctx: ActionContext): ActionReply {
  ctx.database.createCollection(requiredString(ctx.params, 'collectionName'));
  return { data: {} };
}

function aggregate(ctx: ActionContext): ActionReply {
  const { params } = ctx;
  const name = requiredString(params, 'collectionName');
  const store = ctx.database.collectionStore(name);
  const stages = params.stages;
  if (!Array.isArray(stages)) throw invalidParam('stages must be an array');
  const pipeline = stages.map((stage: unknown, i) => {
    if (!isPlainObject(stage) || typeof stage.stageKey !== 'string' || !stage.stageKey.startsWith('$')) {
      throw invalidParam(`stages[${i}] must be {stageKey: '$name', stageValue: EJSON string}`);
    }
    return { [stage.stageKey]: decodeEjson(stage.stageValue, `stages[${i}].stageValue`, ctx.now) };
  });
  const list = aggregateDocuments(store, pipeline, (other) => ctx.database.lookupDocuments(other), {
    collection: name,
    fields: ctx.database.indexes.geoFields(name),
  });
  return { data: { list: list.map(encodeEjson) } };
}

function startTransaction(ctx: ActionContext): ActionReply {
  return { transactionId: ctx.database.transactions.start() };
}

function commitTransaction(ctx: ActionContext): ActionReply {
  ctx.database.transactions.commit(requiredString(ctx.params, 'transactionId'));
  return {};
}

function abortTransaction(ctx: ActionContext): ActionReply {
  ctx.database.transactions.abort(requiredString(ctx.params, 'transactionId'));
  return {};
}

export const DATABASE_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  'database.getDocument': getDocument,
  'database.insertDocument': insertDocument,
  'database.modifyDocument': modifyDocument,
  'database.modifyAndReturnDoc': modifyAndReturnDoc,
  'database.removeDocument': removeDocument,
  'database.calculateDocument': calculateDocument,
  'database.addCollection': addCollection,
  'database.aggregateDocuments': aggregate,
  'database.startTransaction': startTransaction,
  'database.commitTransaction': commitTransaction,
  'database.abortTransaction': abortTransaction,
};

/** No `query` (a where-less get/count/update/remove) selects every document. */
function readFilter(ctx: ActionContext): PlainObject {
  const query = ctx.params.query;
  if (query === undefined || query === null) return {};
  const filter = decodeEjsonObject(query, 'query', ctx.now);
  // geoNear ($nearSphere / $near) needs a 2dsphere index on its field, as in WeChat's database.
  const near = nearOf(filter);
  if (near) ctx.database.indexes.requireGeoIndex(requiredString(ctx.params, 'collectionName'), near.field);
  return filter;
}

/** `{field: 1 | -1}` as orderBy sends it; the older `[{field, direction}]` form is accepted too. */
function readOrder(ctx: ActionContext): Record<string, 1 | -1> | undefined {
  if (ctx.params.order === undefined || ctx.params.order === null) return undefined;
  const decoded = decodeEjson(ctx.params.order, 'order', ctx.now);
  const order: Record<string, 1 | -1> = {};
  const add = (field: unknown, direction: unknown): void => {
    if (typeof field !== 'string' || field.length === 0) throw invalidParam('order field must be a non-empty string');
    if (direction === 1 || direction === 'asc') order[field] = 1;
    else if (direction === -1 || direction === 'desc') order[field] = -1;
    else throw invalidParam(`order of ${field} must be 1 or -1`);
  };
  if (Array.isArray(decoded)) {
    for (const item of decoded) {
      if (!isPlainObject(item)) throw invalidParam('order must be an object or an array of {field, direction}');
      add(item.field, item.direction);
    }
  } else if (isPlainObject(decoded)) {
    for (const [field, direction] of Object.entries(decoded)) add(field, direction);
  } else {
    throw invalidParam('order must be an object');
  }
  return order;
}

/**
 * merge:false (doc.set) is a replacement document: operators in it are refused, not stored.
 * merge:true is an update: all top-level keys must be operators, or none (then they are $set).
 */
function readChange(data: PlainObject, merge: boolean): Change {
  if (!merge) return { kind: 'replace', document: data };
  const keys = Object.keys(data);
  const operatorKeys = keys.filter((key) => key.startsWith('$'));
  if (operatorKeys.length === 0) return { kind: 'update', operators: keys.length > 0 ? { $set: data } : {} };
  if (operatorKeys.length !== keys.length) throw invalidParam('data mixes update operators with plain fields');
  return { kind: 'update', operators: data };
}
