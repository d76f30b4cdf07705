import fc from 'fast-check';
import { fuzzRuns } from '@wxhub/test-support/fuzz';
import {
  AppidMismatchError,
  InvalidEncodingAesKeyError,
  MessageCrypto,
  SignatureMismatchError,
  WechatCryptoError,
  decryptUserData,
  encryptUserData,
  msgSignature,
  verifyRawDataSignature,
  verifyServerSignature,
} from '../src';
import { LOGIN_DEMO, PUSH_DOC, RAW_DATA_SIGNATURE } from '../src/testing';

/**
 * Property tests: garbage and tampering always end in a WechatCryptoError (never another
 * exception, never a wrong acceptance) and honest data always round-trips. Inputs are kept
 * small so each property's runs (200, or FUZZ_RUNS) stay fast.
 */

const RUNS = { numRuns: fuzzRuns(200) };

/** The outcome of a call: its value, or the error it threw. Anything not a WechatCryptoError fails the property. */
function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: WechatCryptoError } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!(error instanceof WechatCryptoError)) throw error;
    return { ok: false, error };
  }
}

const bytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a));
const base64Of = (arb: fc.Arbitrary<Uint8Array>) => arb.map((a) => Buffer.from(a).toString('base64'));
/** Strings that are rejected early, plus base64 of every length: most of them reach the decryption. */
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 48 }), base64Of(fc.uint8Array({ maxLength: 64 })));
const unicode = (minLength = 0) => fc.string({ unit: 'binary', minLength, maxLength: 60 });

function flipByte(base64: string, index: number, mask: number): string {
  const raw = Buffer.from(base64, 'base64');
  const at = index % raw.length;
  raw[at] = (raw[at] ?? 0) ^ mask;
  return raw.toString('base64');
}

