import { requestFailed } from './backend-error';
import { isPlainObject, type PlainObject } from './documents';

/**
 * MongoDB refuses updates that do not fit the document (incrementing a string, pushing onto a
 * non-array, creating a field inside a number); mingo skips them silently, which would report
 * success for a write that did not happen. These checks run before mingo applies the update.
 */

const NUMERIC_OPERATORS: ReadonlySet<string> = new Set(['$inc', '$mul', '$bit']);
const ARRAY_OPERATORS: ReadonlySet<string> = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);

type PathState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'found'; readonly value: unknown }
  | { readonly kind: 'blocked'; readonly at: string; readonly value: unknown };

/**
 * Paths mingo will not write (its prototype-pollution guard): `__proto__` anywhere, or
 * `constructor.prototype`; an update through them was dropped while reporting success. MongoDB
 * stores such names; the local cloud refuses them rather than lose the value (a difference listed
 * in the README's parity table).
 */
function unwritableSegment(segments: readonly string[]): string | undefined {
  for (let i = 0; i < segments.length; i += 1) {
    if (segments[i] === '__proto__') return '__proto__';
    if (segments[i] === 'constructor' && segments[i + 1] === 'prototype') return 'constructor.prototype';
  }
  return undefined;
}

export function assertUpdateFits(doc: PlainObject, operators: PlainObject): void {
  for (const [operator, fields] of Object.entries(operators)) {
    if (!isPlainObject(fields)) continue;
    if (operator === '$rename') assertRenameFits(doc, fields);
    for (const path of Object.keys(fields)) {
      assertWritablePath(path);
      // Positional paths (`a.$.b`, `a.$[]`) depend on the query; mingo resolves those itself.
      if (path.includes('$')) continue;
      const state = inspect(doc, path);
      if (state.kind === 'blocked') {
        throw requestFailed(`Cannot create field '${path}' in element {${state.at}: ${describe(state.value)}} (document ${describe(doc._id)})`);
      }
      if (state.kind === 'missing') continue;
      if (NUMERIC_OPERATORS.has(operator) && typeof state.value !== 'number') {
        throw requestFailed(
          `Cannot apply ${operator} to a value of non-numeric type. {_id: ${describe(doc._id)}} has the field '${path}' of non-numeric type ${typeName(state.value)}`,
        );
      }
      if (ARRAY_OPERATORS.has(operator) && !Array.isArray(state.value)) {
        throw requestFailed(`The field '${path}' must be an array but is of type ${typeName(state.value)} in document {_id: ${describe(doc._id)}}`);
      }
    }
  }
}

function assertWritablePath(path: string): void {
  const bad = unwritableSegment(path.split('.'));
  if (bad !== undefined) throw requestFailed(`field path '${path}' goes through '${bad}', which the local cloud cannot store`);
}

/**
 * $rename (manual: "$rename"): neither the source nor the destination may be an array element
 * ("The source field cannot be an array element" / "The destination field cannot be an array
 * element"), and the destination cannot be created inside a value that is not a document. mingo
 * removed the source and wrote nothing in those cases, reporting the document updated.
 */
function assertRenameFits(doc: PlainObject, fields: PlainObject): void {
  for (const [source, target] of Object.entries(fields)) {
    if (typeof target !== 'string' || target === '') throw requestFailed(`$rename of '${source}' needs a non-empty field path as its new name`);
    assertWritablePath(target);
    for (const [role, path] of [
      ['source', source],
      ['destination', target],
    ] as const) {
      const arrayAt = arrayPrefix(doc, path);
      if (arrayAt !== undefined) {
        throw requestFailed(
          `The ${role} field cannot be an array element, '${path}' in doc with _id: ${describe(doc._id)} has an array field called '${arrayAt}'`,
        );
      }
    }
    const state = inspect(doc, target);
    if (state.kind === 'blocked') {
      throw requestFailed(`Cannot create field '${target}' in element {${state.at}: ${describe(state.value)}} (document ${describe(doc._id)})`);
    }
  }
}

/** The first proper prefix of `path` that holds an array in `doc`, if any. */
function arrayPrefix(doc: PlainObject, path: string): string | undefined {
  const segments = path.split('.');
  let current: unknown = doc;
  for (let i = 0; i < segments.length - 1; i += 1) {
    if (!isPlainObject(current)) return undefined;
    current = current[segments[i] as string];
    if (Array.isArray(current)) return segments.slice(0, i + 1).join('.');
  }
  return undefined;
}

function inspect(doc: PlainObject, path: string): PathState {
  const segments = path.split('.');
  let current: unknown = doc;
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i] as string;
    let next: unknown;
    if (Array.isArray(current) && /^\d+$/.test(segment)) next = current[Number(segment)];
    else if (isPlainObject(current)) next = current[segment];
    else return { kind: 'blocked', at: segments.slice(0, i).join('.'), value: current };
    if (next === undefined) return { kind: 'missing' };
    current = next;
  }
  return { kind: 'found', value: current };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  return typeof value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) || isPlainObject(value)) return typeName(value);
  return String(value);
}
