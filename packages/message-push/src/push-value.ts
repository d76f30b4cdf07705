/**
 * A field of a push message as it arrives in XML (every leaf a string, repeated tags an array)
 * or in JSON (numbers and booleans too).
 */
export type PushValue = string | number | boolean | null | readonly PushValue[] | PushRecord;

export interface PushRecord {
  readonly [field: string]: PushValue;
}

/** Bounds on what a body may contain once parsed; WeChat's pushes use a fraction of them. */
export interface StructureLimits {
  /** Nesting, counting the root (`<xml>` or the outer JSON object) as 1. */
  readonly maxDepth: number;
  /** Elements (XML) or values (JSON) in the whole body. */
  readonly maxNodes: number;
}

export const DEFAULT_STRUCTURE_LIMITS: StructureLimits = { maxDepth: 6, maxNodes: 512 };

/**
 * `obj[name] = value` with name `__proto__` would replace the object's prototype instead of
 * adding a field; WeChat never sends such a name, so it is refused rather than handled.
 */
export function isForbiddenFieldName(name: string): boolean {
  return name === '__proto__';
}
