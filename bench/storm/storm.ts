/**
 * `pnpm bench`, sections 7 and 8: the token storm. N separate processes × M callers share the cloud
 * `token` collection of a local cloud (the real wx-server-sdk in each), with WeChat's
 * stable_token endpoint healthy, slow with the holder SIGKILLed mid-fetch, hanging while a
 * still-valid token is stored, and down (503) for 20 s. Printed: upstream requests, tokens
 * issued, errors, p50/p99 of a call as a ratio to the happy path's p50, and the takeover time.
 * Section 7 runs the force-refresh budget against a persistent 40001 on a manual clock.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cloud from 'wx-server-sdk';
import { buildSync } from 'esbuild';
import { ManualClock } from '@wxhub/core';
import { applySdkEnv, defaultNodePath, LocalCloud, sdkProcessEnv, type AppConfig } from '@wxhub/local-cloud';
import { CloudDatabaseStore, ForceRefreshBudgetError, TokenCache, type CloudDatabase, type TokenKeyStats } from '@wxhub/token-cache';
import { stableTokenProvider } from '@wxhub/wechat';
import { table } from '../lib/stats';
import type { CallResult, StormCommand } from './worker';

const APP: AppConfig = { name: 'A', appid: 'wxstorm00000000001', secret: 'f'.repeat(32), envId: 'storm-env-1c2d3e' };
const STABLE = '/cgi-bin/stable_token';

interface Worker {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly holder: string;
  readonly done: Promise<{ results: CallResult[]; stats: Record<string, TokenKeyStats> } | undefined>;
}

export async function benchTokenStorm(
  processes = Number(process.env.BENCH_STORM_PROCESSES ?? 8),
  callers = Number(process.env.BENCH_STORM_CALLERS ?? 25),
): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'wxhub-storm-'));
  const bundle = join(out, 'worker.js');
  buildSync({
    entryPoints: [join(__dirname, 'worker.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node16.13',
    format: 'cjs',
    external: ['wx-server-sdk'],
    logLevel: 'silent',
  });
  const local = await LocalCloud.start({ apps: [APP], runtime: { idleCheckIntervalMs: 0 } });
  let requests = 0;
  // Counts every request to the token endpoint (never fires: `when` is false).
  local.wechat.faults.inject({ path: STABLE, status: 500, when: () => (requests++, false) });
  let collection = 0;
  const rows: string[][] = [['scenario', 'upstream requests', 'tokens issued', 'errors', 'p50 ratio', 'p99 ratio', 'takeover / note']];
  const spawn = (name: string): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const env = {
        ...sdkProcessEnv({ backendUrl: local.sdkBackendUrl, envId: APP.envId }),
        NODE_PATH: defaultNodePath() ?? '',
        PATH: process.env.PATH ?? '',
        STORM_APPID: APP.appid,
        STORM_SECRET: APP.secret,
        STORM_WECHAT: local.wechatApiBase,
        STORM_COLLECTION: name,
      };
      const child = fork(bundle, [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      const done = new Promise<{ results: CallResult[]; stats: Record<string, TokenKeyStats> } | undefined>((settle) => {
        child.on('message', (message: { results?: CallResult[]; stats?: Record<string, TokenKeyStats> }) => {
          if (message.results) settle({ results: message.results, stats: message.stats ?? {} });
        });
        child.once('exit', () => settle(undefined));
      });
      child.once('message', (message: { pid: number; holder: string }) => resolve({ child, pid: message.pid, holder: message.holder, done }));
      child.once('error', reject);
    });
  const run = async (command: StormCommand, during?: (workers: Worker[], name: string) => Promise<void>) => {
    const name = `token_storm_${++collection}`;
    const workers = await Promise.all(Array.from({ length: processes }, () => spawn(name)));
    const before = { requests, issued: local.wechat.issuedTokens(APP.appid) };
    const started = Date.now();
    for (const worker of workers) worker.child.send(command);
    const watching = during?.(workers, name);
    const answers = await Promise.all(workers.map((worker) => worker.done));
    await watching;
    const results = answers.flatMap((answer) => answer?.results ?? []);
    return { name, results, started, requests: requests - before.requests, issued: local.wechat.issuedTokens(APP.appid) - before.issued };
  };
  const latency = (results: CallResult[]) => results.filter((r) => r.ok).map((r) => r.end - r.start);

  try {
    // a. happy path: an empty collection, N × M concurrent gets.
    const happy = await run({ op: 'burst', callers });
    const base = Math.max(1, pct(latency(happy.results), 50));
    rows.push(row('happy path (empty store)', happy, base, `p50 ${base} ms = 1.00`));

    // b. the holder is SIGKILLed 1.5 s into a 6 s fetch.
    local.wechat.faults.inject({ path: STABLE, delayMs: 6_000, times: 1 });
    let killedAt = 0;
    const crash = await run({ op: 'burst', callers }, async (workers, name) => {
      const holder = await waitForHolder(local, name);
      await sleep(1_500);
      const victim = workers.find((worker) => holder.startsWith(`${worker.pid}-`));
      killedAt = Date.now();
      victim?.child.kill('SIGKILL');
    });
    const lastServed = Math.max(...crash.results.filter((r) => r.ok).map((r) => r.end));
    rows.push(row(`holder SIGKILLed 1.5 s into a 6 s fetch`, crash, base, `last served ${((lastServed - killedAt) / 1000).toFixed(2)} s after the kill`));
    local.wechat.faults.clear();
    local.wechat.faults.inject({ path: STABLE, status: 500, when: () => (requests++, false) });

    // c. the endpoint hangs while a valid token (4 min left: inside the 5 min margin) is stored.
    const hangName = `token_storm_${collection + 1}`;
    local.backend.database(APP.envId).createCollection(hangName);
    local.backend.database(APP.envId).insert(hangName, { _id: APP.appid, access_token: 'STALE-BUT-VALID-TOKEN', expires_in: Date.now() + 4 * 60_000 });
    local.wechat.faults.inject({ path: STABLE, hang: true });
    const hung = await run({ op: 'burst', callers });
    const hungMax = Math.max(...latency(hung.results));
    rows.push(row('endpoint hangs, valid token stored', hung, base, `slowest call ${(hungMax / 1000).toFixed(2)} s`));
    local.wechat.faults.clear();
    local.wechat.faults.inject({ path: STABLE, status: 500, when: () => (requests++, false) });

    // d. a 20 s outage (503) with nothing stored: every instance asks every 250 ms.
    const times: number[] = [];
    local.wechat.faults.inject({ path: STABLE, status: 503, when: () => (times.push(Date.now()), true) });
    const outage = await run({ op: 'steady', everyMs: 250, forMs: 20_000 });
    const worst = maxInWindow(times, 5_000);
    const gaps = times
      .slice(1)
      .map((at, i) => ((at - times[i]!) / 1000).toFixed(1))
      .join(' ');
    rows.push(row('20 s outage (503), nothing stored', outage, base, `most upstream requests in any 5 s: ${worst} (gaps s: ${gaps})`));
    local.wechat.faults.clear();

    console.log(`\n7. token storm: ${processes} processes × ${callers} callers on the cloud token collection (local cloud, real SDK per process)`);
    table(rows);
    console.log(
      `  (load average at the end: ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')} on ${cpus().length} cores)`,
    );
  } finally {
    await local.stop();
    rmSync(out, { recursive: true, force: true });
  }
  await forceBudget();
}

/** Section 7: persistent 40001 for a simulated hour, 4 instances invalidating every 10 s. */
async function forceBudget(): Promise<void> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 1));
  const local = await LocalCloud.start({ apps: [APP], clock });
  const restore = applySdkEnv(sdkProcessEnv({ backendUrl: local.sdkBackendUrl, envId: APP.envId }));
  try {
    cloud.init({ env: APP.envId });
    const db = cloud.database() as unknown as CloudDatabase;
    const forcedAt: number[] = [];
    let refused = 0;
    let quota = 0;
    local.wechat.faults.inject({
      path: STABLE,
      status: 500,
      when: (request) => {
        if (request.body.toString('utf8').includes('"force_refresh":true')) forcedAt.push(clock.now());
        return false;
      },
    });
    const provider = stableTokenProvider({ appid: APP.appid, secret: APP.secret, baseUrl: local.wechatApiBase, clock });
    const caches = Array.from(
      { length: 4 },
      () =>
        new TokenCache({
          store: new CloudDatabaseStore({ db, collection: 'token_force' }),
          providers: { [APP.appid]: provider },
          clock,
          retry: { attempts: 1 },
        }),
    );
    for (let round = 0; round < 360; round++) {
      await Promise.all(
        caches.map(async (cache) => {
          const current = await cache.get(APP.appid).catch(() => undefined);
          if (current === undefined) return;
          try {
            await cache.invalidate(APP.appid, current); // every token is "rejected" (persistent 40001)
          } catch (error) {
            if (error instanceof ForceRefreshBudgetError) refused++;
            else if (String((error as Error).message).includes('45009')) quota++;
          }
        }),
      );
      clock.advance(10_000);
    }
    const gaps = forcedAt.slice(1).map((at, i) => at - forcedAt[i]!);
    console.log('\n8. persistent 40001: 4 instances × 1 invalidation per 10 s for a simulated hour (manual clock, cloud token collection)');
    table([
      ['forced refreshes', 'smallest gap (s)', 'FORCE_REFRESH_BUDGET answers', '45009 answers'],
      [String(forcedAt.length), gaps.length ? String(Math.min(...gaps) / 1000) : '-', String(refused), String(quota)],
    ]);
  } finally {
    restore();
    await local.stop();
  }
}

function row(label: string, run: { results: CallResult[]; requests: number; issued: number }, base: number, note: string): string[] {
  const ok = run.results.filter((r) => r.ok).map((r) => r.end - r.start);
  const codes = [...new Set(run.results.filter((r) => !r.ok).map((r) => r.code))].join(',');
  const errors = `${run.results.length - ok.length}/${run.results.length}${codes ? ` ${codes}` : ''}`;
  return [label, String(run.requests), String(run.issued), errors, (pct(ok, 50) / base).toFixed(2), (pct(ok, 99) / base).toFixed(2), note];
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) best = Math.max(best, times.filter((t) => t >= times[i]! && t < times[i]! + windowMs).length);
  return best;
}

async function waitForHolder(local: LocalCloud, collection: string): Promise<string> {
  for (;;) {
    const [doc] = local.backend.database(APP.envId).hasCollection(collection) ? local.backend.database(APP.envId).find(collection, { _id: APP.appid }) : [];
    const holder = doc?.lease_holder;
    if (typeof holder === 'string' && holder !== '') return holder;
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
