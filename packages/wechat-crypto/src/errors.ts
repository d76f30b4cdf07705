import { WxhubError, mask } from '@wxhub/core';

/**
 * The root of every failure of this package. None is transient: the same bytes fail the same
 * way, so no retry can help. No message ever carries a key, a token or plaintext.
 */
export abstract class WechatCryptoError extends WxhubError {
  readonly transient = false;
}

/** session_key is not canonical base64 of exactly 16 bytes. */
export class InvalidSessionKeyError extends WechatCryptoError {
  readonly code = 'CRYPTO_BAD_SESSION_KEY';
  constructor(readonly reason: string) {
    super(`invalid session_key: ${reason}`);
  }
}

/** The iv sent with encryptedData is not canonical base64 of exactly 16 bytes. */
export class InvalidIvError extends WechatCryptoError {
  readonly code = 'CRYPTO_BAD_IV';
  constructor(readonly reason: string) {
    super(`invalid iv: ${reason}`);
  }
}

/** encryptedData / Encrypt is not base64, is empty, or is not whole AES blocks. */
export class InvalidCiphertextError extends WechatCryptoError {
  readonly code = 'CRYPTO_BAD_CIPHERTEXT';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid ${field}: ${reason}`);
  }
}

/**
 * The decrypted bytes do not end in valid PKCS#7 padding. Deliberately one error with one
 * message whatever was wrong with the padding, so the answer does not say how it failed.
 */
export class BadPaddingError extends WechatCryptoError {
  readonly code = 'CRYPTO_BAD_PADDING';
  constructor(readonly field: string) {
    super(`${field} could not be decrypted with this key`);
  }
}

/** Login data decrypted, but is not UTF-8 JSON describing an object. */
export class NotJsonError extends WechatCryptoError {
  readonly code = 'CRYPTO_NOT_JSON';
  constructor() {
    super('decrypted encryptedData is not a JSON object');
  }
}

/** Login data decrypted to JSON without a usable `watermark {appid, timestamp}`. */
export class MissingWatermarkError extends WechatCryptoError {
  readonly code = 'CRYPTO_NO_WATERMARK';
  constructor(readonly reason: string) {
    super(`decrypted encryptedData has no valid watermark: ${reason}`);
  }
}

/** The data was issued for another mini program (watermark appid, or a push message's trailing appid). */
export class AppidMismatchError extends WechatCryptoError {
  readonly code = 'CRYPTO_APPID_MISMATCH';
  /** Masked, like `actualAppid`. */
  readonly expectedAppid: string;
  readonly actualAppid: string;
  constructor(expected: string, actual: string) {
    const expectedAppid = mask(expected);
    const actualAppid = mask(actual);
    super(`data was issued for appid ${actualAppid}, expected ${expectedAppid}`);
    this.expectedAppid = expectedAppid;
    this.actualAppid = actualAppid;
  }
}

/** EncodingAESKey is not 43 base64 characters (32 bytes once '=' is appended). */
export class InvalidEncodingAesKeyError extends WechatCryptoError {
  readonly code = 'CRYPTO_BAD_AES_KEY';
  constructor(readonly reason: string) {
    super(`invalid EncodingAESKey: ${reason}`);
  }
}

/** msg_signature does not match sha1 of the sorted token, timestamp, nonce and Encrypt. */
export class SignatureMismatchError extends WechatCryptoError {
  readonly code = 'CRYPTO_BAD_SIGNATURE';
  constructor(readonly reason = 'signature does not match') {
    super(`message signature check failed: ${reason}`);
  }
}

/** The decrypted push message's length field does not fit the decrypted bytes. */
export class BadMessageLengthError extends WechatCryptoError {
  readonly code = 'CRYPTO_BAD_LENGTH';
  constructor(readonly reason: string) {
    super(`decrypted message has an invalid length: ${reason}`);
  }
}

/** The decrypted push message or its appid is not valid UTF-8. */
export class BadMessageEncodingError extends WechatCryptoError {
  readonly code = 'CRYPTO_BAD_ENCODING';
  constructor(readonly part: string) {
    super(`decrypted ${part} is not valid UTF-8`);
  }
}
