/**
 * `pnpm bench`, section 9: `wxhub dev` on a WeChat devtools project (a copy of
 * examples/shop-project, its dependencies installed once before timing), each figure next to a
 * baseline measured in the same run:
 *   a. start → first answered call (a user's call through the client-call endpoint, sent as soon
 *      as the server listens), against starting a bare local cloud and answering one HTTP request;
 *   b. the first call after start: warm (the instance started in the background at start) against
 *      cold (no prewarm: the call starts the process and loads the function);
 *   c. dependency install of one function: npm install --omit=dev (from npm's own cache) against
 *      wxhub's cached install (package.json and lockfile unchanged).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureDependencies, LocalCloud, startWechatDevServer, type DevInvocation, type ProjectFunction } from '@wxhub/local-cloud';
import { median, table } from './lib/stats';

const SAMPLE = join(__dirname, '..', 'examples', 'shop-project');
const APPID = 'wx5e1f0000000a0001';

async function clientCall(url: string, name: string, data: unknown): Promise<void> {
  const response = await fetch(`${url}/client/callFunction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid: APPID, name, data, openid: 'oBenchUser0001' }),
  });
  if (response.status !== 200) throw new Error(`call failed: ${response.status} ${await response.text()}`);
}

async function startToFirstCall(project: string): Promise<number> {
  const started = performance.now();
  const server = await startWechatDevServer({ projects: [project], port: 0, watch: false, triggers: { intervalMs: 0 }, install: { skip: true } });
  try {
    await clientCall(server.urls.root, 'notify', { orderId: 'bench', openid: 'oBenchUser0001' });
    return performance.now() - started;
  } finally {
    await server.stop();
  }
}

async function bareCloud(): Promise<number> {
  const started = performance.now();
  const cloud = await LocalCloud.start({ apps: [{ name: 'bare', appid: APPID, secret: 'bench-secret-0000', envId: 'bare-env' }] });
  try {
    await (await fetch(`${cloud.url}/cgi-bin/get_api_domain_ip`)).text();
    return performance.now() - started;
  } finally {
    await cloud.stop();
  }
}

/** The first call's own duration (as the invocation line shows it), with or without the warm instance. */
async function firstCall(project: string, prewarm: boolean): Promise<number> {
  const server = await startWechatDevServer({ projects: [project], port: 0, watch: false, prewarm, triggers: { intervalMs: 0 }, install: { skip: true } });
  try {
    await server.warm;
    const seen = new Promise<DevInvocation>((resolve) => server.events.once('invocation', resolve));
    await clientCall(server.urls.root, 'notify', { orderId: 'bench', openid: 'oBenchUser0001' });
    const invocation = await seen;
    if (invocation.coldStart === prewarm) throw new Error(`expected a ${prewarm ? 'warm' : 'cold'} first call`);
    return invocation.durationMs;
  } finally {
    await server.stop();
  }
}

export async function benchWxhubDev(runs: number): Promise<void> {
  const project = mkdtempSync(join(tmpdir(), 'wxhub-bench-shop-'));
  try {
    cpSync(SAMPLE, project, { recursive: true, filter: (source) => !source.includes('node_modules') });
    const install = join(project, 'cloudfunctions', 'notify');
    // A loaded machine's cold start may pass WeChat's default 3 s, which would time the cold call out: 20 s here.
    writeFileSync(join(install, 'config.json'), JSON.stringify({ timeout: 20, permissions: { openapi: ['subscribeMessage.send'] } }));
    const fn: ProjectFunction = { name: 'notify', dir: install, entry: join(install, 'index.js'), dependencies: { 'wx-server-sdk': '4.0.2' } };
    const fresh = await ensureDependencies(fn);
    if (fresh.status !== 'installed') throw new Error(`notify's dependencies: ${fresh.status} ${fresh.message ?? ''}`);
    const cached = await ensureDependencies(fn);
    for (const name of ['addOrder', 'dailyReport']) {
      const dir = join(project, 'cloudfunctions', name);
      await ensureDependencies({ name, dir, entry: join(dir, 'index.js'), dependencies: { 'wx-server-sdk': '4.0.2' } });
    }

    console.log(`\n9. wxhub dev on a copy of examples/shop-project (median of ${runs})`);
    const start: number[] = [];
    const bare: number[] = [];
    const warm: number[] = [];
    const cold: number[] = [];
    for (let round = 0; round < runs; round++) {
      bare.push(await bareCloud());
      start.push(await startToFirstCall(project));
      warm.push(await firstCall(project, true));
      cold.push(await firstCall(project, false));
    }
    const [startMs, bareMs, warmMs, coldMs] = [median(start), median(bare), median(warm), median(cold)];
    table([
      ['figure', 'ms', 'baseline ms', 'ratio'],
      ['a. start → first answered call', startMs.toFixed(1), bareMs.toFixed(1), (startMs / bareMs).toFixed(1)],
      ['b. first call after start, warm (baseline: cold)', warmMs.toFixed(1), coldMs.toFixed(1), (warmMs / coldMs).toFixed(3)],
      [
        'c. dependency install, wxhub cached (baseline: npm)',
        cached.durationMs.toFixed(1),
        fresh.durationMs.toFixed(1),
        (cached.durationMs / fresh.durationMs).toFixed(4),
      ],
    ]);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchWxhubDev(Number(process.env.BENCH_DEV_RUNS ?? 3)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
