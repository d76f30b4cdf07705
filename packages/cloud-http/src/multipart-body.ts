import { randomBytes } from 'node:crypto';

export interface FormFile {
  readonly name: string;
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

export interface MultipartBody {
  readonly contentType: string;
  /** Exact byte length of the whole body, for Content-Length (COS wants it). */
  readonly length: number;
  /** The body in chunks; `onFileBytes` is told how much of the file has been consumed after each chunk of it. */
  chunks(onFileBytes?: (sent: number, total: number) => void): AsyncIterable<Uint8Array>;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * A multipart/form-data body of text fields and one file (last, as COS's PostObject requires),
 * produced chunk by chunk so the sender can report upload progress as the chunks are taken.
 * (undici's own FormData would send the same bytes but offers no progress hook.)
 */
export function multipartBody(fields: ReadonlyArray<readonly [string, string]>, file: FormFile): MultipartBody {
  const boundary = `----wxhub${randomBytes(16).toString('hex')}`;
  const head = Buffer.from(
    fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`).join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.name)}"; filename="${quoted(file.filename)}"\r\n` +
      `Content-Type: ${file.contentType}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const total = file.content.byteLength;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + total + tail.length,
    async *chunks(onFileBytes) {
      yield head;
      for (let offset = 0; offset < total; offset += CHUNK_BYTES) {
        const end = Math.min(offset + CHUNK_BYTES, total);
        yield file.content.subarray(offset, end);
        onFileBytes?.(end, total);
      }
      if (total === 0) onFileBytes?.(0, 0);
      yield tail;
    },
  };
}

/** Names and file names inside `"…"`: the escapes browsers apply (WHATWG), so no value can end the header early. */
function quoted(text: string): string {
  return text.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}
