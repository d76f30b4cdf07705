import { ConfigError, systemClock, type Clock } from '@wxhub/core';
import { AppidMismatchError, MessageCrypto, SignatureMismatchError, WechatCryptoError, verifyServerSignature } from '@wxhub/wechat-crypto';
import { MemoryDedupeStore, type DedupeStore } from './dedupe-store';
import { PushMalformedError, PushMethodError, PushModeError, PushRequestError, PushSignatureError, PushWrongAppError } from './errors';
import { bodyFormat, bodyText, queryParam, sniffFormat, type BodyFormat, type PushHttpRequest } from './http-request';
import { parseJsonBody } from './json-body';
import { renderReply, type PassiveReply, type ReplyFormats } from './passive-reply';
import { dedupeKey, toPushMessage, type PushMessage } from './push-message';
import { DEFAULT_STRUCTURE_LIMITS, type PushRecord, type StructureLimits } from './push-value';
import { checkTimestamp } from './replay-window';
import { parseWechatXml } from './xml-parser';

/**
 * The three data modes of the push settings (消息加密方式): `plain` (明文) sends the message in
 * clear; `compatible` (兼容) sends it in clear and encrypted, and accepts both kinds of reply;
 * `safe` (安全) sends it encrypted only.
 */
export type PushMode = 'plain' | 'compatible' | 'safe';

export interface PushHandlerOptions {
  /** The Token of the push settings. */
  readonly token: string;
  /** The EncodingAESKey (43 characters); required by compatible and safe mode. */
  readonly encodingAESKey?: string;
  /** The mini program's appid: every encrypted message must name it. */
  readonly appid: string;
  /** Default: `safe` when an encodingAESKey is given, `plain` otherwise. */
  readonly mode?: PushMode;
  /** How far the signed timestamp may be from the clock, either way. Default 300. */
  readonly replayWindowSeconds?: number;
  /** Where handled pushes are remembered; default one MemoryDedupeStore per handler. */
  readonly dedupe?: DedupeStore;
  /** How long a handled push is remembered. Default twice the replay window, so no replay outlives it. */
  readonly dedupeTtlSeconds?: number;
  readonly clock?: Clock;
  /** Larger bodies are refused with 413 before being read. Default 64 KiB. */
  readonly maxBodyBytes?: number;
  /** Nesting and size of the XML or JSON. */
  readonly limits?: Partial<StructureLimits>;
  /**
   * The application: called once per push (retries and replays are answered without calling it
   * again). Return a passive reply, or nothing to answer `success`.
   */
  readonly onMessage: (message: PushMessage) => Promise<PassiveReply | undefined | void> | PassiveReply | undefined | void;
  /**
   * Told about failures that are not the caller's: onMessage throwing, a reply that cannot be
   * written, a DedupeStore failing. Default: one line on console.error (no message content).
   */
  readonly onError?: (error: unknown, context: PushErrorContext) => void;
}

export interface PushErrorContext {
  readonly stage: 'onMessage' | 'reply' | 'internal';
  readonly message?: PushMessage;
}

/**
 * - `verified`: a URL verification, echostr echoed
 * - `handled`: a new push, given to onMessage
 * - `duplicate`: a retry or replay of a handled push, answered without onMessage
 * - `refused`: bad input, answered 4xx (see `error`)
 * - `failed`: onMessage or the reply failed; answered `success` so WeChat shows the user no error
 * - `unavailable`: the DedupeStore (or this package) failed; answered 503 so WeChat retries
 */
export type PushOutcome = 'verified' | 'handled' | 'duplicate' | 'refused' | 'failed' | 'unavailable';

export interface PushHttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly outcome: PushOutcome;
  /** Why the request was refused (its message is the body). */
  readonly error?: PushRequestError;
}

export type PushHandler = (request: PushHttpRequest) => Promise<PushHttpResponse>;

