import { EJSON } from 'bson';
import { isPlainObject } from '../../sdk-backend/documents';

/**
 * A stored document as the HTTP API's `data` strings carry it: plain JSON, with the values JSON
 * has no type for in MongoDB's extended-JSON wrappers — a Date as `{"$date": <epoch ms>}` (the
 * form CloudBase's console and exports show; WeChat's documented examples carry no date), a
 * RegExp as `{"$regex", "$options"}`, a non-finite number or another BSON value in relaxed
 * EJSON. `JSON.stringify` alone would turn a Date into a bare string and lose its type.
 */
export function toWireJson(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.getTime() };
  if (value instanceof RegExp) return { $regex: value.source, $options: value.flags };
  if (Array.isArray(value)) return value.map(toWireJson);
  if (typeof value === 'number') return Number.isFinite(value) ? value : EJSON.serialize({ v: value }, { relaxed: true }).v;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = toWireJson(field);
    return out;
  }
  if (typeof value === 'object' && value !== null && '_bsontype' in value) return EJSON.serialize({ v: value }, { relaxed: true }).v;
  return value;
}

/** One `data` entry: the document as a JSON string. */
export function wireString(document: unknown): string {
  return JSON.stringify(toWireJson(document));
}
