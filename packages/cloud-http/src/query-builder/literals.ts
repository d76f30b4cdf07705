import { InvalidArgumentError } from '@wxhub/core';
import { MAX_NESTING_DEPTH, keyProblem } from '@wxhub/db-query-language';

/**
 * The only ways user data becomes query text. Each returns a JavaScript literal that can mean
 * nothing but the value it was given: strings through JSON.stringify, numbers only when finite,
 * keys validated and quoted. Nothing else is ever concatenated into a query.
 */

/** Characters JSON.stringify leaves raw that are line terminators in older JavaScript or HTML markup. */
const EXTRA_ESCAPES = /[\u2028\u2029<>]/g;

export function stringLiteral(value: string): string {
  return JSON.stringify(value).replace(EXTRA_ESCAPES, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function numberLiteral(value: number, what: string): string {
  if (!Number.isFinite(value)) throw new InvalidArgumentError(what, 'numbers must be finite');
  // String(-0) is "0": keep the sign so the value reads back the same.
  return Object.is(value, -0) ? '-0' : String(value);
}

export function keyLiteral(key: string, what: string): string {
  const problem = keyProblem(key);
  if (problem !== undefined) throw new InvalidArgumentError(what, problem);
  return stringLiteral(key);
}

/**
 * One more level of `(`, `[` or `{`. `depth` counts the brackets open around the current
 * position, as the parser counts them.
 */
export function enter(depth: number, what: string): number {
  const next = depth + 1;
  if (next > MAX_NESTING_DEPTH) throw new InvalidArgumentError(what, `the query would nest deeper than ${MAX_NESTING_DEPTH} levels`);
  return next;
}

export function integerLiteral(value: number, what: string, min: number, max = Number.MAX_SAFE_INTEGER): string {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(what, max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`);
  }
  return numberLiteral(value, what);
}
