import { createPushHandler, type PushMessage } from '@wxhub/message-push';
import { koaPushMiddleware, type KoaLikeContext } from './koa';

/**
 * egg: a middleware file, `app/middleware/wechat_push.ts`, mounted on the push route only:
 *
 *   // app/router.ts
 *   router.all('/wechat/push', app.middleware.wechatPush(app.config.wechatPush));
 *   // config/config.default.ts: keep egg's body parser off the route (the signature covers the raw body)
 *   config.bodyParser = { ignore: '/wechat/push' };
 *   config.wechatPush = { token: process.env.WECHAT_PUSH_TOKEN, encodingAESKey: process.env.WECHAT_PUSH_AES_KEY, appid: process.env.WECHAT_APPID };
 *
 * egg's ctx is Koa's, so the Koa adapter does the work; one handler (and its de-duplication
 * memory) per worker process: use a shared DedupeStore (Redis) when egg runs several workers.
 */
export interface WechatPushConfig {
  readonly token: string;
  readonly encodingAESKey?: string;
  readonly appid: string;
}

export interface EggLikeApp {
  readonly logger: { info(message: string): void };
}

export default function wechatPush(config: WechatPushConfig, app: EggLikeApp) {
  const handle = createPushHandler({
    ...config,
    onMessage: async (message: PushMessage) => {
      app.logger.info(`wechat push ${message.MsgType}${message.Event ? `/${message.Event}` : ''}`);
      // Hand the session to the human customer-service staff.
      return message.MsgType === 'text' ? { MsgType: 'transfer_customer_service' } : undefined;
    },
  });
  const middleware = koaPushMiddleware(handle);
  return async (ctx: KoaLikeContext): Promise<void> => middleware(ctx);
}
