import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type LinkCheck =
  | { readonly ok: true; readonly envId: string; readonly path: string }
  | { readonly ok: false; readonly reason: 'malformed' | 'unsigned' | 'bad-signature' | 'expired' };

/**
 * Temporary download links, signed and self-contained like WeChat's (`...?sign=…&t=<expiry>`):
 * nothing is kept per link, so handing out many costs no memory. The key is per local cloud, so
 * links do not outlive it.
 *
 * The file travels base64url-encoded in the query: the SDK passes every temp URL through
 * `encodeURI`, which would double-encode any percent-escape in it.
 */
export class DownloadLinks {
  private readonly key = randomBytes(32);

  constructor(private readonly endpoint: () => string) {}

  /** A link to the file valid until `expiresAtSeconds` (clock time, seconds since the epoch). */
  signed(envId: string, path: string, expiresAtSeconds: number): string {
    const file = encodeFile(envId, path);
    const t = String(expiresAtSeconds);
    return `${this.endpoint()}?file=${file}&t=${t}&sign=${this.sign(file, t)}`;
  }

  /** The file's plain address (getUploadMetadata's download_url): refused, as a private bucket refuses it. */
  unsigned(envId: string, path: string): string {
    return `${this.endpoint()}?file=${encodeFile(envId, path)}`;
  }

  check(query: URLSearchParams, nowMs: number): LinkCheck {
    const file = query.get('file');
    const decoded = file ? decodeFile(file) : undefined;
    if (!file || !decoded) return { ok: false, reason: 'malformed' };
    const t = query.get('t');
    const sign = query.get('sign');
    if (!t || !sign) return { ok: false, reason: 'unsigned' };
    const expected = Buffer.from(this.sign(file, t), 'hex');
    const given = Buffer.from(sign, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
    if (!/^\d+$/.test(t) || Number(t) * 1000 <= nowMs) return { ok: false, reason: 'expired' };
    return { ok: true, ...decoded };
  }

  private sign(file: string, t: string): string {
    return createHmac('sha256', this.key).update(`${file}\n${t}`).digest('hex');
  }
}

function encodeFile(envId: string, path: string): string {
  return Buffer.from(`${envId}/${path}`, 'utf8').toString('base64url');
}

function decodeFile(file: string): { envId: string; path: string } | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(file)) return undefined;
  const text = Buffer.from(file, 'base64url').toString('utf8');
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { envId: text.slice(0, slash), path: text.slice(slash + 1) };
}
