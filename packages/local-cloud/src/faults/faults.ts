import type { EmulatorReply, EmulatorRequest, Handler, Service } from '../http/router';

/** Which requests a fault hits. */
export interface FaultTarget {
  /** A route path of the service, below its prefix, e.g. '/cgi-bin/token' or '/oauth/2.0/token'. */
  readonly path: string;
  /** Only requests with this method; any by default. */
  readonly method?: string;
  /** Hit only the next `times` matching requests, then disarm; until `clear()` by default. */
  readonly times?: number;
  /** A narrower test on the request (e.g. one appid only). */
  readonly when?: (request: EmulatorRequest) => boolean;
  /** What `when` selects, in words, for listings (e.g. the SDK action `database.queryDocument`). */
  readonly label?: string;
}

/** What happens instead of (or before) the real answer. */
export type FaultEffect =
  /** An HTTP status with a body; 5xx without a body get a gateway-style HTML page. */
  | { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  /** Any reply, built per request (fresh request ids, echoes). */
  | { readonly respond: (request: EmulatorRequest) => EmulatorReply }
  /** Waits this many real milliseconds, then answers normally (for client timeouts). */
  | { readonly delayMs: number }
  /** Never answers until `clear()` (then a 503). */
  | { readonly hang: true };

export type Fault = FaultTarget & FaultEffect;

interface Armed {
  readonly fault: Fault;
  remaining: number;
}

/**
 * Scripted failures for an emulated service: tests arm a fault on a path and the next matching
 * requests fail the way the real upstream does on a bad day (gateway errors, slowness, hangs).
 * Each emulator owns one plan and wraps its routes with it, so every endpoint can be broken the
 * same way.
 */
export class FaultPlan {
  private armed: Armed[] = [];
  /** Pending delays and hangs, released by `clear()` so no timer or socket outlives a test. */
  private readonly waiting = new Set<() => void>();

  inject(fault: Fault): void {
    if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new Error(`fault.times must be a positive integer, got ${fault.times}`);
    }
    this.armed.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  /** Requests held right now by a delay or a hang. */
  get pending(): number {
    return this.waiting.size;
  }

  /** What is armed now, for the admin API: target, hits left (null: until cleared), kind of effect. */
  describe(): Array<{ readonly path: string; readonly method?: string; readonly label?: string; readonly remaining: number | null; readonly effect: string }> {
    return this.armed.map(({ fault, remaining }) => ({
      path: fault.path,
      ...(fault.method ? { method: fault.method } : {}),
      ...(fault.label ? { label: fault.label } : {}),
      remaining: Number.isFinite(remaining) ? remaining : null,
      effect: describeEffect(fault),
    }));
  }

  clear(): void {
    this.armed = [];
    for (const release of [...this.waiting]) release();
    this.waiting.clear();
  }

  /** The route with this plan's faults in front of it. */
  wrap(path: string, handler: Handler): Handler {
    return async (request) => {
      const fault = this.take(path, request);
      if (!fault) return handler(request);
      if ('delayMs' in fault) {
        const released = await this.wait(fault.delayMs);
        return released ? handler(request) : clearedReply();
      }
      if ('hang' in fault) {
        await this.wait(undefined);
        return clearedReply();
      }
      if ('respond' in fault) return fault.respond(request);
      if (fault.body !== undefined) return { status: fault.status, headers: fault.headers, body: fault.body };
      return { status: fault.status, headers: { 'content-type': 'text/html', ...fault.headers }, body: defaultBody(fault.status) };
    };
  }

  /** A copy of `service` whose every route goes through this plan. */
  wrapService(service: Service): Service {
    return {
      prefix: service.prefix,
      routes: service.routes.map((route) => ({ ...route, handler: this.wrap(route.path, route.handler) })),
    };
  }

  private take(path: string, request: EmulatorRequest): Fault | undefined {
    const entry = this.armed.find(
      ({ fault }) =>
        fault.path === path &&
        (fault.method === undefined || fault.method.toUpperCase() === request.method.toUpperCase()) &&
        (fault.when === undefined || fault.when(request)),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.armed = this.armed.filter((other) => other !== entry);
    return entry.fault;
  }

  /** Resolves true when `ms` elapse, false when `clear()` releases it first. */
  private wait(ms: number | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const release = (): void => {
        if (timer) clearTimeout(timer);
        this.waiting.delete(release);
        resolve(false);
      };
      this.waiting.add(release);
      if (ms !== undefined) {
        timer = setTimeout(() => {
          this.waiting.delete(release);
          resolve(true);
        }, ms);
      }
    });
  }
}

function clearedReply(): EmulatorReply {
  return { status: 503, body: 'fault cleared', headers: { 'content-type': 'text/plain' } };
}

const REASONS: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** What a reverse proxy in front of WeChat or Baidu sends when the backend is down: HTML, not JSON. */
function defaultBody(status: number): string {
  const reason = REASONS[status] ?? 'Error';
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function describeEffect(fault: Fault): string {
  if ('delayMs' in fault) return `delay ${fault.delayMs} ms`;
  if ('hang' in fault) return 'hang';
  if ('respond' in fault) return 'scripted answer';
  return `HTTP ${fault.status}`;
}
