import type { IncomingHttpHeaders } from 'node:http';

/** A request as the emulator's handlers see it: body already read. */
export interface EmulatorRequest {
  readonly method: string;
  /** Path below the mount point, starting with `/`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface EmulatorReply {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and buffers as they are. */
  body?: unknown;
  /**
   * A response that stays open (server-sent events): the headers go out, then `stream` writes
   * chunks until the client goes away (`onClose`) or the server closes. `body` is ignored.
   */
  stream?: (sink: StreamSink) => void;
}

export interface StreamSink {
  write(chunk: string): void;
  onClose(listener: () => void): void;
}

export type Handler = (request: EmulatorRequest) => Promise<EmulatorReply> | EmulatorReply;

/** A group of routes served under one path prefix (WeChat's API, Baidu's, the SDK backend...). */
export interface Service {
  /** e.g. '' for WeChat's API at the root, '/baidu' for Baidu's OAuth. */
  readonly prefix: string;
  /** Exact paths below the prefix. `*` as the method matches any. */
  readonly routes: ReadonlyArray<{ method: string; path: string; handler: Handler }>;
}

export function parseJsonBody<T = unknown>(request: EmulatorRequest): T | undefined {
  if (request.body.length === 0) return undefined;
  try {
    return JSON.parse(request.body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export class Router {
  private readonly table = new Map<string, Handler>();

  mount(service: Service): void {
    for (const route of service.routes) {
      this.table.set(`${route.method.toUpperCase()} ${service.prefix}${route.path}`, route.handler);
    }
  }

  /** The handler and the path it was registered under, or undefined (404). */
  match(method: string, path: string): Handler | undefined {
    return this.table.get(`${method.toUpperCase()} ${path}`) ?? this.table.get(`* ${path}`);
  }
}