const MAX_ECHOSTR_LENGTH = 1024;
const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;
const TEXT = 'text/plain; charset=utf-8';

interface Settings {
  readonly token: string;
  readonly mode: PushMode;
  readonly crypto: MessageCrypto | undefined;
  readonly windowSeconds: number;
  readonly dedupeTtlMs: number;
  readonly dedupe: DedupeStore;
  readonly clock: Clock;
  readonly maxBodyBytes: number;
  readonly limits: StructureLimits;
  readonly onMessage: PushHandlerOptions['onMessage'];
  readonly onError: NonNullable<PushHandlerOptions['onError']>;
}

/**
 * A push endpoint for any HTTP framework: give it the method, the query, the raw body and the
 * Content-Type; send back the status, headers and body it answers. It never throws and never
 * answers 5xx for anything the caller sent: bad input is a PushRequestError, answered 4xx with a
 * one-line message.
 */
export function createPushHandler(options: PushHandlerOptions): PushHandler {
  const settings = resolveSettings(options);
  return async (request) => {
    try {
      const method = typeof request?.method === 'string' ? request.method.toUpperCase() : '';
      if (method === 'GET') return await verifyUrl(settings, request);
      if (method === 'POST') return await receive(settings, request);
      throw new PushMethodError();
    } catch (error) {
      if (error instanceof PushRequestError) return refused(error);
      settings.onError(error, { stage: 'internal' });
      return respond(503, TEXT, 'temporarily unavailable, try again', 'unavailable');
    }
  };
}

function resolveSettings(options: PushHandlerOptions): Settings {
  if (typeof options.token !== 'string' || options.token === '') throw new ConfigError('token', 'must be a non-empty string');
  if (typeof options.appid !== 'string' || options.appid === '') throw new ConfigError('appid', 'must be a non-empty string');
  if (typeof options.onMessage !== 'function') throw new ConfigError('onMessage', 'must be a function');
  const mode = options.mode ?? (options.encodingAESKey === undefined ? 'plain' : 'safe');
  if (mode !== 'plain' && mode !== 'compatible' && mode !== 'safe') throw new ConfigError('mode', "must be 'plain', 'compatible' or 'safe'");
  if (mode !== 'plain' && options.encodingAESKey === undefined) throw new ConfigError('encodingAESKey', `is required in ${mode} mode`);
  const windowSeconds = options.replayWindowSeconds ?? 300;
  if (!Number.isSafeInteger(windowSeconds) || windowSeconds < 1) throw new ConfigError('replayWindowSeconds', 'must be a positive whole number');
  const ttlSeconds = options.dedupeTtlSeconds ?? 2 * windowSeconds;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw new ConfigError('dedupeTtlSeconds', 'must be a positive whole number');
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) throw new ConfigError('maxBodyBytes', 'must be a positive whole number');
  const clock = options.clock ?? systemClock;
  const crypto =
    mode === 'plain' || options.encodingAESKey === undefined
      ? undefined
      : new MessageCrypto({ token: options.token, encodingAESKey: options.encodingAESKey, appid: options.appid, clock });
  return {
    token: options.token,
    mode,
    crypto,
    windowSeconds,
    dedupeTtlMs: ttlSeconds * 1000,
    dedupe: options.dedupe ?? new MemoryDedupeStore(),
    clock,
    maxBodyBytes,
    limits: { ...DEFAULT_STRUCTURE_LIMITS, ...options.limits },
    onMessage: options.onMessage,
    onError: options.onError ?? logError,
  };
}

/**
 * GET: WeChat checks the URL once when the settings are saved; the answer is echostr as sent.
 * The signature is then spent: in plain mode it covers only token, timestamp and nonce, so the
 * same query replayed as a POST with a forged body (within the replay window) would verify. It is
 * claimed in the de-duplication store as a message's would be: a POST under it is answered as a
 * duplicate and never reaches onMessage (issue 10, item 4). The store is the one shared by every
 * instance (a claim is atomic there), which a separate "spent" list would not be.
 */
