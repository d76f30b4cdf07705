import cloud from 'wx-server-sdk';
import { systemClock } from '@wxhub/core';
import { baiduOAuthProvider } from '@wxhub/baidu';
import { handler, ok } from '@wxhub/function-kit';
import { refreshAll } from './refresh';
import { SetconfigCollection } from './setconfig';
import { readSettings } from './settings';

// The typings declare `env` as a string, but the SDK documents the symbol for "this function's env".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/**
 * Timer-triggered (see config.json); also runs on demand. Answers a summary of what it did:
 * `{refreshed: [...], fresh: [...], failed: [{config_name, error, code}]}`.
 */
export const main = handler(async () => {
  const settings = readSettings(process.env);
  const setconfig = new SetconfigCollection(cloud.database(), settings.collection);
  const summary = await refreshAll(settings.tokens, {
    setconfig,
    clock: systemClock,
    marginMs: settings.marginMs,
    fetchToken: (entry) =>
      baiduOAuthProvider({
        clientId: entry.clientId,
        clientSecret: entry.clientSecret,
        baseUrl: settings.baiduApiBase,
        timeoutMs: settings.timeoutMs,
      }).fetch({ key: entry.configName, forceRefresh: false }),
  });
  return ok(summary);
});
