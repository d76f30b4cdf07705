/**
 * wx-server-sdk reports backend failures as Errors whose message carries the numeric code
 * (e.g. `collection.add:fail -502001 ... E11000 duplicate key`), sometimes also `errCode`.
 * These helpers classify them without depending on the exact wording.
 */
export function databaseErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { errCode?: unknown; code?: unknown; message?: unknown; errMsg?: unknown };
  if (typeof record.errCode === 'number') return record.errCode;
  const text = `${String(record.errMsg ?? '')} ${String(record.message ?? '')}`;
  const match = /(-50[1-5]\d{3})/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function isDuplicateKey(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String((error as { errMsg?: unknown })?.errMsg ?? '');
  return /E11000|duplicate key/i.test(text);
}

export function isMissingCollection(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String((error as { errMsg?: unknown })?.errMsg ?? '');
  return databaseErrorCode(error) === -502005 || /DATABASE_COLLECTION_NOT_EXIST|collection not exist/i.test(text);
}
