import { PushMalformedError } from './errors';
import { DEFAULT_STRUCTURE_LIMITS, isForbiddenFieldName, type PushRecord, type PushValue, type StructureLimits } from './push-value';

/**
 * A JSON push body (or the event a cloud function receives): one object whose values are plain
 * JSON, within the nesting and size limits.
 */
export function parseJsonBody(text: string, limits: StructureLimits = DEFAULT_STRUCTURE_LIMITS): PushRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PushMalformedError('body is not valid JSON');
  }
  return keepMsgIdDigits(asPushRecord(parsed, limits), text);
}

/** Checks that `value` is an object of plain JSON values within `limits`; returns it unchanged. */
export function asPushRecord(value: unknown, limits: StructureLimits = DEFAULT_STRUCTURE_LIMITS): PushRecord {
  if (!isPlainObject(value)) throw new PushMalformedError('message is not an object');
  const counter = { nodes: 0 };
  check(value, 1, limits, counter);
  return value as PushRecord;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Recursion is bounded by `limits.maxDepth`: it stops one level past it. */
function check(value: unknown, depth: number, limits: StructureLimits, counter: { nodes: number }): void {
  counter.nodes += 1;
  if (counter.nodes > limits.maxNodes) throw new PushMalformedError(`message has more than ${limits.maxNodes} values`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PushMalformedError('message holds a number that is not finite');
    return;
  }
  if (typeof value !== 'object') throw new PushMalformedError(`message holds a value of type ${typeof value}, which JSON cannot carry`);
  if (depth + 1 > limits.maxDepth) throw new PushMalformedError(`message nests deeper than ${limits.maxDepth} levels`);
  if (Array.isArray(value)) {
    for (const item of value) check(item, depth + 1, limits, counter);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (isForbiddenFieldName(key)) throw new PushMalformedError(`field name ${key} is not allowed`);
    check(item, depth + 1, limits, counter);
  }
}

const MSG_ID_NUMBER = /"MsgId"\s*:\s*(\d{1,40})(?=\s*[,}])/g;

/**
 * WeChat's MsgIds are 64-bit integers (6054768590064713728): JSON.parse rounds those to the
 * nearest double, and two messages could then share an id. When the body has exactly one numeric
 * MsgId, its digits are taken from the text instead.
 */
function keepMsgIdDigits(record: PushRecord, text: string): PushRecord {
  const parsed = record.MsgId;
  if (typeof parsed !== 'number' || Number.isSafeInteger(parsed)) return record;
  const matches = [...text.matchAll(MSG_ID_NUMBER)];
  const digits = matches.length === 1 ? matches[0]?.[1] : undefined;
  return digits === undefined ? record : { ...record, MsgId: digits as PushValue };
}
