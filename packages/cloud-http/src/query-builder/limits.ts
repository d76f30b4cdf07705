/**
 * The limits and key rules of the local cloud's query parser (`@wxhub/local-cloud` db-query),
 * repeated here because this package must not depend on the emulator. The round-trip tests
 * check that both agree: whatever the builder produces, the parser accepts.
 */

/** Longest query text, in UTF-8 bytes. */
export const MAX_QUERY_BYTES = 64 * 1024;
/** Deepest nesting of `(`, `[` and `{`. */
export const MAX_NESTING_DEPTH = 32;
/** Largest `.limit()`. */
export const MAX_LIMIT = 1000;

const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const SCRIPT_OPERATORS: ReadonlySet<string> = new Set(['$where', '$function', '$accumulator']);
const SERVER_DATE_KEY = '$tcb_server_date';

/** Why a key or dotted field path may not be used, or undefined when it may. */
export function keyProblem(key: string): string | undefined {
  if (key === SERVER_DATE_KEY) return `the key '${SERVER_DATE_KEY}' is reserved for db.serverDate()`;
  if (SCRIPT_OPERATORS.has(key)) return `the operator '${key}' runs JavaScript and is not allowed`;
  for (const segment of key.split('.')) {
    if (PROTOTYPE_NAMES.has(segment)) return `the key '${segment}' is not allowed`;
  }
  return undefined;
}
