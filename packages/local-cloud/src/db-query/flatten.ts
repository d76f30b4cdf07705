import { MAX_QUERY_BYTES } from '@wxhub/db-query-language';
import type { Ir, ObjectEntry, ObjectIr } from './ir';
import { brief, type Located, type QuerySource } from './query-source';

/**
 * Flattening copies a key into the path of every field below it, so a long key over many
 * fields would turn a 64 KiB query into hundreds of megabytes of paths; the total is bounded.
 */
export const MAX_FLATTENED_PATH_CHARS = 4 * MAX_QUERY_BYTES;

export interface FlatField {
  readonly path: string;
  readonly value: Ir;
  readonly at: Located;
}

export interface Flattened {
  /** Field conditions or update values, by dotted path. */
  readonly fields: readonly FlatField[];
  /** Top-level `$` keys (`$and`, `$or`…), kept as written. */
  readonly operators: readonly ObjectEntry[];
}

/**
 * wx-server-sdk's flattening of `where` and `update` objects: `{a: {b: 1}}` means the path
 * `a.b`, so `where({style: {color: 'red'}})` matches `style.color` without comparing the whole
 * sub-document, and `update({data: {a: {b: 1}}})` sets `a.b` without replacing `a`. Keys that
 * start with `$` stop the flattening (`{age: {$gt: 1}}` stays an operator object). Commands,
 * arrays and literals (Dates, RegExps, server dates, points) are leaves.
 *
 * One deliberate difference: an empty object is a value here (`{a: {}}` matches or sets an
 * empty object) where the SDK silently drops the key — which turns `where({a: {}})` into a
 * filter that matches every document.
 */
export function flattenObject(source: QuerySource, object: ObjectIr): Flattened {
  const fields: FlatField[] = [];
  const operators: ObjectEntry[] = [];
  const seen = new Set<string>();
  const add = (path: string, value: Ir, at: Located): void => {
    if (seen.has(path)) throw source.invalid(at, `the field '${brief(path)}' is given twice`);
    source.flattenedPathChars += path.length;
    if (source.flattenedPathChars > MAX_FLATTENED_PATH_CHARS) {
      throw source.invalid(at, 'the field paths of the query are too long once nested objects are flattened');
    }
    seen.add(path);
    fields.push({ path, value, at });
  };
  const walk = (entries: readonly ObjectEntry[], prefix: string): void => {
    for (const entry of entries) {
      const { key, value } = entry;
      const path = `${prefix}${key}`;
      if (value.kind !== 'object' || value.entries.length === 0) {
        add(path, value, entry.keyAt);
        continue;
      }
      const kept = value.entries.filter((child) => child.key.startsWith('$'));
      walk(
        value.entries.filter((child) => !child.key.startsWith('$')),
        `${path}.`,
      );
      if (kept.length > 0) add(path, { kind: 'object', entries: kept, at: value.at }, entry.keyAt);
    }
  };
  walk(
    object.entries.filter((entry) => !entry.key.startsWith('$')),
    '',
  );
  for (const entry of object.entries) if (entry.key.startsWith('$')) operators.push(entry);
  return { fields, operators };
}
