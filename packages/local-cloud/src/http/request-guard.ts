import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { EmulatorReply } from './router';

/**
 * What keeps other web pages out of the local cloud, as the Firebase emulators and Vite's dev
 * server do it:
 * - the `Host` header must name a loopback host (`localhost`, `*.localhost`, 127.0.0.0/8, ::1)
 *   or one the user allowed: a page on evil.example whose name was re-bound to 127.0.0.1 (DNS
 *   rebinding) sends `Host: evil.example`, and is refused before any route runs;
 * - a request that can change something (any method but GET, HEAD, OPTIONS) and comes from a
 *   browser (it carries `Origin` or `Sec-Fetch-Site`, which browsers add and curl, undici and
 *   wx-server-sdk do not) must be same-origin AND declare a JSON body: a cross-origin
 *   `text/plain` or form POST needs no CORS preflight, so without this any page could create
 *   users or arm faults. A same-origin page served by the local cloud itself (the console)
 *   sends JSON and passes.
 * Hand-written rather than a library: the rules are these few lines over node:http, and the
 * middleware packages that do it (host-validation, csurf) target Express.
 */

export interface RequestGuardOptions {
  /** Extra host names (without port) to answer, e.g. a LAN name the user binds to. */
  readonly allowedHosts?: readonly string[];
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `Host` without its port, lower-cased; `[::1]:80` → `::1`. */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value : value.slice(1, end);
  }
  const colon = value.lastIndexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1' || name.startsWith('::ffff:127.');
  return false;
}

function refusal(reason: string): EmulatorReply {
  return { status: 403, body: { errcode: 403, errmsg: `refused by the local cloud: ${reason}` } };
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** A refusal for this request, or undefined to serve it. */
export function guardRequest(method: string, headers: IncomingHttpHeaders, options: RequestGuardOptions = {}): EmulatorReply | undefined {
  const allowed = new Set((options.allowedHosts ?? []).map((name) => hostName(name)));
  const host = headers.host;
  // HTTP/1.0 clients may omit Host; browsers never do (and node refuses HTTP/1.1 without it).
  if (host !== undefined) {
    const name = hostName(host);
    if (!isLoopbackName(name) && !allowed.has(name)) {
      return refusal(`Host ${JSON.stringify(host)} is not a loopback name (a guard against DNS rebinding); allow it with --allow-host ${name}`);
    }
  }
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  const origin = headers.origin;
  const fetchSite = headers['sec-fetch-site'];
  if (origin === undefined && fetchSite === undefined) return undefined;
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return refusal(`a ${fetchSite} browser request may not change anything here (Sec-Fetch-Site: ${fetchSite})`);
  }
  if (origin !== undefined && !sameOrigin(origin, host)) {
    return refusal(`a browser request from ${JSON.stringify(origin)} may not change anything here (cross-origin)`);
  }
  if (!isJson(headers['content-type'])) {
    return refusal(`a browser request that changes something must send Content-Type: application/json (got ${JSON.stringify(headers['content-type'] ?? '')})`);
  }
  return undefined;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && url.host === new URL(`http://${host}`).host;
  } catch {
    return false; // `Origin: null` (sandboxed frames, file:) and anything unparsable
  }
}
