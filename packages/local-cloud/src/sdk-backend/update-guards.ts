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

export function assertUpdateFits(doc: PlainObject, operators: PlainObject): void {
  for (const [operator, fields] of Object.entries(operators)) {
    if (!isPlainObject(fields)) continue;
    for (const path of Object.keys(fields)) {
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
