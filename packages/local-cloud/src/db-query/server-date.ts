import { SERVER_DATE_KEY } from '@wxhub/db-query-language';
import type { QueryObject, QueryValue } from './types';

/**
 * `db.serverDate({offset})` parses to `{$tcb_server_date: {offset}}`, the object wx-server-sdk
 * sends for it, so the executor can swap in its own clock's time when it runs the query. Object
 * literals in a query may not use this key: only `db.serverDate()` produces the marker.
 */

export interface ServerDateMarker {
  [SERVER_DATE_KEY]: { offset: number };
}

export function serverDateMarker(offset: number): QueryObject {
  return { [SERVER_DATE_KEY]: { offset } };
}

export function isServerDateMarker(value: unknown): value is ServerDateMarker {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== SERVER_DATE_KEY) return false;
  const spec: unknown = (value as Record<string, unknown>)[SERVER_DATE_KEY];
  return typeof spec === 'object' && spec !== null && typeof (spec as { offset?: unknown }).offset === 'number';
}

/** A copy of `value` with every server-date marker replaced by `new Date(nowMs + offset)`. */
export function resolveServerDates(value: QueryValue, nowMs: number): QueryValue {
  if (isServerDateMarker(value)) return new Date(nowMs + value[SERVER_DATE_KEY].offset);
  if (Array.isArray(value)) return value.map((item) => resolveServerDates(item, nowMs));
  if (value instanceof Date || value instanceof RegExp || value === null || typeof value !== 'object') return value;
  const out: QueryObject = {};
  for (const [key, field] of Object.entries(value)) out[key] = resolveServerDates(field, nowMs);
  return out;
}
