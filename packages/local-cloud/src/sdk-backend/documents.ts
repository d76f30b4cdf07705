import { randomBytes, randomUUID } from 'node:crypto';
import { ObjectId } from 'bson';

/**
 * `_id`s the database keeps: `doc(id)` addresses a string or a number; @cloudbase/node-sdk can
 * also add a document whose `_id` is an ObjectId (`db.ObjectId({id})`) and find it with
 * `where({_id: ...})` (its `doc()` refuses anything but a string or a number).
 */
export type DocId = string | number | ObjectId;

/** A stored document. Values are plain JS: numbers, strings, Dates, RegExps, arrays, objects. */
export interface Doc {
  readonly _id: DocId;
  readonly [field: string]: unknown;
}

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isDocId(value: unknown): value is DocId {
  return (typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value)) || value instanceof ObjectId;
}

/**
 * The `_id` as a key: its JSON text (`"42"` for the string, `42` for the number, so the two stay
 * two documents; -0 is 0 as in a Map) and an ObjectId as `{"$oid":"<hex>"}` — never the bare hex,
 * which is the key of the string id with that text. Persistence keys rows by it too.
 */
export function idKey(id: DocId): string {
  return id instanceof ObjectId ? `{"$oid":"${id.toHexString()}"}` : JSON.stringify(id);
}

/** Documents by `_id` (see idKey): what a collection holds, in insertion order. */
export class DocMap {
  private readonly docs = new Map<string, Doc>();

  constructor(initial: Iterable<Doc> = []) {
    for (const doc of initial) this.set(doc);
  }

  get size(): number {
    return this.docs.size;
  }

  get(id: DocId): Doc | undefined {
    return this.docs.get(idKey(id));
  }

  has(id: DocId): boolean {
    return this.docs.has(idKey(id));
  }

  /** Inserts or replaces by `_id`; a replaced document keeps its place. */
  set(doc: Doc): void {
    this.docs.set(idKey(doc._id), doc);
  }

  delete(id: DocId): boolean {
    return this.docs.delete(idKey(id));
  }

  clear(): void {
    this.docs.clear();
  }

  values(): Doc[] {
    return [...this.docs.values()];
  }

  /** `[idKey, document]` pairs in order, without a copy (a transaction walks its shared snapshot). */
  entries(): IterableIterator<[string, Doc]> {
    return this.docs.entries();
  }
}

/**
 * A deep copy of plain data (objects, arrays, Dates, RegExps); `undefined` fields are dropped as
 * the SDK drops them. Other objects (bson ObjectId, Decimal128...) are immutable and shared.
 */
export function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (isPlainObject(value)) {
    const copy: PlainObject = {};
    for (const [key, field] of Object.entries(value)) {
      if (field !== undefined) copy[key] = cloneValue(field);
    }
    return copy;
  }
  return value;
}

/** A document with `_id` first, as the database keeps it. */
export function withId(id: DocId, fields: PlainObject): Doc {
  const { _id: _ignored, ...rest } = fields;
  return { _id: id, ...rest };
}

/** 32 hex characters, the shape of the ids the real database generates. */
export function newDocumentId(): string {
  return randomBytes(16).toString('hex');
}

/** The shape of the real backend's request ids (8-4-4-4-12 hex); randomUUID draws from a pooled entropy buffer, once per request. */
export function newRequestId(): string {
  return randomUUID();
}
