/**
 * `pnpm bench`: figures for the built cloud functions, each next to a baseline measured in the
 * same run (absolute times vary by machine; the ratios are what to compare across runs).
 *   1. bundle sizes;
 *   2. cold start: requiring each bundle in a fresh Node process, against requiring
 *      wx-server-sdk alone, on WeChat's runtimes (16.13, 18.15) and the local Node;
 *   3. a warm `api` call per transport (B → invokecloudfunction → A's users_add; B → cross-account
 *      sharing → A's users_add) against calling A's users_add directly, on the local cloud;
 *   4, 5. the local cloud's database and function starts (bench/local-cloud.ts);
 *   6. 200 concurrent cold `api` calls against a warm single one (bench/cold-storm.ts);
 *   7, 8. the token storm (bench/storm): crash, hang, outage, force budget;
 *   9. `wxhub dev` on a WeChat project (bench/wxhub-dev.ts);
 *   10. the console: first load (ms, bytes) and a page switch in a 10,000-document collection (bench/console.ts);
 *   11. `wxhub --version` in a user's project, plain and through npx, against node and npx floors (bench/cli-start.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { clientInvocation, defaultNodePath, sdkProcessEnv, startProjectCloud } from '@wxhub/local-cloud';
import { performance } from 'node:perf_hooks';
import { median, table } from './lib/stats';
import { benchCliStart } from './cli-start';
import { benchColdStorm } from './cold-storm';
import { benchConsole } from './console';
import { benchLocalCloud } from './local-cloud';
import { benchTokenStorm } from './storm/storm';
import { benchWxhubDev } from './wxhub-dev';

const root = join(__dirname, '..');
const built = join(root, 'build', 'cloudfunctions');
const functions = readdirSync(built).filter((name) => statSync(join(built, name)).isDirectory());

function nodeRuntimes(): Array<[string, string]> {
  const source = `const m = await import(${JSON.stringify(join(root, 'scripts', 'node-runtimes.mjs'))}); process.stdout.write(JSON.stringify(m.wechatNodeBinaries()));`;
  const wechat = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8' })) as Record<string, string>;
  return [...Object.entries(wechat), [process.version.slice(1), process.execPath]];
}

/** Milliseconds a fresh process spends in require(target). */
function requireTime(node: string, target: string): number {
  const env = {
    ...sdkProcessEnv({ backendUrl: 'http://127.0.0.1:9/sdk-backend', envId: 'bench-env' }),
    NODE_PATH: defaultNodePath() ?? '',
    PATH: process.env.PATH ?? '',
  };
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(target)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  return Number(execFileSync(node, ['-e', script], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
}

function bundleSizes(): void {
  console.log('\n1. bundle sizes (build/cloudfunctions/*/index.js)');
  table([
    ['function', 'bytes', 'KiB'],
    ...functions.map((name) => {
      const bytes = statSync(join(built, name, 'index.js')).size;
      return [name, String(bytes), (bytes / 1024).toFixed(1)];
    }),
  ]);
}

function coldStart(runs: number): void {
  console.log(`\n2. cold start: require() in a fresh process, median of ${runs}, ratio to require('wx-server-sdk') alone`);
  const targets: Array<[string, string]> = [
    ['wx-server-sdk alone', 'wx-server-sdk'],
    ...functions.map((name): [string, string] => [name, join(built, name, 'index.js')]),
  ];
  for (const [version, binary] of nodeRuntimes()) {
    // Interleaved rounds, so drift in the machine's load touches baseline and bundles alike.
    const samples = targets.map((): number[] => []);
    for (let round = 0; round < runs; round++) targets.forEach(([, target], i) => samples[i]!.push(requireTime(binary, target)));
    const medians = samples.map(median);
    const baseline = medians[0]!;
    table([['Node ' + version, 'ms', 'ratio'], ...targets.map(([label], i) => [label, medians[i]!.toFixed(1), (medians[i]! / baseline).toFixed(2)])]);
  }
}

async function warmCall(calls: number): Promise<void> {
  const { cloud, config } = await startProjectCloud({ root, runtime: { idleCheckIntervalMs: 0 } });
  const A = config.apps.A!;
  const B = config.apps.B!;
  const user = { name: 'bench', age: 30, sex: 'female', tel: '13900139000' };
  // The same built api a second time in B, on the shared transport (cross-account sharing), so
  // both transports run side by side and their calls can be interleaved.
  cloud.functions.register({
    envId: B.envId,
    name: 'api_shared',
    dir: join(built, 'api'),
    backendUrl: cloud.sdkBackendUrl,
    env: { ...config.functions.api!.env, API_TRANSPORT: 'shared', WECHAT_API_BASE: cloud.wechatApiBase, BAIDU_API_BASE: cloud.baiduApiBase },
  });
  try {
    const caller = { openid: 'oBench000001' };
    const paths: Array<[string, () => Promise<unknown>]> = [
      [
        "A's users_add called directly",
        () => cloud.functions.invoke({ envId: A.envId, name: 'users_add', event: { ...user, ...caller }, caller: { appid: A.appid } }),
      ],
      [
        "B's api, transport http (invokecloudfunction, A's token cached)",
        () => cloud.functions.invoke({ envId: B.envId, name: 'api', ...clientInvocation(B.appid, { func: 'users_add', data: user }, caller) }),
      ],
      [
        "B's api, transport shared (init + callFunction per call)",
        () => cloud.functions.invoke({ envId: B.envId, name: 'api_shared', ...clientInvocation(B.appid, { func: 'users_add', data: user }, caller) }),
      ],
    ];
    // Warm every path (instances started, token cached, cloudbase_auth warm, user stored: every
    // call then takes the same -2001 path through the same queries). A cold start on a loaded
    // machine can pass a function's time limit (the bundle loads inside it): warming retries.
    for (let i = 0; i < 5; i++) for (const [, call] of paths) await call().catch(() => undefined);
    // Interleaved rounds, so drift in the machine's load touches baseline and transports alike.
    const samples = paths.map((): number[] => []);
    for (let round = 0; round < calls; round++) {
      for (const [i, [, call]] of paths.entries()) {
        const start = performance.now();
        await call();
        samples[i]!.push(performance.now() - start);
      }
    }
    const medians = samples.map(median);
    const directMs = medians[0]!;
    console.log(`\n3. warm call per transport, median of ${calls} interleaved rounds on the local cloud (local Node); ratio to the direct call`);
    table([
      ['path', 'ms', 'ratio', 'added by api (ms)'],
      ...paths.map(([label], i) => [label, medians[i]!.toFixed(2), (medians[i]! / directMs).toFixed(2), i === 0 ? '' : (medians[i]! - directMs).toFixed(2)]),
    ]);
  } finally {
    await cloud.stop();
  }
}

async function main(): Promise<void> {
  console.log(`wxhub bench — ${new Date().toISOString()} — Node ${process.version}, ${process.platform} ${process.arch}`);
  // BENCH_ONLY=sizes,cold,warm,local,cold-storm,storm,dev,console,cli runs some sections (all by default).
  const only = new Set((process.env.BENCH_ONLY ?? 'sizes,cold,warm,local,cold-storm,storm,dev,console,cli').split(',').map((part) => part.trim()));
  if (only.has('sizes')) bundleSizes();
  if (only.has('cold')) coldStart(Number(process.env.BENCH_COLD_RUNS ?? 11));
  if (only.has('warm')) await warmCall(Number(process.env.BENCH_WARM_CALLS ?? 200));
  if (only.has('local')) await benchLocalCloud();
  if (only.has('cold-storm'))
    await benchColdStorm(
      Number(process.env.BENCH_STORM_CALLS ?? 200),
      Number(process.env.BENCH_STORM_WARM_CALLS ?? 21),
      process.env.BENCH_STORM_CAP ? Number(process.env.BENCH_STORM_CAP) : undefined,
    );
  if (only.has('storm')) await benchTokenStorm();
  if (only.has('dev')) await benchWxhubDev(Number(process.env.BENCH_DEV_RUNS ?? 3));
  if (only.has('console')) await benchConsole();
  if (only.has('cli')) await benchCliStart(Number(process.env.BENCH_CLI_RUNS ?? 11));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
