import { Aggregator } from 'mingo/aggregator';
import { Context, ProcessingMode } from 'mingo/core';
import { Query } from 'mingo/query';
import { updateMany } from 'mingo/updater';
import { invalidParam, requestFailed } from './backend-error';
import type { CollectionStore } from './document-store';
import { ObjectId } from 'bson';
import { cloneValue, idKey, isDocId, isPlainObject, withId, type Doc, type DocId, type PlainObject } from './documents';
import { encodeEjson, sameStoredValue } from './document-codec';
import { assertUpdateFits } from './update-guards';
import { jsonSchemaValidator, MONGO_CONTEXT } from './mongo-operators';
import { nearestMetres, nearOf, readGeoNearStage, type GeoIndexed, type NearSpec } from './geo';
import { groupWithoutPipeline } from './group-stage';
import { simpleUpdate } from './simple-update';

/**
 * The database's read and write semantics over one collection, with mingo doing all query
 * matching, sorting, projection, update operators and aggregation. Every function here is
 * synchronous: an action runs to completion before another can touch the collection, which is
 * what makes a conditional update an atomic claim.
 */

type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;
type UpdateModifier = Parameters<typeof updateMany>[2];

// Scripts ($where, $function, $accumulator) would run request text as code in the emulator.
// MONGO_CONTEXT: MongoDB's semantics where mingo's differ (see mongo-operators.ts), and regexes
// on RE2 (linear-regex.ts), never on V8's backtracking engine.
const QUERY_OPTIONS: Partial<MingoOptions> = { scriptEnabled: false, context: MONGO_CONTEXT, jsonSchemaValidator };

/**
 * For update operators that evaluate no query: mingo's updater copies the context it is given
 * (and merges its own operators into the copy) on every call, which for the full context was
 * about as much time as updating 100 documents.
 */
const PLAIN_UPDATE_OPTIONS: Partial<MingoOptions> = { ...QUERY_OPTIONS, context: Context.init() };

/** The update operators the SDK can emit; anything else is refused rather than guessed at. */
export const UPDATE_OPERATORS: ReadonlySet<string> = new Set([
  '$set',
  '$inc',
  '$mul',
  '$unset',
  '$push',
  '$pop',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$rename',
  '$max',
  '$min',
  '$bit',
]);

export interface SelectSpec {
  readonly filter: PlainObject;
  readonly order?: Readonly<Record<string, 1 | -1>>;
  readonly offset?: number;
  readonly limit?: number;
  readonly projection?: PlainObject;
}

/**
 * The stored documents themselves (never to be changed by the caller), or with a projection new
 * objects. The filter runs once over the candidates; sorting, paging and projection then touch only
 * what matched (without an order, the scan stops once the page is full).
 */
export function selectDocuments(store: CollectionStore, spec: SelectSpec): PlainObject[] {
  const ordered = spec.order !== undefined && Object.keys(spec.order).length > 0;
  const near = viaMingo(() => nearOf(spec.filter));
  if (near && !ordered) return selectNearest(store, spec, near);
  const offset = spec.offset ?? 0;
  const end = spec.limit !== undefined ? offset + spec.limit : undefined;
  const found = matching(store, spec.filter, true, ordered ? undefined : end);
  if (!ordered) return project(found.slice(offset, end), spec.projection);
  return viaMingo(() => {
    const cursor = compiledQuery({}).find<PlainObject>(found, spec.projection);
    cursor.sort({ ...spec.order });
    if (offset) cursor.skip(offset);
    if (spec.limit !== undefined) cursor.limit(spec.limit);
    return cursor.all();
  });
}

function project(page: readonly Doc[], projection: PlainObject | undefined): PlainObject[] {
  if (!projection) return [...page];
  return viaMingo(() => compiledQuery({}).find<PlainObject>(page, projection).all());
}

/**
 * Command.geoNear (`$nearSphere`): nearest first, as MongoDB orders it when the query names no
 * other order; then skip, limit and projection.
 */
function selectNearest(store: CollectionStore, spec: SelectSpec, near: NearSpec): PlainObject[] {
  const found = matching(store, spec.filter, true)
    .map((doc) => ({ doc, metres: nearestMetres(doc, near) ?? Infinity }))
    .sort((a, b) => a.metres - b.metres)
    .map(({ doc }) => doc);
  const page = found.slice(spec.offset ?? 0, spec.limit !== undefined ? (spec.offset ?? 0) + spec.limit : undefined);
  return project(page, spec.projection);
}

