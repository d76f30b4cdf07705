import { SERVER_DATE_KEY } from '@wxhub/db-query-language';
import type { ActionContext, ActionHandler, ActionReply } from '../sdk-backend/action-types';
import { invalidParam } from '../sdk-backend/backend-error';
import { DATABASE_ACTIONS } from '../sdk-backend/database-actions';
import { decodeEjson, toWireJson } from '../sdk-backend/document-codec';
import { isPlainObject, type PlainObject } from '../sdk-backend/documents';

/**
 * What every old database action shares: today's handler to run it (never a second
 * implementation), and the translation between the old SDKs' plain JSON trees and today's EJSON.
 */

function current(name: string): ActionHandler {
  const handler = DATABASE_ACTIONS[name];
  if (!handler) throw new Error(`the backend has no ${name}`);
  return handler;
}

/** Runs today's action with translated params. */
export async function run(ctx: ActionContext, name: string, params: PlainObject): Promise<ActionReply> {
  return current(name)({ ...ctx, action: name, params });
}

/** An old JSON tree as today's EJSON string: `{$date: {offset}}` becomes the server-date marker, `{$date: ms}` a canonical date. */
export function ejson(tree: unknown): string {
  return JSON.stringify(serverDates(tree));
}

function serverDates(tree: unknown): unknown {
  if (Array.isArray(tree)) return tree.map(serverDates);
  if (!isPlainObject(tree)) return tree;
  const keys = Object.keys(tree);
  if (keys.length === 1 && keys[0] === '$date' && isPlainObject(tree.$date)) return { [SERVER_DATE_KEY]: tree.$date };
  // Canonical EJSON spells a date's milliseconds as $numberLong; the old SDKs send a bare number.
  if (keys.length === 1 && keys[0] === '$date' && typeof tree.$date === 'number') return { $date: { $numberLong: String(Math.trunc(tree.$date)) } };
  const out: PlainObject = {};
  for (const [key, value] of Object.entries(tree)) out[key] = serverDates(value);
  return out;
}

export function optional(params: PlainObject, ...names: string[]): PlainObject {
  const out: PlainObject = {};
  for (const name of names) if (params[name] !== undefined && params[name] !== null) out[name] = params[name];
  return out;
}

export function queryParam(params: PlainObject): PlainObject {
  return params.query === undefined || params.query === null ? {} : { query: ejson(params.query) };
}

/** Today's answer's EJSON documents as the old SDK reads them (plain JSON with `$date`, `$regex`). */
export function legacyDocuments(list: unknown, now: number): unknown[] {
  if (!Array.isArray(list)) return [];
  return list.map((text, i) => toWireJson(decodeEjson(text, `list[${i}]`, now)));
}

export function data(reply: ActionReply): PlainObject {
  const value = (reply as { data?: unknown }).data;
  return isPlainObject(value) ? value : {};
}

/** A JSON text the old SDK sent (aggregate stages are `JSON.stringify`ed, not EJSON). */
export function parseJsonText(text: unknown, field: string): unknown {
  if (typeof text !== 'string') throw invalidParam(`${field} must be a JSON string`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidParam(`${field} is not valid JSON: ${(error as Error).message}`);
  }
}
