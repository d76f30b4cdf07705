import { randomBytes } from 'node:crypto';
import type { EmulatorReply } from '../http/router';

/**
 * COS answers refusals with an XML `<Error>`. @cloudbase/node-sdk parses it after an upload and
 * destructures Code, Message, RequestId and TraceId (all four must be there); `SignatureDoesNotMatch`
 * becomes SYS_ERR, any other code STORAGE_REQUEST_FAIL.
 */
export type CosErrorCode = 'AccessDenied' | 'SignatureDoesNotMatch' | 'InvalidArgument' | 'NoSuchKey' | 'MethodNotAllowed' | 'RequestExpired';

const STATUS: Readonly<Record<CosErrorCode, number>> = {
  AccessDenied: 403,
  SignatureDoesNotMatch: 403,
  RequestExpired: 403,
  InvalidArgument: 400,
  NoSuchKey: 404,
  MethodNotAllowed: 405,
};

export function cosError(code: CosErrorCode, message: string, resource: string): EmulatorReply {
  const requestId = randomBytes(18).toString('base64');
  const traceId = randomBytes(48).toString('base64');
  const body = [
    "<?xml version='1.0' encoding='utf-8' ?>",
    '<Error>',
    `\t<Code>${code}</Code>`,
    `\t<Message>${escapeXml(message)}</Message>`,
    `\t<Resource>${escapeXml(resource)}</Resource>`,
    `\t<RequestId>${requestId}</RequestId>`,
    `\t<TraceId>${traceId}</TraceId>`,
    '</Error>',
  ].join('\n');
  return { status: STATUS[code], headers: { 'content-type': 'application/xml', 'x-cos-request-id': requestId }, body };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
