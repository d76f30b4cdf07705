import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardRequest, type RequestGuardOptions } from './request-guard';
import type { EmulatorReply, Router } from './router';

const MAX_BODY_BYTES = 50 * 1024 * 1024;

/**
 * Serves a Router on a loopback port. Port 0 picks a free one, so tests can run in parallel.
 * Every request passes the guard first (request-guard.ts); the host bound to is always allowed.
 */
export async function listen(router: Router, port = 0, host = '127.0.0.1', guard: RequestGuardOptions = {}): Promise<{ server: Server; url: string }> {
  const allowedHosts = [...(guard.allowedHosts ?? []), host];
  const server = createServer((req, res) => {
    void dispatch(router, req, res, { allowedHosts });
  });
  server.keepAliveTimeout = 5_000;
  // What node's HTTP parser refuses itself (an unknown method, a malformed request line or
  // header) is answered as every other refusal is: JSON that says why, then the connection closes.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const body = JSON.stringify({ errcode: 400, errmsg: `malformed HTTP request (${error.code ?? 'bad request'})` });
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function dispatch(router: Router, req: IncomingMessage, res: ServerResponse, guard: RequestGuardOptions): Promise<void> {
  const refused = guardRequest(req.method ?? 'GET', req.headers, guard);
  if (refused) return send(res, refused);
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://local');
  } catch {
    return send(res, { status: 400, body: { errcode: 400, errmsg: 'malformed request target' } });
  }
  const handler = router.match(req.method ?? 'GET', url.pathname);
  if (!handler) return send(res, { status: 404, body: { errcode: 404, errmsg: `no such endpoint: ${url.pathname}` } });
  try {
    const body = await readBody(req);
    const reply = await handler({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
    send(res, reply);
  } catch (error) {
    // The emulator must never hide its own bugs behind a plausible answer: a 500 with the reason.
    send(res, { status: 500, body: { errcode: -1, errmsg: `local cloud internal error: ${(error as Error).message}` } });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: EmulatorReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.stream) {
    res.writeHead(reply.status ?? 200, headers);
    res.flushHeaders();
    reply.stream({ write: (chunk) => void res.write(chunk), onClose: (listener) => res.once('close', listener) });
    return;
  }
  let payload: string | Buffer;
  if (Buffer.isBuffer(reply.body) || typeof reply.body === 'string') {
    payload = reply.body;
  } else {
    payload = JSON.stringify(reply.body ?? {});
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(reply.status ?? 200, headers);
  res.end(payload);
}
