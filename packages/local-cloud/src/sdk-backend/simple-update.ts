import { isPlainObject, type PlainObject } from './documents';

/**
 * `$set` and `$inc` of top-level fields with plain values — what doc.update and most where().update
 * calls send (`{n: _.inc(1)}`, `{status: 'paid'}`) — applied directly, exactly as mingo's updater
 * applies them; every other update (nested or positional paths, other operators, object/array/date
 * values, a field named in two operators) returns false and is left to mingo. Hand-written because
 * mingo's updateMany copies and merges its operator tables on every call and walks each path per
 * document (measured: most of a doc.update's backend time); test/simple-update.test.ts compares
 * both on generated documents and updates.
 */

type Plain = string | number | boolean | null;
type Step = { readonly op: '$set' | '$inc'; readonly field: string; readonly value: Plain };

/** Names mingo guards, or that resolve through Object.prototype: left to mingo. */
const GUARDED = new Set(['_id', '__proto__', 'prototype']);

function plainValue(value: unknown): value is Plain {
  return (
    value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0))
  );
}

function steps(operators: PlainObject): Step[] | undefined {
  const out: Step[] = [];
  const seen = new Set<string>();
  for (const [op, fields] of Object.entries(operators)) {
    if ((op !== '$set' && op !== '$inc') || !isPlainObject(fields)) return undefined;
    for (const [field, value] of Object.entries(fields)) {
      if (field.includes('.') || field.startsWith('$') || GUARDED.has(field) || field in Object.prototype || seen.has(field) || !plainValue(value))
        return undefined;
      if (op === '$inc' && typeof value !== 'number') return undefined;
      seen.add(field);
      out.push({ op, field, value });
    }
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The update as a function that applies it to one document (the caller's own copy), or undefined
 * when the update is not of the simple shape. It only assigns top-level fields plain values, so a
 * shallow copy of a stored document is enough to keep the stored version intact.
 */
export function simpleUpdate(operators: PlainObject): ((doc: PlainObject) => void) | undefined {
  const plan = steps(operators);
  if (!plan) return undefined;
  return (doc) => {
    for (const { op, field, value } of plan) {
      const current = doc[field];
      if (op === '$inc') {
        // mingo: a number or a missing field is incremented (`o[k] ||= 0; o[k] += val`); anything else is left as it is.
        if ((typeof current === 'number' && !Number.isNaN(current)) || current === undefined) doc[field] = (current || 0) + (value as number);
      } else if (current !== value) {
        // As mingo's isEqual: 0 and -0 are equal, so a stored -0 is kept when 0 is set.
        doc[field] = value;
      }
    }
  };
}