export function countDocuments(store: CollectionStore, filter: PlainObject): number {
  return matching(store, filter, true).length;
}

/** All or nothing: a duplicate `_id` anywhere in the batch refuses the whole batch. */
export function insertDocuments(store: CollectionStore, fieldsList: readonly PlainObject[], newId: () => string, label: string): DocId[] {
  const seen = new Set<string>();
  const docs = fieldsList.map((fields) => {
    assertStorable(fields);
    const given = fields._id;
    if (given !== undefined && !isDocId(given)) throw invalidParam('_id must be a non-empty string, a number or an ObjectId');
    const id = given ?? uniqueId(store, seen, newId);
    if (store.get(id) !== undefined || seen.has(idKey(id))) throw duplicateKey(label, id);
    seen.add(idKey(id));
    return withId(id, cloneValue(fields) as PlainObject);
  });
  store.write({ put: docs, delete: [] });
  return docs.map((doc) => doc._id);
}

export type Change =
  /** doc.set: the matched document's fields are replaced (merge: false). */
  | { readonly kind: 'replace'; readonly document: PlainObject }
  /** doc.update / where.update: update operators (merge: true). */
  | { readonly kind: 'update'; readonly operators: PlainObject };

export interface ModifySpec {
  readonly filter: PlainObject;
  readonly change: Change;
  readonly multi: boolean;
  readonly upsert: boolean;
}

export interface ModifyResult {
  /** Documents whose content changed (an update that sets the same values counts 0). */
  readonly updated: number;
  /** Existing documents the filter selected, changed or not (an upsert's new document is not one). */
  readonly matched: number;
  readonly upsertedId?: DocId;
}

export function modifyDocuments(store: CollectionStore, spec: ModifySpec, newId: () => string, label: string): ModifyResult {
  validateChange(spec.change);
  const targets = matching(store, spec.filter, spec.multi);
  if (targets.length === 0) {
    if (!spec.upsert) return { updated: 0, matched: 0 };
    const seed = equalityFields(spec.filter);
    const id = seed._id !== undefined && isDocId(seed._id) ? seed._id : uniqueId(store, new Set(), newId);
    if (store.get(id) !== undefined) throw duplicateKey(label, id);
    const [created] = applyChange([withId(id, spec.change.kind === 'replace' ? {} : seed)], spec.change, {});
    store.write({ put: [created as Doc], delete: [] });
    return { updated: 0, matched: 0, upsertedId: id };
  }
  // Compute every new version before writing any, so a failing operator leaves nothing half-done.
  const next = applyChange(targets, spec.change, spec.filter);
  const changed = next.filter((doc, i) => !sameContent(doc, targets[i] as Doc));
  store.write({ put: changed, delete: [] });
  return { updated: changed.length, matched: targets.length };
}

/**
 * updateAndReturn (`database.modifyAndReturnDoc`, @cloudbase/database's Query.updateAndReturn):
 * the first document the filter selects is updated, and its new version is answered (MongoDB's
 * findOneAndUpdate with returnDocument "after"); none selected: updated 0 and no document.
 */
export function updateOneAndReturn(store: CollectionStore, filter: PlainObject, change: Change): { updated: number; doc?: Doc } {
  validateChange(change);
  const [target] = matching(store, filter, false);
  if (!target) return { updated: 0 };
  const [next] = applyChange([target], change, filter) as [Doc];
  if (sameContent(next, target)) return { updated: 0, doc: target };
  store.write({ put: [next], delete: [] });
  return { updated: 1, doc: next };
}

export function removeDocuments(store: CollectionStore, filter: PlainObject, multi: boolean): number {
  const targets = matching(store, filter, multi);
  store.write({ put: [], delete: targets.map((doc) => doc._id) });
  return targets.length;
}

