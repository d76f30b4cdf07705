import type { IncomingMessage } from 'node:http';
import type { PushHandler } from '@wxhub/message-push';
import { readRawBody } from './read-body';

/**
 * Koa adapter (egg uses it too). Koa is not a dependency: these are the few members it uses.
 *
 *   const app = new Koa();
 *   app.use(async (ctx, next) => (ctx.path === '/wechat/push' ? koaPushMiddleware(handle)(ctx) : next()));
 *
 * With koa-bodyparser in front, the raw text it keeps in `ctx.request.rawBody` is used.
 */
export interface KoaLikeContext {
  readonly method: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly req: IncomingMessage;
  readonly request: { readonly rawBody?: unknown };
  get(field: string): string;
  set(headers: Readonly<Record<string, string>>): void;
  status: number;
  body: unknown;
}

export function koaPushMiddleware(handle: PushHandler, maxBodyBytes = 64 * 1024) {
  return async (ctx: KoaLikeContext): Promise<void> => {
    const rawBody = ctx.request.rawBody;
    const body = typeof rawBody === 'string' && rawBody !== '' ? rawBody : await readRawBody(ctx.req, maxBodyBytes);
    const answer = await handle({ method: ctx.method, query: ctx.query, body, contentType: ctx.get('content-type') || undefined });
    ctx.status = answer.status;
    ctx.set(answer.headers);
    ctx.body = answer.body;
  };
}
