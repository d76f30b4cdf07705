/**
 * multipart/form-data (RFC 7578) read from a body already in memory, byte-exact: the SDK sends
 * `requestData` as a protobuf part without a filename, which a WHATWG `formData()` would decode
 * as UTF-8 text and damage. Used by the SDK backend (wx.openApi) and COS-style form uploads.
 */

export interface FormPart {
  readonly name: string;
  /** Set for file parts (`filename="..."` in Content-Disposition). */
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary of a `multipart/form-data` content type, or undefined for any other type. */
export function multipartBoundary(contentType: string | string[] | undefined): string | undefined {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  if (!value || !/^\s*multipart\/form-data\s*(;|$)/i.test(value)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(value);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new MultipartError('multipart/form-data without a boundary');
  return boundary;
}

export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let at = body.indexOf(delimiter);
  if (at < 0) throw new MultipartError('the body has no multipart boundary');
  const parts: FormPart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // "--": the closing delimiter
    // Transport padding (spaces, tabs) may follow a delimiter before its line break.
    while (body[at] === 0x20 || body[at] === 0x09) at++;
    if (!body.subarray(at, at + 2).equals(CRLF)) throw new MultipartError('malformed multipart delimiter line');
    const start = at + 2;
    const end = body.indexOf(nextDelimiter, start);
    if (end < 0) throw new MultipartError('multipart body ends without a closing boundary');
    parts.push(readPart(body.subarray(start, end)));
    at = end + 2;
  }
}

/**
 * The fields of a form as plain parameters: text parts as strings, file and binary parts
 * (a filename, or a Content-Type other than text) as Buffers. A repeated name keeps its last part.
 */
export function formParams(parts: readonly FormPart[]): Record<string, string | Buffer> {
  const params: Record<string, string | Buffer> = {};
  for (const part of parts) params[part.name] = isTextPart(part) ? part.data.toString('utf8') : Buffer.from(part.data);
  return params;
}

function isTextPart(part: FormPart): boolean {
  if (part.filename !== undefined) return false;
  return part.contentType === undefined || /^text\//i.test(part.contentType);
}

function readPart(raw: Buffer): FormPart {
  let headerText = '';
  let data: Buffer;
  if (raw.subarray(0, 2).equals(CRLF)) {
    data = raw.subarray(2); // a part without headers
  } else {
    const split = raw.indexOf(HEADER_END);
    if (split < 0) throw new MultipartError('multipart part without a blank line after its headers');
    headerText = raw.subarray(0, split).toString('utf8');
    data = raw.subarray(split + HEADER_END.length);
  }
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`malformed multipart header line: ${line.slice(0, 80)}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition');
  if (!disposition || !/^form-data\b/i.test(disposition)) throw new MultipartError('multipart part without Content-Disposition: form-data');
  const name = dispositionParam(disposition, 'name');
  if (name === undefined) throw new MultipartError('multipart part without a name');
  const filename = dispositionParam(disposition, 'filename');
  const contentType = headers.get('content-type');
  return {
    name,
    data,
    ...(filename !== undefined ? { filename } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
  };
}

function dispositionParam(disposition: string, param: string): string | undefined {
  // `name=` must not match inside `filename=`: anchor on the separator before it.
  const pattern = new RegExp(`;\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const match = pattern.exec(disposition);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}
