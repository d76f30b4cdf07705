import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorReply, EmulatorRequest, Service } from '../http/router';
import { CloudStorage } from './cloud-storage';
import { cosError } from './cos-errors';
import { MultipartError, multipartBoundary, parseMultipart, type FormPart } from '../http/multipart';
import type { UploadTicket } from './upload-tickets';

/** The credentials and bytes of one upload, from PUT headers or POST form fields. */
interface UploadAttempt {
  readonly token: string | undefined;
  readonly signature: string | undefined;
  /** The cloud path the client names (`key`); checked against the ticket's when given. */
  readonly key: string | undefined;
  readonly cosFileId: string | undefined;
  readonly content: Buffer;
  readonly contentType: string | undefined;
}

/**
 * The COS side of the local cloud's storage:
 * - `PUT /upload`: the SDK's uploadFile (headers `authorization`/`Signature`,
 *   `x-cos-security-token`, `x-cos-meta-fileid`, `key` = encodeURIComponent(path); body = bytes);
 *   200 with an empty body, as COS answers.
 * - `POST /upload`: the HTTP API's form upload (fields `key`, `Signature`,
 *   `x-cos-security-token`, `x-cos-meta-fileid`, `file`); 204, COS's default for PostObject.
 * - `GET|HEAD /download?file&t&sign`: temp URLs.
 * Refusals are COS's XML errors.
 */
export function cosService(storage: CloudStorage): Service {
  return {
    prefix: CloudStorage.PREFIX,
    routes: [
      { method: '*', path: '/upload', handler: (request) => upload(storage, request) },
      { method: '*', path: '/download', handler: (request) => download(storage, request) },
    ],
  };
}

function upload(storage: CloudStorage, request: EmulatorRequest): EmulatorReply {
  const method = request.method.toUpperCase();
  let attempt: UploadAttempt;
  if (method === 'PUT') {
    attempt = fromHeaders(request);
  } else if (method === 'POST') {
    const parsed = fromForm(request);
    if (!parsed.ok) return parsed.refusal;
    attempt = parsed.attempt;
  } else {
    return cosError('MethodNotAllowed', `${method} is not allowed on the upload endpoint`, '/upload');
  }
  const resource = `/${attempt.key ?? ''}`;
  const lookup = storage.tickets.find(attempt.token);
  if (!lookup.ok) {
    return lookup.reason === 'expired'
      ? cosError('AccessDenied', 'Request has expired', resource)
      : cosError('AccessDenied', 'The security token you provided is invalid.', resource);
  }
  const refusal = checkAttempt(lookup.ticket, attempt);
  if (refusal) return refusal;
  const file = storage.acceptUpload(lookup.ticket, attempt.content, attempt.contentType);
  return { status: method === 'PUT' ? 200 : 204, headers: { etag: `"${file.etag}"` }, body: '' };
}

function checkAttempt(ticket: UploadTicket, attempt: UploadAttempt): EmulatorReply | undefined {
  const resource = `/${ticket.path}`;
  if (attempt.signature !== ticket.authorization) {
    return cosError('SignatureDoesNotMatch', 'The Signature you specified is invalid.', resource);
  }
  if (attempt.key !== undefined && attempt.key !== ticket.path) {
    return cosError('AccessDenied', `the credentials are for key ${ticket.path}, not ${attempt.key}`, resource);
  }
  if (attempt.cosFileId !== ticket.cosFileId) {
    return cosError('AccessDenied', 'x-cos-meta-fileid is missing or is not the one issued for this upload', resource);
  }
  return undefined;
}

function fromHeaders(request: EmulatorRequest): UploadAttempt {
  const key = header(request.headers, 'key');
  return {
    token: header(request.headers, 'x-cos-security-token'),
    signature: header(request.headers, 'authorization') ?? header(request.headers, 'signature'),
    key: key === undefined ? undefined : safeDecode(key),
    cosFileId: header(request.headers, 'x-cos-meta-fileid'),
    content: request.body,
    contentType: header(request.headers, 'content-type'),
  };
}

function fromForm(request: EmulatorRequest): { ok: true; attempt: UploadAttempt } | { ok: false; refusal: EmulatorReply } {
  const refuse = (message: string) => ({ ok: false as const, refusal: cosError('InvalidArgument', message, '/upload') });
  let parts: FormPart[];
  try {
    const boundary = multipartBoundary(request.headers['content-type']);
    if (boundary === undefined) return refuse('a POST upload must be multipart/form-data');
    parts = parseMultipart(request.body, boundary);
  } catch (error) {
    if (error instanceof MultipartError) return refuse(error.message);
    throw error;
  }
  const field = (name: string): string | undefined => {
    const part = parts.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase() && candidate.filename === undefined);
    return part?.data.toString('utf8');
  };
  const file = parts.find((part) => part.name === 'file');
  if (!file) return refuse('the form has no file field');
  return {
    ok: true,
    attempt: {
      token: field('x-cos-security-token'),
      signature: field('Signature'),
      key: field('key'),
      cosFileId: field('x-cos-meta-fileid'),
      content: Buffer.from(file.data),
      contentType: field('Content-Type') ?? file.contentType,
    },
  };
}

function download(storage: CloudStorage, request: EmulatorRequest): EmulatorReply {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return cosError('MethodNotAllowed', `${method} is not allowed on a download link`, '/download');
  const link = storage.links.check(request.query, storage.nowMs());
  if (!link.ok) {
    switch (link.reason) {
      case 'malformed':
        return cosError('InvalidArgument', 'the link does not name a file', '/download');
      case 'unsigned':
        return cosError('AccessDenied', 'Access Denied.', '/download');
      case 'bad-signature':
        return cosError('SignatureDoesNotMatch', 'The Signature you specified is invalid.', '/download');
      case 'expired':
        return cosError('AccessDenied', 'Request has expired', '/download');
    }
  }
  const file = storage.stored(link.envId, link.path);
  if (!file) return cosError('NoSuchKey', 'The specified key does not exist.', `/${link.path}`);
  return {
    status: 200,
    headers: {
      'content-type': file.contentType,
      'content-length': String(file.content.length),
      etag: `"${file.etag}"`,
      'last-modified': new Date(file.uploadedAt).toUTCString(),
    },
    body: method === 'HEAD' ? Buffer.alloc(0) : file.content,
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
