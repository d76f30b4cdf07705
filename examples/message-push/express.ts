import type { IncomingHttpHeaders } from 'node:http';
import type { PushHandler } from '@wxhub/message-push';
import { readRawBody } from './read-body';

/**
 * Express adapter. Express is not a dependency: these are the few members the adapter uses.
 *
 *   const app = express();
 *   // Before any body parser (express.json() would consume the body the signature covers),
 *   // or behind express.raw({ type: () => true, limit: '64kb' }).
 *   app.all('/wechat/push', expressPushHandler(handle));
 */
export interface ExpressLikeRequest extends AsyncIterable<Uint8Array | string> {
  readonly method: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly headers: IncomingHttpHeaders;
  /** A Buffer or string when express.raw() / express.text() ran first. */
  readonly body?: unknown;
}

export interface ExpressLikeResponse {
  status(code: number): this;
  set(headers: Readonly<Record<string, string>>): this;
  send(body: string): unknown;
}

export function expressPushHandler(handle: PushHandler, maxBodyBytes = 64 * 1024) {
  return async (req: ExpressLikeRequest, res: ExpressLikeResponse, next: (error?: unknown) => void): Promise<void> => {
    try {
      const body = Buffer.isBuffer(req.body) || typeof req.body === 'string' ? req.body : await readRawBody(req, maxBodyBytes);
      const answer = await handle({ method: req.method, query: req.query, body, contentType: req.headers['content-type'] });
      if (answer.outcome === 'refused') console.warn(`wechat push refused: ${answer.error?.code}`);
      res.status(answer.status).set(answer.headers).send(answer.body);
    } catch (error) {
      // Only a broken connection gets here: the handler itself never throws.
      next(error);
    }
  };
}
