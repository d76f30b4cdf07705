import { ProcessingMode } from 'mingo';
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import { update as applyUpdate } from 'mingo/updater';
import { invalidParam, requestFailed } from './backend-error';
import type { CollectionStore } from './document-store';
import { cloneValue, isDocId, isPlainObject, withId, type Doc, type DocId, type PlainObject } from './documents';
import { encodeEjson } from './document-codec';
import { LINEAR_REGEX_CONTEXT } from './linear-regex';
import { assertUpdateFits } from './update-guards';

/**
 * The database's read and write semantics over one collection, with mingo doing all query
 * matching, sorting, projection, update operators and aggregation. Every function here is
 * synchronous: an action runs to completion before another can touch the collection, which is
 * what makes a conditional update an atomic claim.
 */

type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;
type UpdateModifier = Parameters<typeof applyUpdate>[1];

// Scripts ($where, $function, $accumulator) would run request text as code in the emulator;
// regexes run on RE2 (linear-regex.ts), never on V8's backtracking engine.
const QUERY_OPTIONS: Partial<MingoOptions> = { scriptEnabled: false, context: LINEAR_REGEX_CONTEXT };

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

export function selectDocuments(store: CollectionStore, spec: SelectSpec): PlainObject[] {
  return viaMingo(() => {
    const cursor = new Query(spec.filter, QUERY_OPTIONS).find<PlainObject>(candidates(store, spec.filter), spec.projection);
    if (spec.order && Object.keys(spec.order).length > 0) cursor.sort({ ...spec.order });
    if (spec.offset) cursor.skip(spec.offset);
    if (spec.limit !== undefined) cursor.limit(spec.limit);
    return cursor.all();
  });
}

export function countDocuments(store: CollectionStore, filter: PlainObject): number {
  return matching(store, filter, true).length;
}

/** All or nothing: a duplicate `_id` anywhere in the batch refuses the whole batch. */
export function insertDocuments(store: CollectionStore, fieldsList: readonly PlainObject[], newId: () => string, label: string): DocId[] {
  const seen = new Set<DocId>();
  const docs = fieldsList.map((fields) => {
    assertStorable(fields);
    const given = fields._id;
    if (given !== undefined && !isDocId(given)) throw invalidParam('_id must be a non-empty string or a number');
    const id = given ?? uniqueId(store, seen, newId);
    if (store.get(id) !== undefined || seen.has(id)) throw duplicateKey(label, id);
    seen.add(id);
    return withId(id, cloneValue(fields) as PlainObject);
  });
  for (const doc of docs) store.put(doc);
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
    const created = applyChange(withId(id, spec.change.kind === 'replace' ? {} : seed), spec.change, {});
    store.put(created);
    return { updated: 0, matched: 0, upsertedId: id };
  }
  // Compute every new version before writing any, so a failing operator leaves nothing half-done.
  const changed: Doc[] = [];
  for (const doc of targets) {
    const next = applyChange(doc, spec.change, spec.filter);
    if (encodeEjson(next) !== encodeEjson(doc)) changed.push(next);
  }
  for (const doc of changed) store.put(doc);
  return { updated: changed.length, matched: targets.length };
}

export function removeDocuments(store: CollectionStore, filter: PlainObject, multi: boolean): number {
  const targets = matching(store, filter, multi);
  for (const doc of targets) store.delete(doc._id);
  return targets.length;
}

/** Stages as `{$match: {...}}` objects; `$lookup` reads other collections through `resolve`. */
export function aggregateDocuments(store: CollectionStore, pipeline: readonly PlainObject[], resolve: (name: string) => readonly Doc[]): PlainObject[] {
  for (const stage of pipeline) {
    const [name] = Object.keys(stage);
    if (name === '$out' || name === '$merge') throw invalidParam(`aggregation stage ${name} is not supported by the local cloud`);
  }
  return viaMingo(() =>
    new Aggregator([...pipeline], {
      ...QUERY_OPTIONS,
      processingMode: ProcessingMode.CLONE_INPUT,
      collectionResolver: (name: string) => resolve(name).map((doc) => cloneValue(doc) as PlainObject),
    }).run<PlainObject>(store.documents()),
  );
}

/**
 * The documents a filter can match: the one stored under `_id` when the filter names a plain
 * id (every `doc(id)` call), so those do not scan the collection; all of them otherwise. The
 * filter is still tested on what this returns.
 */
function candidates(store: CollectionStore, filter: PlainObject): readonly Doc[] {
  const id = filter._id;
  if (typeof id === 'string' || typeof id === 'number') {
    const doc = store.get(id);
    return doc ? [doc] : [];
  }
  return store.documents();
}

function matching(store: CollectionStore, filter: PlainObject, multi: boolean): Doc[] {
  return viaMingo(() => {
    const query = new Query(filter, QUERY_OPTIONS);
    const found: Doc[] = [];
    for (const doc of candidates(store, filter)) {
      if (query.test(doc)) {
        found.push(doc);
        if (!multi) break;
      }
    }
    return found;
  });
}

function applyChange(doc: Doc, change: Change, filter: PlainObject): Doc {
  if (change.kind === 'replace') {
    const replacementId = change.document._id;
    if (replacementId !== undefined && replacementId !== doc._id) throw requestFailed(`cannot change _id of document ${String(doc._id)}`);
    return withId(doc._id, cloneValue(change.document) as PlainObject);
  }
  const next = cloneValue(doc) as PlainObject;
  assertUpdateFits(next, change.operators);
  viaMingo(() => applyUpdate(next, change.operators as UpdateModifier, [], filter, { queryOptions: QUERY_OPTIONS }));
  if (next._id !== doc._id) throw requestFailed(`cannot change _id of document ${String(doc._id)}`);
  return next as Doc;
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

/** The fields an upsert seeds a new document with: the filter's plain equalities, `_id` included. */
function equalityFields(filter: PlainObject): PlainObject {
  const seed: PlainObject = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$') || key.includes('.') || value instanceof RegExp) continue;
    if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) continue;
    seed[key] = cloneValue(value);
  }
  return seed;
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
      if (key.startsWith('$')) throw invalidParam(`field name ${here} starts with '$': update operators are not allowed in document data`);
      assertStorable(field, here);
    }
  }
}

function uniqueId(store: CollectionStore, taken: ReadonlySet<DocId>, newId: () => string): string {
  for (;;) {
    const id = newId();
    if (store.get(id) === undefined && !taken.has(id)) return id;
  }
}

function duplicateKey(label: string, id: DocId): Error {
  const shown = typeof id === 'string' ? JSON.stringify(id) : String(id);
  return requestFailed(`E11000 duplicate key error collection: ${label} index: _id_ dup key: { _id: ${shown} }`);
}

/** mingo reports bad operators and impossible updates by throwing; those are the caller's fault. */
const GEO_OPERATOR = /unknown query operator (\$(?:near|nearSphere|geoWithin|geoIntersects))\b/;

function viaMingo<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof Error && error.constructor.name === 'MingoError') {
      // WeChat evaluates geo queries; the local cloud cannot, and says so rather than answer wrongly.
      const geo = GEO_OPERATOR.exec(error.message);
      if (geo) throw requestFailed(`geo query ${geo[1]} is not supported by the local cloud (it needs a geo index); test it on WeChat's cloud`);
      throw requestFailed(error.message);
    }
    throw error;
  }
}
