/**
 * The key wx-server-sdk sends for `db.serverDate({offset})`: `{$tcb_server_date: {offset}}`.
 * Only `db.serverDate()` may produce it; an object literal may not use it as a key.
 */
export const SERVER_DATE_KEY = '$tcb_server_date';

/** Names that reach an object's prototype when a path is followed naively. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** MongoDB operators that run JavaScript on the server. */
const SCRIPT_OPERATORS: ReadonlySet<string> = new Set(['$where', '$function', '$accumulator']);

/**
 * Why a key (or a dotted field path) may not appear in a query, or undefined when it may. The
 * same rule guards object keys, `orderBy` fields and projection keys, in the local cloud's
 * parser and in the builder of `@wxhub/cloud-http`.
 */
export function keyProblem(key: string): string | undefined {
  if (key === SERVER_DATE_KEY) return `the key '${SERVER_DATE_KEY}' is reserved for db.serverDate()`;
  if (SCRIPT_OPERATORS.has(key)) return `the operator '${key}' runs JavaScript and is not allowed`;
  for (const segment of key.split('.')) {
    if (PROTOTYPE_NAMES.has(segment)) return `the key '${segment}' is not allowed`;
  }
  return undefined;
}
