import { randomBytes, randomUUID } from 'node:crypto';

/** `_id`s the SDK can address: `doc(id)` accepts a string or a number. */
export type DocId = string | number;

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
  return (typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value));
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