/** Stages as `{$match: {...}}` objects; `$lookup` reads other collections through `resolve`. */
export function aggregateDocuments(
  store: CollectionStore,
  pipeline: readonly PlainObject[],
  resolve: (name: string) => readonly Doc[],
  geoIndexed: GeoIndexed,
): PlainObject[] {
  for (const stage of pipeline) {
    const [name] = Object.keys(stage);
    if (name === '$out' || name === '$merge') throw invalidParam(`aggregation stage ${name} is not supported by the local cloud`);
  }
  let input: readonly PlainObject[] = store.documents();
  let stages = pipeline;
  const [first] = pipeline;
  if (first && '$geoNear' in first) {
    input = geoNearStage(store, first.$geoNear, geoIndexed);
    stages = pipeline.slice(1);
  }
  for (const stage of stages) if ('$geoNear' in stage) throw requestFailed('$geoNear is only valid as the first stage in a pipeline');
  const [only] = stages;
  if (stages.length === 1 && only && '$group' in only) {
    const groups = groupWithoutPipeline(input, only.$group);
    if (groups) return groups;
  }
  return viaMingo(() =>
    new Aggregator([...stages], {
      ...QUERY_OPTIONS,
      processingMode: stages.every(readsOnly) ? ProcessingMode.CLONE_OFF : ProcessingMode.CLONE_INPUT,
      collectionResolver: (name: string) => resolve(name).map((doc) => cloneValue(doc) as PlainObject),
    })
      .run<PlainObject>([...input])
      // A computed field that resolved to nothing is left out, as MongoDB leaves it out (not null).
      .map((doc) => cloneValue(doc) as PlainObject),
  );
}

/** Aggregate.geoNear: the documents within range, nearest first, each with its distance (and location). */
function geoNearStage(store: CollectionStore, value: unknown, geoIndexed: GeoIndexed): PlainObject[] {
  const stage = viaMingo(() => readGeoNearStage(value, geoIndexed));
  const candidates = stage.query ? matching(store, stage.query, true) : store.documents();
  return candidates
    .map((doc) => ({ doc, metres: nearestMetres(doc, stage.spec) }))
    .filter((entry): entry is { doc: Doc; metres: number } => entry.metres !== undefined && entry.metres >= stage.spec.min && entry.metres <= stage.spec.max)
    .sort((a, b) => a.metres - b.metres)
    .map(({ doc, metres }) => {
      const out = cloneValue(doc) as PlainObject;
      out[stage.distanceField] = metres * stage.multiplier;
      if (stage.includeLocs) out[stage.includeLocs] = cloneValue(resolveField(doc, stage.spec.field));
      return out;
    });
}

function resolveField(doc: PlainObject, path: string): unknown {
  let current: unknown = doc;
  for (const segment of path.split('.')) current = isPlainObject(current) ? current[segment] : undefined;
  return current;
}

/**
 * Stages that build new objects and never write into the ones they read (mingo's $addFields,
 * $unwind, $project… set nested paths on shallow copies, which would reach a stored document).
 * A pipeline of only these runs on the stored documents themselves: no copy of the collection.
 * Their output is only encoded for the reply, never kept.
 */
const READ_ONLY_STAGES: ReadonlySet<string> = new Set([
  '$match',
  '$group',
  '$count',
  '$sort',
  '$skip',
  '$limit',
  '$sortByCount',
  '$bucket',
  '$bucketAuto',
  '$sample',
]);

function readsOnly(stage: PlainObject): boolean {
  const [name] = Object.keys(stage);
  return name !== undefined && READ_ONLY_STAGES.has(name);
}

/**
 * The documents a filter can match: the one stored under `_id` when the filter names a plain
 * id (every `doc(id)` call), so those do not scan the collection; all of them otherwise. The
 * filter is still tested on what this returns.
 */
function candidates(store: CollectionStore, filter: PlainObject): readonly Doc[] {
  const id = filter._id;
  if (typeof id === 'string' || typeof id === 'number' || id instanceof ObjectId) {
    const doc = store.get(id);
    return doc ? [doc] : [];
  }
  return store.documents();
}

/** The documents `filter` selects in natural order: the first only unless `multi`, at most `cap`. */
function matching(store: CollectionStore, filter: PlainObject, multi: boolean, cap?: number): Doc[] {
  const most = multi ? (cap ?? Infinity) : 1;
  if (most <= 0) return [];
  // `{_id: <string, number or ObjectId>}` alone (every doc(id) call): the store's lookup by id is the whole match.
  if (isIdOnly(filter)) return [...candidates(store, filter)];
  return viaMingo(() => {
    const query = compiledQuery(filter);
    const equalities = plainEqualities(filter);
    const found: Doc[] = [];
    for (const doc of candidates(store, filter)) {
      if (equalities.length > 0 && !mayEqual(doc, equalities)) continue;
      if (query.test(doc)) {
        found.push(doc);
        if (found.length >= most) break;
      }
    }
    return found;
  });
}

