import { constantTimeEqual } from './bytes';
import { sha1Hex } from './sha1';

/**
 * Signatures of WeChat's message push (消息推送): sha1 of the parts sorted and joined with
 * nothing between them. The sort is JavaScript's default (UTF-16 code units), the same order
 * as WeChat's Java sample; WeChat's own parts are ASCII, where every sample language agrees.
 */
function signSorted(parts: string[]): string {
  return sha1Hex([...parts].sort().join(''));
}

export interface ServerSignatureParams {
  readonly token: string;
  readonly timestamp: string;
  readonly nonce: string;
}

/** The `signature` WeChat sends with the GET check of the push URL (and with plain-mode pushes). */
export function serverSignature({ token, timestamp, nonce }: ServerSignatureParams): string {
  return signSorted([token, timestamp, nonce]);
}

/**
 * The GET check: true when `signature` is sha1 of the sorted token, timestamp and nonce.
 * Values that are not strings (a missing query parameter) are a mismatch, not a crash.
 */
export function verifyServerSignature(params: ServerSignatureParams & { readonly signature: string }): boolean {
  const { token, timestamp, nonce, signature } = params;
  if (![token, timestamp, nonce, signature].every((v) => typeof v === 'string')) return false;
  return constantTimeEqual(serverSignature({ token, timestamp, nonce }), signature);
}

export interface MsgSignatureParams extends ServerSignatureParams {
  readonly encrypt: string;
}

/** `msg_signature` of safe/compatible mode: sha1 of the sorted token, timestamp, nonce and Encrypt. */
export function msgSignature({ token, timestamp, nonce, encrypt }: MsgSignatureParams): string {
  return signSorted([token, timestamp, nonce, encrypt]);
}
