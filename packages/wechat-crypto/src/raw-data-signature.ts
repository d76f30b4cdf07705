import { constantTimeEqual } from './bytes';
import { sha1Hex } from './sha1';

/** WeChat's signature of the `rawData` that `wx.getUserInfo` returns: sha1(rawData + session_key), hex. */
export function rawDataSignature(rawData: string, sessionKey: string): string {
  return sha1Hex(rawData + sessionKey);
}

/** True when `signature` matches; non-string inputs (fields missing from a request) are a mismatch. */
export function verifyRawDataSignature(rawData: string, signature: string, sessionKey: string): boolean {
  if (typeof rawData !== 'string' || typeof signature !== 'string' || typeof sessionKey !== 'string') return false;
  return constantTimeEqual(rawDataSignature(rawData, sessionKey), signature);
}
