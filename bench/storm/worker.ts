/**
 * One "function instance" of the storm bench: a separate process (bundled with esbuild by
 * storm.ts) with the real wx-server-sdk, a TokenCache on the cloud `token` collection and the
 * stable_token provider, both served by the bench's local cloud. It runs one command, answers
 * with what each call got and when (epoch ms), and exits.
 */
import * as cloud from 'wx-server-sdk';
import { CloudDatabaseStore, TokenCache, type CloudDatabase } from '@wxhub/token-cache';
import { stableTokenProvider } from '@wxhub/wechat';

export type StormCommand = { readonly op: 'burst'; readonly callers: number } | { readonly op: 'steady'; readonly everyMs: number; readonly forMs: number };
export interface CallResult {
  readonly ok: boolean;
  readonly start: number;
  readonly end: number;
  readonly code?: string;
}

cloud.init({ env: process.env.TCB_ENV });
const appid = String(process.env.STORM_APPID);
const cache = new TokenCache({
  store: new CloudDatabaseStore({ db: cloud.database() as unknown as CloudDatabase, collection: process.env.STORM_COLLECTION }),
  providers: {
    [appid]: stableTokenProvider({ appid, secret: String(process.env.STORM_SECRET), baseUrl: String(process.env.STORM_WECHAT), timeoutMs: 10_000 }),
  },
  maxWaitMs: 8_000,
  retry: { attempts: 1 },
  sweepIntervalMs: Number.POSITIVE_INFINITY,
});

async function call(): Promise<CallResult> {
  const start = Date.now();
  try {
    await cache.get(appid);
    return { ok: true, start, end: Date.now() };
  } catch (error) {
    return { ok: false, start, end: Date.now(), code: (error as { code?: string }).code ?? 'UNEXPECTED' };
  }
}

async function run(command: StormCommand): Promise<CallResult[]> {
  if (command.op === 'burst') return Promise.all(Array.from({ length: command.callers }, call));
  const results: CallResult[] = [];
  const until = Date.now() + command.forMs;
  while (Date.now() < until) {
    results.push(await call());
    await new Promise((resolve) => setTimeout(resolve, command.everyMs));
  }
  return results;
}

// The SDK's first request in a fresh process is slow (lazy loading): paid before the clock starts,
// so the figures are the token path's, not the SDK's cold start.
void new CloudDatabaseStore({ db: cloud.database() as unknown as CloudDatabase, collection: 'storm_warmup' })
  .read('warmup')
  .catch(() => undefined)
  .then(() => process.send?.({ ready: true, pid: process.pid, holder: cache.holderId }));
process.once('message', (command: StormCommand) => {
  void run(command).then((results) => process.send?.({ results, stats: cache.stats() }, () => process.exit(0)));
});
