import { ADMIN_PREFIX, type AdminError, type AdminRoute, type AdminRoutes } from '../../src/admin-api/contract';

/** An admin API refusal as the console shows it (with the filter's line and column when given). */
export class AdminCallError extends Error {
  constructor(
    readonly status: number,
    readonly detail: AdminError['error'],
  ) {
    super(detail.message);
  }
}

type Args<K extends AdminRoute> = { readonly query?: AdminRoutes[K]['query']; readonly body?: AdminRoutes[K]['body'] };

/** Methods that change nothing: the local cloud's guard lets a browser send them as they are. */
const READ_ONLY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * Calls one route of the admin API's contract: same origin, JSON in and out. The answer's type is
 * the contract's. Every other method declares JSON even without a body (a DELETE names its target
 * in the query): the local cloud's request guard (http/request-guard.ts) serves a browser's
 * mutating request only when it is same-origin AND says `Content-Type: application/json`, and
 * refuses a bodyless DELETE without it with a 403.
 */
export async function call<K extends AdminRoute>(key: K, args: Args<K> = {}): Promise<AdminRoutes[K]['response']> {
  const [method, path] = key.split(' ') as [string, string];
  const url = new URL(`${ADMIN_PREFIX}${path}`, location.origin);
  for (const [name, value] of Object.entries((args.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  }
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: READ_ONLY_METHODS.has(method) ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    ...(args.body === undefined ? {} : { body: JSON.stringify(args.body) }),
  });
  const payload = (await response.json()) as unknown;
  if (!response.ok) {
    const error = (payload as Partial<AdminError>).error ?? { code: String(response.status), message: JSON.stringify(payload) };
    throw new AdminCallError(response.status, error);
  }
  return payload as AdminRoutes[K]['response'];
}

/** POST with upload progress (fetch has none): the same JSON, same origin, through XMLHttpRequest. */
export function callWithProgress<K extends AdminRoute>(
  key: K,
  body: AdminRoutes[K]['body'],
  onProgress: (fraction: number) => void,
): Promise<AdminRoutes[K]['response']> {
  const [method, path] = key.split(' ') as [string, string];
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, `${ADMIN_PREFIX}${path}`);
    xhr.setRequestHeader('content-type', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new AdminCallError(0, { code: 'NETWORK', message: 'the local cloud did not answer' }));
    xhr.onload = () => {
      let payload: unknown;
      try {
        payload = JSON.parse(xhr.responseText);
      } catch {
        payload = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(payload as AdminRoutes[K]['response']);
      else reject(new AdminCallError(xhr.status, (payload as Partial<AdminError>).error ?? { code: String(xhr.status), message: xhr.statusText }));
    };
    xhr.send(JSON.stringify(body));
  });
}

export function describeError(error: unknown): string {
  if (error instanceof AdminCallError) {
    const where = error.detail.line !== undefined ? ` (${error.detail.line}:${error.detail.column ?? 1})` : '';
    return `${error.detail.code}: ${error.detail.message}${where}`;
  }
  return error instanceof Error ? error.message : String(error);
}
