/**
 * The server toolkit in one runnable file, against a local cloud it starts itself:
 *   npx tsx examples/server-toolkit/index.ts
 * For a real mini program, point `baseUrl` at https://api.weixin.qq.com and take the appid and
 * secret from your configuration; nothing else changes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudHttpClient, queryBuilder as db, _ } from '@wxhub/cloud-http';
import { LocalCloud } from '@wxhub/local-cloud';
import { FileStore, TokenCache } from '@wxhub/token-cache';
import { code2Session, decryptLoginData, getUserPhoneNumber, stableTokenProvider, tokenSource, WeChatClient } from '@wxhub/wechat';

const app = { name: 'A', appid: 'wxa0000000000000a1', secret: 'an-example-secret-0001', envId: 'a-env-0a1b2c' };

async function main(): Promise<void> {
  const local = await LocalCloud.start({ apps: [app] });
  const baseUrl = local.wechatApiBase;
  try {
    // 1. One access token per appid, shared by every process of this server through a file
    //    (a RedisStore does the same across machines).
    const tokens = new TokenCache({
      store: new FileStore({ dir: mkdtempSync(join(tmpdir(), 'wxhub-tokens-')) }),
      providers: { [app.appid]: stableTokenProvider({ appid: app.appid, secret: app.secret, baseUrl }) },
    });
    const wechat = new WeChatClient({ baseUrl, tokens: tokenSource(tokens, app.appid), appid: app.appid });

    // 2. The cloud HTTP API: database with a builder (hostile input stays data), storage.
    const cloudApi = new CloudHttpClient({ wechat, env: app.envId });
    await cloudApi.createCollection('orders');
    const hostile = '"); db.collection("orders").remove(); ("';
    await cloudApi.add(
      db.collection('orders').add({
        data: [
          { item: hostile, amount: 12 },
          { item: 'tea', amount: 30 },
        ],
      }),
    );
    const { data, pager } = await cloudApi.query(
      db
        .collection('orders')
        .where({ amount: _.gt(10) })
        .orderBy('amount', 'desc')
        .get(),
    );
    console.log(`orders over 10: ${data.length} of ${pager.total}; first item ${JSON.stringify(data[0]?.item)}`);
    const { fileId } = await cloudApi.upload('receipts/1.txt', Buffer.from('receipt #1'));
    const [link] = await cloudApi.downloadUrls([fileId]);
    console.log(`uploaded ${fileId}; temporary URL ${link?.ok ? 'issued' : 'refused'}`);

    // 3. Login: the code from wx.login, the session key, the user's encryptedData.
    const code = local.login.issueLoginCode(app.appid, 'oUserExample01');
    const session = await code2Session({ appid: app.appid, secret: app.secret, code, baseUrl });
    const encrypted = local.login.encryptForUser(app.appid, session.openid, { nickName: '李雷' });
    const profile = decryptLoginData<{ nickName: string }>({ appid: app.appid, sessionKey: session.sessionKey, ...encrypted });
    const phone = await getUserPhoneNumber(wechat, local.login.issuePhoneCode(app.appid, { phoneNumber: '13800138000' }));
    console.log(`logged in ${session.openid}: ${profile.nickName}, phone ${phone.purePhoneNumber}`);
  } finally {
    await local.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