type Equality = readonly [field: string, value: string | number | boolean];

/**
 * The filter's top-level equalities to a string, boolean or number (`{group: 3}`, `{group:
 * {$eq: 3}}`): a cheap first look at each document before mingo's full test, which costs far more
 * per document. Only documents that cannot match are skipped (see mayEqual); a collection scan
 * stays a scan, as in MongoDB without an index, but 1,000 documents no longer go through mingo.
 */
function plainEqualities(filter: PlainObject): Equality[] {
  const out: Equality[] = [];
  for (const key of Object.keys(filter)) {
    if (key.startsWith('$') || key.includes('.')) continue;
    const condition = filter[key];
    const value = isPlainObject(condition) && Object.hasOwn(condition, '$eq') ? condition.$eq : condition;
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value))) out.push([key, value]);
  }
  return out;
}

/**
 * False only when an equality cannot hold: the document's field is missing, null, or another
 * string, boolean or number (those compare by value and type in MongoDB and mingo alike). An
 * array, a date, a bson value or an object is left to mingo (an array matches by its elements).
 */
function mayEqual(doc: Doc, equalities: readonly Equality[]): boolean {
  for (const [field, value] of equalities) {
    const actual = Object.hasOwn(doc, field) ? doc[field] : undefined;
    if (actual === value) continue;
    if (actual === undefined || actual === null || typeof actual === 'string' || typeof actual === 'boolean' || typeof actual === 'number') return false;
  }
  return true;
}

function isIdOnly(filter: PlainObject): boolean {
  const id = filter._id;
  if (typeof id !== 'string' && typeof id !== 'number' && !(id instanceof ObjectId)) return false;
  for (const key in filter) if (key !== '_id') return false;
  return true;
}

/**
 * Compiled queries by filter (its canonical EJSON text, so equal text means equal values and
 * types). Compiling is most of a small query's cost: mingo copies its whole operator context per
 * Query. A compiled Query holds no per-run state; filters naming `$$NOW` or `$$CLUSTER_TIME`
 * are compiled afresh so the time is read per request.
 */
const QUERY_CACHE_SIZE = 256;
const queryCache = new Map<string, Query>();

function compiledQuery(filter: PlainObject): Query {
  const key = encodeEjson(filter);
  const cached = queryCache.get(key);
  if (cached) {
    // Most recently used last, so the oldest entry is the one dropped.
    queryCache.delete(key);
    queryCache.set(key, cached);
    return cached;
  }
  const query = new Query(filter, QUERY_OPTIONS);
  if (key.includes('$$NOW') || key.includes('$$CLUSTER_TIME')) return query;
  if (queryCache.size >= QUERY_CACHE_SIZE) queryCache.delete(queryCache.keys().next().value as string);
  queryCache.set(key, query);
  return query;
}

/**
 * The new version of each of `docs` (copies; the stored ones are never touched). Update
 * operators go through one mingo call for the whole set: mingo builds its operator context per
 * call, which per document was most of a 100-document where().update.
 */
function applyChange(docs: readonly Doc[], change: Change, filter: PlainObject): Doc[] {
  if (change.kind === 'replace') {
    return docs.map((doc) => {
      const replacementId = change.document._id;
      if (replacementId !== undefined && !(isDocId(replacementId) && idKey(replacementId) === idKey(doc._id)))
        throw requestFailed(`cannot change _id of document ${String(doc._id)}`);
      return withId(doc._id, cloneValue(change.document) as PlainObject);
    });
  }
  const simple = simpleUpdate(change.operators);
  const next = docs.map((doc) => {
    const copy = simple ? { ...doc } : (cloneValue(doc) as PlainObject);
    assertUpdateFits(copy, change.operators);
    return copy;
  });
  if (simple) {
    // Top-level `$set`/`$inc` of plain values, applied as mingo would without its per-call set-up (simple-update.ts).
    next.forEach(simple);
    return next as Doc[];
  }
  // Every document in `docs` matched already. The filter goes to mingo again only when a path is
  // positional (`a.$.b`, resolved against the element each document matched): otherwise mingo
  // would compile it and test every document a second time. Only then, or for $pull's
  // conditions, does mingo run a query, and need the operator context.
  const positional = hasPositionalPath(change.operators);
  const options = positional || '$pull' in change.operators || '$pullAll' in change.operators ? QUERY_OPTIONS : PLAIN_UPDATE_OPTIONS;
  viaMingo(() => updateMany(next, positional ? filter : {}, change.operators as UpdateModifier, { arrayFilters: [] }, options));
  next.forEach((doc, i) => {
    const id = (docs[i] as Doc)._id;
    if (!isDocId(doc._id) || idKey(doc._id) !== idKey(id)) throw requestFailed(`cannot change _id of document ${String(id)}`);
  });
  return next as Doc[];
}

