import { ProtocolError } from '@wxhub/core';

/**
 * wx-server-sdk's typings declare query results as `X | void | string` (callback overloads), so
 * each read narrows here once, checking the shape instead of trusting a cast.
 */
export function rowsOf<T>(result: unknown): T[] {
  const data = (result as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) throw new ProtocolError('cloud database', 'a query result without a data array');
  return data as T[];
}

export function totalOf(result: unknown): number {
  const total = (result as { total?: unknown } | undefined)?.total;
  if (typeof total !== 'number') throw new ProtocolError('cloud database', 'a count result without a total');
  return total;
}
