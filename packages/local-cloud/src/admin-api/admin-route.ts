import { parseJsonBody, type EmulatorReply, type EmulatorRequest, type Handler } from '../http/router';
import type { AdminRoute, AdminRoutes } from './contract';

/** A refusal: the status and the contract's `AdminError` body. */
export class AdminFailure {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly position?: { readonly line: number; readonly column: number },
  ) {}

  reply(): EmulatorReply {
    return { status: this.status, body: { error: { code: this.code, message: this.message, ...this.position } } };
  }
}

export type Answer<K extends AdminRoute> = AdminRoutes[K]['response'] | AdminFailure;

/** What a typed handler gets: the query, and the JSON body (unknown: each handler checks it). */
export interface AdminCall {
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly request: EmulatorRequest;
}

/**
 * One route of the contract: the method and path come from its key, and the handler must answer
 * the contract's response type (or a failure), so the server cannot drift from what the console reads.
 */
export function adminRoute<K extends AdminRoute>(
  key: K,
  handler: (call: AdminCall) => Answer<K> | Promise<Answer<K>>,
  status = 200,
): { method: string; path: string; handler: Handler } {
  const [method, path] = key.split(' ') as [string, string];
  return {
    method,
    path,
    handler: async (request) => {
      const body = request.body.length === 0 ? undefined : parseJsonBody(request);
      if (request.body.length > 0 && body === undefined) return new AdminFailure(400, 'BAD_REQUEST', 'the body must be JSON').reply();
      const answer = await handler({ query: request.query, body, request });
      return answer instanceof AdminFailure ? answer.reply() : { status, body: answer };
    },
  };
}

export function badRequest(message: string): AdminFailure {
  return new AdminFailure(400, 'BAD_REQUEST', message);
}

/** A required query parameter, or the failure naming it. */
export function required(query: URLSearchParams, name: string): string | AdminFailure {
  const value = query.get(name);
  return value ? value : badRequest(`${name} is required`);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-negative integer query parameter (fallback when absent), undefined when malformed. */
export function integerParam(raw: string | null, fallback: number): number | undefined {
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}
