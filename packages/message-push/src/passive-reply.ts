import type { MessageCrypto } from '@wxhub/wechat-crypto';
import type { BodyFormat } from './http-request';
import type { PushMessage } from './push-message';
import type { PushRecord, PushValue } from './push-value';
import { toWechatXml } from './xml-writer';

/**
 * A passive reply (被动回复): the message the application answers the push with, in the HTTP
 * response. Mini programs accept `{MsgType: 'transfer_customer_service'}` (hand the session to
 * the customer-service staff); official accounts also text, image, news... ToUserName,
 * FromUserName and CreateTime are filled in from the push unless given.
 */
export interface PassiveReply {
  readonly MsgType: string;
  readonly [field: string]: PushValue;
}

export interface RenderedReply {
  readonly contentType: string;
  readonly body: string;
}

export interface ReplyFormats {
  /** The format of the decrypted message (or of the body, in plaintext). */
  readonly message: BodyFormat;
  /** The format of the request body (the envelope around Encrypt, in safe mode). */
  readonly envelope: BodyFormat;
}

const CONTENT_TYPES: Readonly<Record<BodyFormat, string>> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

function serialise(format: BodyFormat, fields: PushRecord): string {
  return format === 'xml' ? toWechatXml(fields) : JSON.stringify(fields);
}

/**
 * The reply in the format the push came in; with `crypto`, encrypted and signed as safe mode
 * requires (`Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce` in the envelope's format).
 */
export function renderReply(reply: PassiveReply, message: PushMessage, nowSeconds: number, formats: ReplyFormats, crypto?: MessageCrypto): RenderedReply {
  const fields: PushRecord = { ToUserName: message.FromUserName, FromUserName: message.ToUserName, CreateTime: nowSeconds, ...reply };
  const plain = serialise(formats.message, fields);
  if (!crypto) return { contentType: CONTENT_TYPES[formats.message], body: plain };
  const sealed = crypto.encrypt(plain, { timestamp: nowSeconds });
  const envelope: PushRecord = { Encrypt: sealed.Encrypt, MsgSignature: sealed.MsgSignature, TimeStamp: nowSeconds, Nonce: sealed.Nonce };
  return { contentType: CONTENT_TYPES[formats.envelope], body: serialise(formats.envelope, envelope) };
}
