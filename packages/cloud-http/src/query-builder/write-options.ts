import { InvalidArgumentError } from '@wxhub/core';
import { enter } from './literals';
import { isPlainObject } from './render';

/**
 * The `{data: …}` options object of add/update/set, the shape wx-server-sdk and the query text
 * both use. A document passed directly, or one with `data` beside other keys, is refused rather
 * than guessed at: read as options it would lose its fields, read as a document it would store
 * a `data` field the caller meant as the wrapper.
 */
export function dataOf(options: unknown, method: string): unknown {
  const usage = `takes {data: …}, as wx-server-sdk does: write ${method}({data: …})`;
  if (!isPlainObject(options)) throw new InvalidArgumentError(method, usage);
  // Keys are not echoed: they are the caller's field names and may carry anything.
  const keys = Object.keys(options);
  if (keys.some((key) => key !== 'data')) throw new InvalidArgumentError(method, `${usage}; it takes no other keys`);
  const data = keys.includes('data') ? options.data : undefined;
  if (data === undefined) throw new InvalidArgumentError(method, usage);
  return data;
}

/** `{data: …}` as query text, its contents one level deeper. */
export function renderDataOption(depth: number, method: string, render: (depth: number) => string): string {
  return `{data: ${render(enter(depth, method))}}`;
}
