/**
 * Not in `pnpm bench`: where the time of section 4's database operations goes. For each kind it
 * times, in one process and round robin:
 *   - the whole call through the real wx-server-sdk (as section 4 does);
 *   - the SDK backend's own handler on the very request the SDK sent (captured once, then replayed
 *     in-process: request parsing, query decoding, the operation, reply encoding; no HTTP, no SDK).
 * The rest of a call is the SDK's own work and the HTTP exchange; section 4's second baseline
 * (a POST of the SDK's request shape) is the HTTP share. Run: `npx tsx bench/local-cloud-handler.ts`
 * (BENCH_HANDLER_CALLS, default 300).
 */
import { performance } from 'node:perf_hooks';
import * as cloud from 'wx-server-sdk';
import { applySdkEnv, CloudBackend, LocalCloud, sdkProcessEnv, type AppConfig, type EmulatorRequest, type Handler } from '@wxhub/local-cloud';
import { median, table } from './lib/stats';

const APP: AppConfig = { name: 'bench', appid: 'wxbench000000000001', secret: 'e'.repeat(32), envId: 'bench-env-7f8e9d' };
const DOCS = 'bench_docs';
const CAPTURE_PREFIX = '/bench-capture';

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_HANDLER_CALLS ?? 300);
  const local = await LocalCloud.start({ apps: [APP], runtime: { idleCheckIntervalMs: 0 } });
  const backend: Handler = local.backend.service.routes[0]!.handler;
  // The SDK talks to a route that records each request and hands it to the backend unchanged.
  let captured: EmulatorRequest | undefined;
  local.mount({
    prefix: CAPTURE_PREFIX,
    routes: [
      {
        method: 'POST',
        path: '',
        handler: (request) => {
          captured = request;
          return backend(request);
        },
      },
    ],
  });
  const restoreEnv = applySdkEnv(sdkProcessEnv({ backendUrl: `${local.url}${CAPTURE_PREFIX}`, envId: APP.envId }));
  try {
    const admin = local.backend.database(APP.envId);
    admin.createCollection(DOCS);
    admin.insert(
      DOCS,
      Array.from({ length: 1000 }, (_unused, i) => ({ _id: `doc-${i}`, group: i % 10, score: (i * 7919) % 1000, name: `name ${i}`, n: 0 })),
    );
    cloud.init({ env: APP.envId });
    const db = cloud.database();
    const _ = db.command;
    const docs = db.collection(DOCS);
    // Fixed arguments, so the replayed request is the one the SDK call sends every time.
    const kinds: Array<[string, () => Promise<unknown>]> = [
      ['doc.get', () => docs.doc('doc-37').get() as Promise<unknown>],
      ['where.get, 1000 docs', () => docs.where({ group: 3, score: _.gte(900) }).get() as Promise<unknown>],
      ['doc.set', () => docs.doc('doc-74').set({ data: { group: 4, score: 5, name: 'set', n: 0 } }) as Promise<unknown>],
      ['doc.update', () => docs.doc('doc-37').update({ data: { n: _.inc(1) } }) as Promise<unknown>],
      ['where.update, 100 docs', () => docs.where({ group: 3 }).update({ data: { n: _.inc(1) } }) as Promise<unknown>],
      ['count', () => docs.where({ group: 3 }).count() as Promise<unknown>],
      [
        'aggregate group, 1000 docs',
        () =>
          docs
            .aggregate()
            .group({ _id: '$group', total: _.aggregate.sum('$score') })
            .end() as Promise<unknown>,
      ],
    ];
    const requests = new Map<string, EmulatorRequest>();
    for (const [label, call] of kinds) {
      captured = undefined;
      await call();
      if (!captured) throw new Error(`${label}: the SDK sent no request to the capture route`);
      requests.set(label, captured);
      for (let i = 0; i < 20; i++) await backend(captured);
    }
    const sdk = kinds.map((): number[] => []);
    const handler = kinds.map((): number[] => []);
    for (let i = 0; i < count; i++) {
      for (const [k, [label, call]] of kinds.entries()) {
        let start = performance.now();
        await call();
        sdk[k]!.push(performance.now() - start);
        start = performance.now();
        await backend(requests.get(label)!);
        handler[k]!.push(performance.now() - start);
      }
    }
    const rows = [['operation', 'SDK call ms', 'backend handler ms', 'handler share']];
    kinds.forEach(([label], k) => {
      const whole = median(sdk[k]!);
      const own = median(handler[k]!);
      rows.push([label, whole.toFixed(3), own.toFixed(3), `${((own / whole) * 100).toFixed(0)} %`]);
    });
    console.log(`\nSDK backend handler time (in-process replay of the SDK's request) against the whole SDK call, medians of ${count}, round robin`);
    table(rows);
    console.log(`  (handler: ${CloudBackend.PREFIX} route on the captured request: parsing, decoding, the operation, encoding the reply)`);
  } finally {
    restoreEnv();
    await local.stop();
  }
}

void main();