async function verifyUrl(settings: Settings, request: PushHttpRequest): Promise<PushHttpResponse> {
  const { signature } = verifiedQuery(settings, request);
  const echostr = queryParam(request.query, 'echostr');
  if (echostr === undefined || echostr === '') throw new PushMalformedError('echostr is missing');
  if (echostr.length > MAX_ECHOSTR_LENGTH) throw new PushMalformedError(`echostr is longer than ${MAX_ECHOSTR_LENGTH} characters`);
  // A repeated check (the operator saving twice) claims nothing new and is answered all the same.
  await settings.dedupe.claim(`sig:${signature}`, settings.dedupeTtlMs, settings.clock.now());
  return respond(200, TEXT, echostr, 'verified');
}

interface SignedQuery {
  readonly signature: string;
  readonly timestamp: string;
  readonly nonce: string;
}

/** `signature`, `timestamp` and `nonce` checked against the token (and the clock), or a refusal. */
function verifiedQuery(settings: Settings, request: PushHttpRequest): SignedQuery {
  const signature = queryParam(request.query, 'signature');
  const timestamp = queryParam(request.query, 'timestamp');
  const nonce = queryParam(request.query, 'nonce');
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    throw new PushSignatureError('signature, timestamp and nonce are required');
  }
  if (!verifyServerSignature({ token: settings.token, timestamp, nonce, signature })) throw new PushSignatureError();
  checkTimestamp(timestamp, settings.clock.now(), settings.windowSeconds);
  return { signature, timestamp, nonce };
}

interface Authenticated {
  readonly message: PushMessage;
  readonly formats: ReplyFormats;
  readonly encrypted: boolean;
  /** The signature that authenticated this request: a request is handled once per signature. */
  readonly signature: string;
}

/** POST: one message or event. */
async function receive(settings: Settings, request: PushHttpRequest): Promise<PushHttpResponse> {
  const text = bodyText(request.body, settings.maxBodyBytes);
  const encryptType = queryParam(request.query, 'encrypt_type');
  if (encryptType !== undefined && encryptType !== 'aes' && encryptType !== 'raw') throw new PushMalformedError('encrypt_type must be aes or raw');
  const pushed = encryptType === 'aes' ? openEncrypted(settings, request, text) : readPlain(settings, request, text);

  const nowMs = settings.clock.now();
  // The signature first: in plaintext mode it does not cover the body, so a captured signature
  // replayed with another body within the window must not count as a new message.
  for (const key of [`sig:${pushed.signature}`, dedupeKey(pushed.message)]) {
    if (!(await settings.dedupe.claim(key, settings.dedupeTtlMs, nowMs))) return respond(200, TEXT, 'success', 'duplicate');
  }

  let reply: PassiveReply | undefined | void;
  try {
    reply = await settings.onMessage(pushed.message);
  } catch (error) {
    // Answered `success` (WeChat would otherwise tell the user the service failed) but forgotten,
    // so a retry WeChat makes anyway (a timeout) is handled again.
    await forget(settings, pushed);
    settings.onError(error, { stage: 'onMessage', message: pushed.message });
    return respond(200, TEXT, 'success', 'failed');
  }
  if (reply === undefined || reply === null) return respond(200, TEXT, 'success', 'handled');
  try {
    const rendered = renderReply(reply, pushed.message, Math.floor(nowMs / 1000), pushed.formats, pushed.encrypted ? settings.crypto : undefined);
    return respond(200, rendered.contentType, rendered.body, 'handled');
  } catch (error) {
    settings.onError(error, { stage: 'reply', message: pushed.message });
    return respond(200, TEXT, 'success', 'failed');
  }
}

