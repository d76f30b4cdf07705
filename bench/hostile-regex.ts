/**
 * `npx tsx bench/hostile-regex.ts`: issue 10 item 1's figures. A local cloud on loopback, one
 * collection with a 30-character hostile value; the HTTP query `where({s: /^(a+)+$/})` is sent
 * and, while it runs, a token request for another app: prints how long each took (median of
 * RUNS), next to the same token request alone (the baseline of this run).
 */
import { buildUrl, requestJson } from '@wxhub/core';
import { LocalCloud } from '@wxhub/local-cloud';
import { performance } from 'node:perf_hooks';
import { median } from './lib/stats';

const RUNS = Number(process.env.BENCH_HOSTILE_RUNS ?? 5);
const A = { name: 'A', appid: 'wxa000000000000001', secret: 'a'.repeat(32), envId: 'a-env-1a2b3c' };
const B = { name: 'B', appid: 'wxb000000000000002', secret: 'b'.repeat(32), envId: 'b-env-4d5e6f' };

async function timed<T>(run: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const cloud = await LocalCloud.start({ apps: [A, B] });
  try {
    const database = cloud.backend.database(A.envId);
    database.createCollection('items');
    database.insert('items', { s: `${'a'.repeat(30)}!` });
    const token = async (app: typeof A): Promise<string> => {
      const { body } = await requestJson(
        buildUrl(cloud.wechatApiBase, '/cgi-bin/token', { grant_type: 'client_credential', appid: app.appid, secret: app.secret }),
      );
      return (body as { access_token: string }).access_token;
    };
    const tokenA = await token(A);
    const hostile = (): Promise<unknown> =>
      requestJson(buildUrl(cloud.wechatApiBase, '/tcb/databasequery', { access_token: tokenA }), {
        method: 'POST',
        json: { env: A.envId, query: 'db.collection("items").where({s: /^(a+)+$/}).get()' },
      });
    const alone: number[] = [];
    const query: number[] = [];
    const parallel: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      alone.push(await timed(() => token(B)));
      const [q, p] = await Promise.all([timed(hostile), timed(() => token(B))]);
      query.push(q);
      parallel.push(p);
    }
    console.log(`hostile query (30 a's + '!', /^(a+)+$/): median ${median(query).toFixed(1)} ms over ${RUNS} runs`);
    console.log(`parallel token request: median ${median(parallel).toFixed(1)} ms (alone: ${median(alone).toFixed(1)} ms)`);
  } finally {
    await cloud.stop();
  }
}

void main();
