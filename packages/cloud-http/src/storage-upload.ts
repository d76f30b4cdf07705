import { Readable } from 'node:stream';
import { NetworkError, TimeoutError, WxhubError, redactUrl, scrub } from '@wxhub/core';
import { request, errors as undiciErrors, type Dispatcher } from 'undici';
import { multipartBody } from './multipart-body';

/** What `tcb/uploadfile` hands out for the second step. */
export interface UploadGrant {
  readonly url: string;
  readonly token: string;
  readonly authorization: string;
  readonly fileId: string;
  readonly cosFileId: string;
}

export interface UploadOptions {
  /** Called as the file's bytes are sent: bytes so far, and the file's size. */
  readonly onProgress?: (sent: number, total: number) => void;
  /** The file's Content-Type; application/octet-stream by default. */
  readonly contentType?: string;
}

/** COS refused the form upload: `cosCode` is COS's `<Code>` (AccessDenied, SignatureDoesNotMatch, …). */
export class CosUploadError extends WxhubError {
  readonly code = 'COS_UPLOAD';
  readonly transient: boolean;
  constructor(
    readonly target: string,
    readonly status: number,
    readonly cosCode: string,
    detail: string,
  ) {
    super(`upload to ${target} refused: HTTP ${status} ${cosCode}${detail ? `: ${detail}` : ''}`);
    this.transient = status >= 500;
  }
}

export const DEFAULT_UPLOAD_TIMEOUT_MS = 60_000;

/**
 * The second step of `tcb/uploadfile`: a multipart POST to the URL it returned with the fields
 * WeChat documents — `key` (the cloud path), `Signature` (authorization), `x-cos-security-token`
 * (token), `x-cos-meta-fileid` (cos_file_id) — and the bytes as `file`. COS answers 204 (or
 * 200); a refusal is XML, read into a CosUploadError with the credentials scrubbed out.
 */
export async function postUploadForm(
  grant: UploadGrant,
  path: string,
  content: Uint8Array,
  options: UploadOptions & { readonly timeoutMs?: number; readonly dispatcher?: Dispatcher },
): Promise<void> {
  const body = multipartBody(
    [
      ['key', path],
      ['Signature', grant.authorization],
      ['x-cos-security-token', grant.token],
      ['x-cos-meta-fileid', grant.cosFileId],
    ],
    { name: 'file', filename: baseName(path), contentType: options.contentType ?? 'application/octet-stream', content },
  );
  const secrets = [grant.token, grant.authorization];
  const target = scrub(redactUrl(grant.url), secrets);
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await request(grant.url, {
      method: 'POST',
      headers: { 'content-type': body.contentType, 'content-length': String(body.length) },
      // At most one chunk read ahead, so progress follows what undici has actually taken.
      body: Readable.from(body.chunks(options.onProgress), { objectMode: false, highWaterMark: 1 }),
      signal: controller.signal,
      dispatcher: options.dispatcher,
    });
    const text = await response.body.text();
    if (response.statusCode >= 200 && response.statusCode < 300) return;
    const cosCode = xmlElement(text, 'Code') ?? 'UnknownError';
    throw new CosUploadError(target, response.statusCode, cosCode, scrub(xmlElement(text, 'Message') ?? '', secrets));
  } catch (error) {
    if (error instanceof CosUploadError) throw error;
    if (controller.signal.aborted) throw new TimeoutError(target, timeoutMs);
    if (error instanceof undiciErrors.UndiciError || isSystemError(error)) {
      throw new NetworkError(target, isSystemError(error) && error.code ? error.code : (error as Error).message, { cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function baseName(path: string): string {
  const name = path.split('/').pop();
  return name && name !== '' ? name : 'file';
}

/** COS's errors are flat XML; only the text of a leaf element is needed, never a parser. */
function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1];
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