/**
 * Plain mode: the query signature, then the body. In compatible mode WeChat sends the clear and
 * the encrypted message together, with encrypt_type=aes and msg_signature over Encrypt; a
 * plaintext-only POST there is never WeChat's, and its URL signature (which does not cover the
 * body) may be one replayed from a genuine push with a forged body (issue 10, item 3).
 */
function readPlain(settings: Settings, request: PushHttpRequest, text: string): Authenticated {
  if (settings.mode === 'safe') throw new PushModeError('this endpoint is in safe mode: plaintext pushes are refused');
  if (settings.mode === 'compatible') {
    throw new PushSignatureError('compatible mode: a push must carry encrypt_type=aes and msg_signature, which covers its body (the URL signature does not)');
  }
  const { signature } = verifiedQuery(settings, request);
  const format = bodyFormat(request.contentType, text);
  const message = toPushMessage(parseBody(format, text, settings.limits));
  return { message, formats: { message: format, envelope: format }, encrypted: false, signature };
}

/** Safe or compatible mode: msg_signature covers Encrypt, which is checked before it is decrypted. */
function openEncrypted(settings: Settings, request: PushHttpRequest, text: string): Authenticated {
  const crypto = settings.crypto;
  if (!crypto) throw new PushModeError('this endpoint is in plain mode: it has no EncodingAESKey for encrypted pushes');
  const signature = queryParam(request.query, 'msg_signature');
  const timestamp = queryParam(request.query, 'timestamp');
  const nonce = queryParam(request.query, 'nonce');
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    throw new PushSignatureError('msg_signature, timestamp and nonce are required');
  }
  const envelope = bodyFormat(request.contentType, text);
  const Encrypt = parseBody(envelope, text, settings.limits).Encrypt;
  if (typeof Encrypt !== 'string' || Encrypt === '') throw new PushMalformedError('Encrypt is missing');
  let plaintext: string;
  try {
    plaintext = crypto.decrypt({ Encrypt, msgSignature: signature, timestamp, nonce });
  } catch (error) {
    throw fromCryptoError(error);
  }
  checkTimestamp(timestamp, settings.clock.now(), settings.windowSeconds);
  const format = sniffFormat(plaintext);
  const message = toPushMessage(parseBody(format, plaintext, settings.limits));
  return { message, formats: { message: format, envelope }, encrypted: true, signature };
}

function parseBody(format: BodyFormat, text: string, limits: StructureLimits): PushRecord {
  return format === 'xml' ? parseWechatXml(text, limits) : parseJsonBody(text, limits);
}

function fromCryptoError(error: unknown): unknown {
  if (error instanceof SignatureMismatchError) return new PushSignatureError('msg_signature does not match');
  if (error instanceof AppidMismatchError) return new PushWrongAppError();
  if (error instanceof WechatCryptoError) return new PushMalformedError('Encrypt could not be decrypted', { cause: error });
  return error;
}

async function forget(settings: Settings, pushed: Authenticated): Promise<void> {
  try {
    await settings.dedupe.release(`sig:${pushed.signature}`);
    await settings.dedupe.release(dedupeKey(pushed.message));
  } catch (error) {
    settings.onError(error, { stage: 'internal', message: pushed.message });
  }
}

function respond(status: number, contentType: string, body: string, outcome: PushOutcome, error?: PushRequestError): PushHttpResponse {
  const headers: Record<string, string> = { ...BASE_HEADERS, 'content-type': contentType };
  if (status === 405) headers.allow = 'GET, POST';
  return error ? { status, headers, body, outcome, error } : { status, headers, body, outcome };
}

function refused(error: PushRequestError): PushHttpResponse {
  return respond(error.status, TEXT, error.message, 'refused', error);
}

function logError(error: unknown, context: PushErrorContext): void {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : 'a non-Error value was thrown';
  const about = context.message ? ` (${context.message.MsgType}${context.message.Event ? `/${context.message.Event}` : ''})` : '';
  console.error(`message-push: ${context.stage} failed${about}: ${what}`);
}
