import { ErrorCode, ReplyError } from '@wxhub/function-kit';

/** What a page sends: `wx.cloud.callFunction({name: 'ocr', data: {image}})`, image as base64. */
export interface OcrRequest {
  /** Base64 without a data-URL prefix, as Baidu's `image` form field wants it. */
  readonly image: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URL_PREFIX = /^data:[\w/+.-]+;base64,/;

export function parseOcrRequest(event: unknown, maxChars: number): OcrRequest {
  const raw = typeof event === 'object' && event !== null ? (event as { image?: unknown }).image : undefined;
  if (typeof raw !== 'string' || raw === '') throw invalidImage('is required: the image as a base64 string');
  const image = raw.replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
  if (image.length > maxChars) throw invalidImage(`is ${image.length} base64 characters; at most ${maxChars} are accepted`);
  if (image.length % 4 !== 0 || !BASE64.test(image)) throw invalidImage('is not valid base64');
  return { image };
}

function invalidImage(reason: string): ReplyError {
  return new ReplyError(ErrorCode.INVALID_INPUT, `invalid image: ${reason}`, { field: 'image', reason });
}