describe('login data under fuzzing', () => {
  const { appid, sessionKey, iv, encryptedData } = LOGIN_DEMO;

  it('rejects every session_key but the right one with a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, base64Of(bytes16)), (key) => {
        fc.pre(key !== sessionKey);
        expect(outcome(() => decryptUserData({ appid, sessionKey: key, iv, encryptedData })).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('rejects every other iv with a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, base64Of(bytes16)), (otherIv) => {
        fc.pre(otherIv !== iv);
        expect(outcome(() => decryptUserData({ appid, sessionKey, iv: otherIv, encryptedData })).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('rejects random ciphertexts with a typed error', () => {
    fc.assert(
      fc.property(anyText, (data) => {
        expect(outcome(() => decryptUserData({ appid, sessionKey, iv, encryptedData: data })).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('rejects the official ciphertext with any one byte changed', () => {
    // A flip garbles a whole 16-byte plaintext block, which then fails padding, UTF-8 or JSON
    // (the chance that 16 random bytes pass as the inside of a JSON string is about 1e-7).
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const tampered = flipByte(encryptedData, index, mask);
        expect(outcome(() => decryptUserData({ appid, sessionKey, iv, encryptedData: tampered })).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('round-trips arbitrary JSON objects and appids, and refuses them to any other appid', () => {
    fc.assert(
      fc.property(
        fc.dictionary(unicode(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
        unicode(1),
        unicode(1),
        bytes16,
        fc.integer({ min: 0, max: 2 ** 31 }),
        (data, ownAppid, otherAppid, key, timestamp) => {
          const sessionKey = key.toString('base64');
          const sealed = encryptUserData({ appid: ownAppid, sessionKey, data, timestamp });
          const expected: unknown = JSON.parse(JSON.stringify({ ...data, watermark: { timestamp, appid: ownAppid } }));
          expect(decryptUserData({ appid: ownAppid, sessionKey, ...sealed })).toEqual(expected);
          fc.pre(otherAppid !== ownAppid);
          const foreign = outcome(() => decryptUserData({ appid: otherAppid, sessionKey, ...sealed }));
          expect(foreign.ok === false && foreign.error instanceof AppidMismatchError).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('never accepts a raw-data signature but the right one', () => {
    const { rawData, sessionKey: key, signature } = RAW_DATA_SIGNATURE;
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 45 }), fc.stringMatching(/^[0-9a-f]{40}$/)), fc.nat(), (candidate, index) => {
        fc.pre(candidate !== signature);
        expect(verifyRawDataSignature(rawData, candidate, key)).toBe(false);
        const at = index % rawData.length;
        const changed = rawData.slice(0, at) + String.fromCharCode(rawData.charCodeAt(at) ^ 1) + rawData.slice(at + 1);
        expect(verifyRawDataSignature(changed, signature, key)).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('push messages under fuzzing', () => {
  const { token, encodingAESKey, appid } = PUSH_DOC;
  const crypto = new MessageCrypto({ token, encodingAESKey, appid });
  const { Encrypt, msgSignature: signature, timestamp, nonce } = PUSH_DOC.push;

  it('round-trips arbitrary unicode messages under arbitrary keys and appids', () => {
    fc.assert(
      fc.property(
        unicode(),
        unicode(1),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ minLength: 1, maxLength: 10 }),
        (message, ownAppid, key, ownToken) => {
          const own = new MessageCrypto({ token: ownToken, appid: ownAppid, encodingAESKey: Buffer.from(key).toString('base64').slice(0, 43) });
          const sealed = own.encrypt(message);
          expect(own.decrypt({ Encrypt: sealed.Encrypt, msgSignature: sealed.MsgSignature, timestamp: sealed.TimeStamp, nonce: sealed.Nonce })).toBe(message);
        },
      ),
      RUNS,
    );
  });

  it('refuses a message sealed for another appid with the same key and token', () => {
    fc.assert(
      fc.property(unicode(), unicode(1), (message, otherAppid) => {
        fc.pre(otherAppid !== appid);
        const sealed = new MessageCrypto({ token, encodingAESKey, appid: otherAppid }).encrypt(message);
        const result = outcome(() =>
          crypto.decrypt({ Encrypt: sealed.Encrypt, msgSignature: sealed.MsgSignature, timestamp: sealed.TimeStamp, nonce: sealed.Nonce }),
        );
        expect(result.ok === false && result.error instanceof AppidMismatchError).toBe(true);
      }),
      RUNS,
    );
  });

  it('rejects the documented push with any byte of Encrypt flipped, by its signature', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const tampered = flipByte(Encrypt, index, mask);
        const result = outcome(() => crypto.decrypt({ Encrypt: tampered, msgSignature: signature, timestamp, nonce }));
        expect(result.ok === false && result.error instanceof SignatureMismatchError).toBe(true);
      }),
      RUNS,
    );
  });

  it('rejects the documented push with any character of Encrypt, timestamp or nonce changed', () => {
    fc.assert(
      fc.property(fc.constantFrom('Encrypt', 'timestamp', 'nonce'), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (field, index, replacement) => {
        const fields: Record<'Encrypt' | 'timestamp' | 'nonce', string> = { Encrypt, timestamp, nonce };
        const original = fields[field];
        const at = index % original.length;
        fc.pre(original[at] !== replacement);
        fields[field] = original.slice(0, at) + replacement + original.slice(at + 1);
        const result = outcome(() => crypto.decrypt({ ...fields, msgSignature: signature }));
        expect(result.ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('never accepts a msg_signature but the right one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 45 }), fc.stringMatching(/^[0-9a-f]{40}$/)), (candidate) => {
        fc.pre(candidate !== signature);
        const result = outcome(() => crypto.decrypt({ Encrypt, msgSignature: candidate, timestamp, nonce }));
        expect(result.ok === false && result.error instanceof SignatureMismatchError).toBe(true);
        expect(verifyServerSignature({ token, timestamp, nonce, signature: candidate })).toBe(candidate === PUSH_DOC.push.signature);
      }),
      RUNS,
    );
  });

  it('never crashes on garbage even when the sender knows the token (valid signature, random ciphertext)', () => {
    fc.assert(
      fc.property(anyText, (garbage) => {
        const garbageSignature = msgSignature({ token, timestamp, nonce, encrypt: garbage });
        expect(outcome(() => crypto.decrypt({ Encrypt: garbage, msgSignature: garbageSignature, timestamp, nonce })).ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('with the token known, a re-signed flipped byte is rejected or yields a different message, never a crash', () => {
    // CBC has no integrity of its own: the signature is what authenticates, so a token holder can
    // alter the message. What must still hold: no crash, no untyped error, no silent replay of the original.
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const tampered = flipByte(Encrypt, index, mask);
        const resigned = msgSignature({ token, timestamp, nonce, encrypt: tampered });
        const result = outcome(() => crypto.decrypt({ Encrypt: tampered, msgSignature: resigned, timestamp, nonce }));
        if (result.ok) expect(result.value).not.toBe(PUSH_DOC.push.message);
      }),
      RUNS,
    );
  });

  it('rejects arbitrary EncodingAESKeys with a typed error, and a valid but wrong one fails to decrypt', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 50 }),
          base64Of(fc.uint8Array({ minLength: 32, maxLength: 32 })).map((k) => k.slice(0, 43)),
        ),
        (key) => {
          const built = outcome(() => new MessageCrypto({ token, appid, encodingAESKey: key }));
          if (!built.ok) {
            expect(built.error).toBeInstanceOf(InvalidEncodingAesKeyError);
            return;
          }
          fc.pre(Buffer.from(`${key}=`, 'base64').toString('hex') !== Buffer.alloc(32).toString('hex'));
          expect(outcome(() => built.value.decrypt({ Encrypt, msgSignature: signature, timestamp, nonce })).ok).toBe(false);
        },
      ),
      RUNS,
    );
  });
});