/** Whether an update operator names a path with a positional segment (`$`, `$[]`, `$[id]`). */
function hasPositionalPath(operators: PlainObject): boolean {
  for (const fields of Object.values(operators)) {
    if (!isPlainObject(fields)) continue;
    for (const path of Object.keys(fields)) if (path.split('.').some((segment) => segment.startsWith('$'))) return true;
  }
  return false;
}

/** Whether an update left a document as it was (it then does not count as updated, as in MongoDB). */
function sameContent(a: Doc, b: Doc): boolean {
  return sameStoredValue(a, b);
}

function validateChange(change: Change): void {
  if (change.kind === 'replace') {
    assertStorable(change.document);
    return;
  }
  const names = Object.keys(change.operators);
  if (names.length === 0) throw invalidParam('update data is empty');
  for (const name of names) {
    if (!UPDATE_OPERATORS.has(name)) throw invalidParam(`unsupported update operator ${name}`);
    if (!isPlainObject(change.operators[name])) throw invalidParam(`${name} needs an object of field paths`);
  }
  const set = change.operators.$set;
  if (isPlainObject(set)) for (const value of Object.values(set)) assertStorable(value);
}

/**
 * The fields an upsert seeds a new document with: the filter's equalities, `_id` included. A
 * `{field: {$eq: value}}` is an equality too (MongoDB builds the upsert's base document from the
 * query's equality clauses, and parses `$eq` as one); the old SDKs' doc.set in a transaction
 * sends `{_id: {$eq: id}}` (@cloudbase/database 0.9.x transaction/document.js).
 */
function equalityFields(filter: PlainObject): PlainObject {
  const seed: PlainObject = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$') || key.includes('.') || value instanceof RegExp) continue;
    if (isPlainObject(value) && Object.keys(value).length === 1 && '$eq' in value && !(value.$eq instanceof RegExp) && !hasOperatorKeys(value.$eq)) {
      seed[key] = cloneValue(value.$eq);
      continue;
    }
    if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) continue;
    seed[key] = cloneValue(value);
  }
  return seed;
}

function hasOperatorKeys(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'));
}

/** Field names starting with `$` would be read back as operators: the real database refuses them. */
function assertStorable(value: unknown, path = ''): void {
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw invalidParam(`field ${path || '(document)'} holds a ${typeof value}, which the database cannot store`);
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertStorable(item, `${path}[${i}]`));
  } else if (isPlainObject(value)) {
    for (const [key, field] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      // DATABASE_REQUEST_FAILED: the database itself refuses the document (node-sdk's own tests expect this code for add).
      if (key.startsWith('$')) throw requestFailed(`field name ${here} starts with '$': update operators are not allowed in document data`);
      assertStorable(field, here);
    }
  }
}

function uniqueId(store: CollectionStore, taken: ReadonlySet<string>, newId: () => string): string {
  for (;;) {
    const id = newId();
    if (store.get(id) === undefined && !taken.has(idKey(id))) return id;
  }
}

function duplicateKey(label: string, id: DocId): Error {
  // MongoDB shows an ObjectId key as ObjectId('<hex>').
  const shown = typeof id === 'string' ? JSON.stringify(id) : typeof id === 'number' ? String(id) : `ObjectId('${id.toHexString()}')`;
  return requestFailed(`E11000 duplicate key error collection: ${label} index: _id_ dup key: { _id: ${shown} }`);
}

/** mingo reports bad operators and impossible updates by throwing; those are the caller's fault. */
function viaMingo<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof Error && error.constructor.name === 'MingoError') {
      throw requestFailed(error.message);
    }
    throw error;
  }
}
