import { randomBytes as cryptoRandomBytes, randomInt } from 'node:crypto';
import { Clock, ConfigError, InvalidArgumentError, systemClock } from '@wxhub/core';
import { aesCbcDecryptBlocks, aesCbcEncryptBlocks } from './aes-cbc';
import { constantTimeEqual, decodeStrictBase64, decodeStrictUtf8 } from './bytes';
import {
  AppidMismatchError,
  BadMessageEncodingError,
  BadMessageLengthError,
  BadPaddingError,
  InvalidCiphertextError,
  InvalidEncodingAesKeyError,
  SignatureMismatchError,
} from './errors';
import { pkcs7Pad, pkcs7PaddingLength } from './pkcs7';
import { msgSignature } from './push-signatures';

/**
 * Safe / compatible mode of message push (消息加解密). Plaintext is
 * random(16) ‖ uint32 BE byte length ‖ message ‖ appid, PKCS#7-padded to 32-byte blocks
 * (WeChat's block, not AES's), AES-256-CBC with key = base64(EncodingAESKey + '=') and
 * iv = the key's first 16 bytes; `msg_signature` authenticates the base64 ciphertext.
 */

const PAD_BLOCK = 32;
const AES_BLOCK = 16;
const RANDOM_PREFIX = 16;
const LENGTH_FIELD = 4;
const ENCODING_AES_KEY = /^[A-Za-z0-9+/]{43}$/;

export interface MessageCryptoOptions {
  readonly token: string;
  /** 43 characters, as configured in the mini program's admin console. */
  readonly encodingAESKey: string;
  /** The mini program's appid: the last field of every plaintext. */
  readonly appid: string;
  /** The 16-byte random prefix; injectable so a fixed prefix reproduces WeChat's published ciphertexts. */
  readonly randomBytes?: (size: number) => Buffer;
  /** Source of the default TimeStamp of `encrypt`. */
  readonly clock?: Clock;
}

export interface EncryptOptions {
  readonly timestamp?: string | number;
  readonly nonce?: string;
}

/** The fields of an encrypted reply or push, named as WeChat names them in XML and JSON. */
export interface EncryptedMessage {
  readonly Encrypt: string;
  readonly MsgSignature: string;
  readonly TimeStamp: string;
  readonly Nonce: string;
}

export interface DecryptParams {
  /** The `Encrypt` field of the body. */
  readonly Encrypt: string;
  /** Query parameters `msg_signature`, `timestamp`, `nonce`. */
  readonly msgSignature: string;
  readonly timestamp: string;
  readonly nonce: string;
}

function decodeEncodingAesKey(encodingAESKey: unknown): Buffer {
  if (typeof encodingAESKey !== 'string') throw new InvalidEncodingAesKeyError('not a string');
  // The 43rd character may carry 2 stray bits (WeChat's own sample key does), so this is not a
  // canonical-base64 check: only the alphabet and the length.
  if (!ENCODING_AES_KEY.test(encodingAESKey)) {
    throw new InvalidEncodingAesKeyError('expected 43 characters of [A-Za-z0-9+/]');
  }
  return Buffer.from(`${encodingAESKey}=`, 'base64');
}

/** WeChat's nonces are decimal strings; so are ours. */
function defaultNonce(): string {
  return String(randomInt(100_000_000, 1_000_000_000));
}

export class MessageCrypto {
  private readonly token: string;
  private readonly appid: string;
  private readonly appidBytes: Buffer;
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly randomBytes: (size: number) => Buffer;
  private readonly clock: Clock;

  constructor(options: MessageCryptoOptions) {
    this.key = decodeEncodingAesKey(options.encodingAESKey);
    if (typeof options.token !== 'string' || options.token === '') {
      throw new ConfigError('token', 'must be a non-empty string');
    }
    if (typeof options.appid !== 'string' || options.appid === '') {
      throw new ConfigError('appid', 'must be a non-empty string');
    }
    this.token = options.token;
    this.appid = options.appid;
    this.appidBytes = Buffer.from(options.appid, 'utf8');
    this.iv = this.key.subarray(0, AES_BLOCK);
    this.randomBytes = options.randomBytes ?? cryptoRandomBytes;
    this.clock = options.clock ?? systemClock;
  }

