import { ManualClock } from '@wxhub/core';
import { MessageCrypto, msgSignature, serverSignature } from '@wxhub/wechat-crypto';
import { createPushHandler, type PushHandlerOptions, type PushHttpRequest, type PushMessage, type PassiveReply } from '../src';

/** Settings of a test endpoint (not WeChat's published ones: those live in official-vectors.ts). */
export const TOKEN = 'wxhubPushToken2026';
export const KEY = 'q3Vb8ZtW0kYc1Lr5Nf7Hs2Jd9Gx4Pm6Ea8Ui0Oy3Tw5';
export const APPID = 'wxb0000000000000b2';
export const MINI_PROGRAM = 'gh_0123456789ab';
export const USER = 'oB_user_push_0001';
/** 2026-01-01T00:00:00Z */
export const NOW_SECONDS = 1_767_225_600;

export interface Harness {
  readonly handle: ReturnType<typeof createPushHandler>;
  readonly clock: ManualClock;
  /** Every message onMessage was given, in order. */
  readonly received: PushMessage[];
  /** What onError was told. */
  readonly errors: Array<{ error: unknown; stage: string }>;
  /** The endpoint's own MessageCrypto (WeChat's side of the conversation). */
  readonly wechat: MessageCrypto;
}

/** A handler recording what reaches the application; `reply` decides the passive reply. */
export function harness(
  options: Partial<PushHandlerOptions> = {},
  reply: (message: PushMessage) => PassiveReply | undefined | Promise<PassiveReply | undefined> = () => undefined,
): Harness {
  const clock = new ManualClock(NOW_SECONDS * 1000);
  const received: PushMessage[] = [];
  const errors: Array<{ error: unknown; stage: string }> = [];
  const handle = createPushHandler({
    token: TOKEN,
    encodingAESKey: KEY,
    appid: APPID,
    mode: 'safe',
    clock,
    onMessage: async (message) => {
      received.push(message);
      return reply(message);
    },
    onError: (error, context) => errors.push({ error, stage: context.stage }),
    ...options,
  });
  const wechat = new MessageCrypto({ token: options.token ?? TOKEN, encodingAESKey: options.encodingAESKey ?? KEY, appid: options.appid ?? APPID });
  return { handle, clock, received, errors, wechat };
}

let nonceCounter = 100_000_000;
export function nextNonce(): string {
  nonceCounter += 1;
  return String(nonceCounter);
}

/** The query WeChat signs a GET check or a plaintext push with. */
export function signedQuery(
  timestamp: number | string = NOW_SECONDS,
  nonce = nextNonce(),
  token = TOKEN,
): { signature: string; timestamp: string; nonce: string } {
  const ts = String(timestamp);
  return { signature: serverSignature({ token, timestamp: ts, nonce }), timestamp: ts, nonce };
}

export interface TextMessage {
  readonly Content?: string;
  readonly MsgId?: string;
  readonly FromUserName?: string;
  readonly CreateTime?: number;
}

/** A user's text message as WeChat writes it in XML. */
export function textXml({ Content = '你好', MsgId = '24602289745563241', FromUserName = USER, CreateTime = NOW_SECONDS }: TextMessage = {}): string {
  return (
    `<xml><ToUserName><![CDATA[${MINI_PROGRAM}]]></ToUserName><FromUserName><![CDATA[${FromUserName}]]></FromUserName>` +
    `<CreateTime>${CreateTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${Content}]]></Content>` +
    `<MsgId>${MsgId}</MsgId></xml>`
  );
}

/** The same message as WeChat writes it in JSON. */
export function textJson({ Content = '你好', MsgId = '24602289745563241', FromUserName = USER, CreateTime = NOW_SECONDS }: TextMessage = {}): string {
  return `{"ToUserName":"${MINI_PROGRAM}","FromUserName":"${FromUserName}","CreateTime":${CreateTime},"MsgType":"text","Content":${JSON.stringify(Content)},"MsgId":${MsgId}}`;
}

/** The event WeChat pushes when a user opens the customer-service session. */
export function enterSessionXml(CreateTime = NOW_SECONDS, FromUserName = USER, Event = 'user_enter_tempsession'): string {
  return (
    `<xml><ToUserName><![CDATA[${MINI_PROGRAM}]]></ToUserName><FromUserName><![CDATA[${FromUserName}]]></FromUserName>` +
    `<CreateTime>${CreateTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${Event}]]></Event>` +
    `<SessionFrom><![CDATA[wxapp]]></SessionFrom></xml>`
  );
}

export function plainPost(
  body: string,
  contentType = body.trimStart().startsWith('<') ? 'text/xml' : 'application/json',
  query: Readonly<Record<string, unknown>> = signedQuery(),
): PushHttpRequest {
  return { method: 'POST', query, body: Buffer.from(body, 'utf8'), contentType };
}

export interface EncryptedPostOptions {
  readonly timestamp?: number | string;
  readonly nonce?: string;
  readonly envelope?: 'xml' | 'json';
  /** Compatible mode: the message's fields in clear beside Encrypt (XML fragments). */
  readonly clearXml?: string;
}

/** A safe/compatible-mode push of `message`, encrypted and signed as WeChat does. */
export function encryptedPost(crypto: MessageCrypto, message: string, options: EncryptedPostOptions = {}, token = TOKEN): PushHttpRequest {
  const timestamp = String(options.timestamp ?? NOW_SECONDS);
  const nonce = options.nonce ?? nextNonce();
  const Encrypt = crypto.encryptToBase64(message);
  return encryptedRequest({ Encrypt, timestamp, nonce, token, envelope: options.envelope ?? 'xml', clearXml: options.clearXml ?? '' });
}

export function encryptedRequest(params: {
  Encrypt: string;
  timestamp: string;
  nonce: string;
  token?: string;
  envelope?: 'xml' | 'json';
  clearXml?: string;
  msgSignature?: string;
}): PushHttpRequest {
  const { Encrypt, timestamp, nonce, token = TOKEN, envelope = 'xml', clearXml = '' } = params;
  const signature = params.msgSignature ?? msgSignature({ token, timestamp, nonce, encrypt: Encrypt });
  const body =
    envelope === 'xml'
      ? `<xml><ToUserName><![CDATA[${MINI_PROGRAM}]]></ToUserName>${clearXml}<Encrypt><![CDATA[${Encrypt}]]></Encrypt></xml>`
      : JSON.stringify({ ToUserName: MINI_PROGRAM, Encrypt });
  return {
    method: 'POST',
    query: { ...signedQuery(timestamp, nonce, token), encrypt_type: 'aes', msg_signature: signature, openid: USER },
    body: Buffer.from(body, 'utf8'),
    contentType: envelope === 'xml' ? 'text/xml' : 'application/json',
  };
}
