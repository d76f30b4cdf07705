import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPushHandler, type PushHttpRequest } from '@wxhub/message-push';
import { generateEncodingAesKey, MessageCrypto, msgSignature, serverSignature } from '@wxhub/wechat-crypto';
import { readRawBody } from './read-body';

/**
 * The handler on Node's own http server: no framework at all.
 *
 *   cd examples/message-push
 *   WECHAT_PUSH_TOKEN=… WECHAT_PUSH_AES_KEY=… WECHAT_APPID=… PORT=8080 npx tsx node-http.ts
 *   npx tsx node-http.ts --demo     # plays WeChat against itself: URL check, then an encrypted push
 */

const MAX_BODY_BYTES = 64 * 1024;
const settings = {
  token: process.env.WECHAT_PUSH_TOKEN ?? 'localDemoToken',
  encodingAESKey: process.env.WECHAT_PUSH_AES_KEY ?? generateEncodingAesKey(),
  appid: process.env.WECHAT_APPID ?? 'wx00000000000demo1',
};

const handle = createPushHandler({
  ...settings,
  maxBodyBytes: MAX_BODY_BYTES,
  onMessage: async (message) => {
    console.log(`push: ${message.MsgType}${message.Event ? `/${message.Event}` : ''} from ${message.FromUserName}`);
    // Mini programs accept one passive reply: handing the session to the customer-service staff.
    return message.MsgType === 'text' ? { MsgType: 'transfer_customer_service' } : undefined;
  },
});

/** The query string as the handler wants it: a parameter given twice stays an array (and is refused). */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/wechat/push') {
    res.writeHead(404).end();
    return;
  }
  const request: PushHttpRequest = {
    method: req.method ?? '',
    query: queryOf(url),
    body: req.method === 'POST' ? await readRawBody(req, MAX_BODY_BYTES) : undefined,
    contentType: req.headers['content-type'],
  };
  const answer = await handle(request);
  res.writeHead(answer.status, answer.headers).end(answer.body);
}

const server = createServer((req, res) => {
  serve(req, res).catch(() => res.destroy());
});

/** What WeChat does: check the URL, then push one encrypted text message. */
async function demo(base: string): Promise<void> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = '1290483711';
  const signature = serverSignature({ token: settings.token, timestamp, nonce });
  const check = await fetch(`${base}/wechat/push?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&echostr=4711`);
  console.log(`GET  → ${check.status} ${await check.text()}`);

  const wechat = new MessageCrypto(settings);
  const message = `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oDemoUser0001]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content><MsgId>24602289745563241</MsgId></xml>`;
  const Encrypt = wechat.encryptToBase64(message);
  const signed = `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&encrypt_type=aes`;
  const query = `${signed}&msg_signature=${msgSignature({ token: settings.token, timestamp, nonce, encrypt: Encrypt })}`;
  const body = `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt><![CDATA[${Encrypt}]]></Encrypt></xml>`;
  for (const attempt of ['POST', 'POST (WeChat retrying)']) {
    const pushed = await fetch(`${base}/wechat/push?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    console.log(`${attempt} → ${pushed.status} ${(await pushed.text()).slice(0, 80)}…`);
  }
  const forged = await fetch(`${base}/wechat/push?${signed}&msg_signature=${'0'.repeat(40)}`, { method: 'POST', body });
  console.log(`POST with a forged signature → ${forged.status} ${await forged.text()}`);
}

const isDemo = process.argv.includes('--demo');
server.listen(isDemo ? 0 : Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  if (!isDemo) {
    console.log(`message push endpoint at ${base}/wechat/push`);
    return;
  }
  demo(base).finally(() => server.close());
});
