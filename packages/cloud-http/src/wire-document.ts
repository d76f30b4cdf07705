/**
 * The HTTP API's `data` entries are documents as JSON strings, with MongoDB's extended-JSON
 * wrappers for what JSON has no type for: `{"$date": <epoch ms>}` for a Date and
 * `{"$regex", "$options"}` for a regular expression. Stored field names cannot start with `$`,
 * so such an object is never user data: it is turned back into the Date or RegExp it stands for.
 */
export function parseDocument(text: string): unknown {
  return JSON.parse(text, revive);
}

function revive(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === '$date') return dateOf(record.$date) ?? value;
  if (keys.length === 2 && typeof record.$regex === 'string' && typeof record.$options === 'string') {
    try {
      return new RegExp(record.$regex, record.$options);
    } catch {
      return value;
    }
  }
  return value;
}

/** `{"$date": ms}`, and the ISO-string and `{"$numberLong": "…"}` forms other exports use. */
function dateOf(raw: unknown): Date | undefined {
  let ms: number | undefined;
  if (typeof raw === 'number') ms = raw;
  else if (typeof raw === 'string') ms = Date.parse(raw);
  else if (typeof raw === 'object' && raw !== null && typeof (raw as { $numberLong?: unknown }).$numberLong === 'string') {
    ms = Number((raw as { $numberLong: string }).$numberLong);
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
