import { invalidParam } from './backend-error';
import type { PlainObject } from './documents';

/** Readers for the plain-JSON parameters of a request body; each refusal names the field. */

export function requiredString(params: Readonly<PlainObject>, field: string): string {
  const value = params[field];
  if (typeof value !== 'string' || value.length === 0) throw invalidParam(`${field} must be a non-empty string`);
  return value;
}

export function optionalString(params: Readonly<PlainObject>, field: string): string | undefined {
  const value = params[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidParam(`${field} must be a string`);
  return value;
}

export function optionalBoolean(params: Readonly<PlainObject>, field: string, fallback: boolean): boolean {
  const value = params[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw invalidParam(`${field} must be a boolean`);
  return value;
}

export function optionalInteger(params: Readonly<PlainObject>, field: string, range: { min: number; max: number }): number | undefined {
  const value = params[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParam(`${field} must be an integer`);
  if (value < range.min || value > range.max) throw invalidParam(`${field} must be between ${range.min} and ${range.max}, got ${value}`);
  return value;
}

export function optionalEnum<T extends string>(params: Readonly<PlainObject>, field: string, allowed: readonly T[]): T | undefined {
  const value = params[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidParam(`${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