  /** The base64 `Encrypt` of one message (no signature). */
  encryptToBase64(message: string): string {
    if (typeof message !== 'string') throw new InvalidArgumentError('message', 'must be a string');
    const random = this.randomBytes(RANDOM_PREFIX);
    if (random.length !== RANDOM_PREFIX) {
      throw new InvalidArgumentError('randomBytes', `returned ${random.length} bytes, expected ${RANDOM_PREFIX}`);
    }
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(LENGTH_FIELD);
    length.writeUInt32BE(body.length, 0);
    const plaintext = Buffer.concat([random, length, body, this.appidBytes]);
    return aesCbcEncryptBlocks(this.key, this.iv, pkcs7Pad(plaintext, PAD_BLOCK)).toString('base64');
  }

  /** Encrypts and signs a message, as WeChat pushes it or as a passive reply must be sent. */
  encrypt(message: string, options: EncryptOptions = {}): EncryptedMessage {
    const Encrypt = this.encryptToBase64(message);
    const TimeStamp = String(options.timestamp ?? Math.floor(this.clock.now() / 1000));
    const Nonce = options.nonce ?? defaultNonce();
    const MsgSignature = msgSignature({ token: this.token, timestamp: TimeStamp, nonce: Nonce, encrypt: Encrypt });
    return { Encrypt, MsgSignature, TimeStamp, Nonce };
  }

  /**
   * Checks `msg_signature` (constant time) before touching the ciphertext, then decrypts and
   * checks padding, the length field and the trailing appid. Every failure is a
   * `WechatCryptoError` subclass; garbage never crashes.
   */
  decrypt(params: DecryptParams): string {
    const { Encrypt, msgSignature: signature, timestamp, nonce } = params;
    if (typeof Encrypt !== 'string') throw new InvalidCiphertextError('Encrypt', 'not a string');
    if (typeof signature !== 'string') throw new SignatureMismatchError('msg_signature missing');
    if (typeof timestamp !== 'string') throw new SignatureMismatchError('timestamp missing');
    if (typeof nonce !== 'string') throw new SignatureMismatchError('nonce missing');
    const expected = msgSignature({ token: this.token, timestamp, nonce, encrypt: Encrypt });
    if (!constantTimeEqual(expected, signature)) throw new SignatureMismatchError();
    return this.decryptVerified(Encrypt);
  }

  private decryptVerified(encrypt: string): string {
    const ciphertext = decodeStrictBase64(encrypt);
    if (!ciphertext) throw new InvalidCiphertextError('Encrypt', 'not base64');
    if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK !== 0) {
      throw new InvalidCiphertextError('Encrypt', `${ciphertext.length} bytes is not a whole number of 16-byte blocks`);
    }

    const padded = aesCbcDecryptBlocks(this.key, this.iv, ciphertext);
    const pad = pkcs7PaddingLength(padded, PAD_BLOCK);
    if (pad === undefined) throw new BadPaddingError('Encrypt');
    const plaintext = padded.subarray(0, padded.length - pad);

    const bodyStart = RANDOM_PREFIX + LENGTH_FIELD;
    if (plaintext.length < bodyStart) {
      throw new BadMessageLengthError(`${plaintext.length} bytes is shorter than the 20-byte header`);
    }
    const bodyLength = plaintext.readUInt32BE(RANDOM_PREFIX);
    const available = plaintext.length - bodyStart;
    if (bodyLength > available) {
      throw new BadMessageLengthError(`length field ${bodyLength} exceeds the ${available} bytes present`);
    }
    const appidBytes = plaintext.subarray(bodyStart + bodyLength);
    if (!appidBytes.equals(this.appidBytes)) {
      const appid = decodeStrictUtf8(appidBytes);
      throw new AppidMismatchError(this.appid, appid ?? `<${appidBytes.length} bytes, not UTF-8>`);
    }
    const message = decodeStrictUtf8(plaintext.subarray(bodyStart, bodyStart + bodyLength));
    if (message === undefined) throw new BadMessageEncodingError('message');
    return message;
  }
}

/** A fresh EncodingAESKey (43 characters), for the local cloud and tests. */
export function generateEncodingAesKey(): string {
  return cryptoRandomBytes(32).toString('base64').slice(0, 43);
}
