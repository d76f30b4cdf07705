import type cloud from 'wx-server-sdk';
import { readOrEmpty, ReplyError, rowsOf } from '@wxhub/function-kit';
import { OcrErrorCode } from './codes';

type Database = ReturnType<typeof cloud.database>;

interface StoredToken {
  readonly value?: unknown;
  readonly expires_at?: unknown;
}

/**
 * The Baidu token refresh_tokens keeps under `name` in `setconfig`. Refuses one that is missing
 * or already expired by its stored expiry, so the page hears "try again later" instead of an
 * error from Baidu; a token that Baidu rejects anyway is reported by the caller.
 */
export async function readBaiduToken(db: Database, collection: string, name: string, now: number): Promise<string> {
  const found = await readOrEmpty(() => db.collection(collection).where({ config_name: name }).limit(1).get(), { data: [] });
  const entry = rowsOf<StoredToken>(found)[0];
  if (!entry || typeof entry.value !== 'string' || entry.value === '') {
    throw new ReplyError(OcrErrorCode.TOKEN_UNAVAILABLE, `OCR is not available yet: no Baidu token "${name}" has been stored (refresh_tokens fetches it)`);
  }
  if (typeof entry.expires_at === 'number' && entry.expires_at <= now) {
    throw new ReplyError(OcrErrorCode.TOKEN_REJECTED, `OCR is not available right now: the Baidu token "${name}" has expired; refresh_tokens renews it`, {
      reason: 'expired',
    });
  }
  return entry.value;
}
