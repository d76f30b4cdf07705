/**
 * `pnpm bench`, section 6: N concurrent calls of B's `api` on a fresh local cloud (every
 * instance cold), through the client-call endpoint as pages would make them, against a warm
 * single call measured afterwards in the same run. Prints how many were answered (any reply of
 * the function, as opposed to the platform failing the call), how many succeeded, the wall
 * time and the p50/p99 of each call as ratios to the warm call, and what the runtime's log says
 * the calls spent queued, starting instances and executing.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClientCallApi, defaultInstanceCap, startProjectCloud, type ClientCallRequest, type FunctionLogEntry } from '@wxhub/local-cloud';
import { median, table } from './lib/stats';

const root = join(__dirname, '..');
const user = { name: 'bench', age: 30, sex: 'female', tel: '13900139000' };

interface Outcome {
  readonly ms: number;
  /** 'ok', the function's own errcode, or the platform's failure (`HTTP 502 -504003`). */
  readonly kind: string;
  readonly answered: boolean;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function clientCall(url: string, request: ClientCallRequest): Promise<Outcome> {
  const start = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    const body = (await response.json()) as { result?: { errcode?: unknown; data?: { errcode?: unknown } }; errMsg?: string };
    const ms = performance.now() - start;
    if (response.status !== 200) {
      const code = /error code (-?\d+)/.exec(body.errMsg ?? '')?.[1] ?? '?';
      return { ms, kind: `HTTP ${response.status} ${code}`, answered: false };
    }
    const outer = body.result?.errcode;
    const inner = body.result?.data?.errcode;
    return { ms, kind: outer === 0 && inner === 0 ? 'ok' : `errcode ${String(outer)}/${String(inner)}`, answered: true };
  } catch (error) {
    return { ms: performance.now() - start, kind: `no reply (${error instanceof Error ? error.message : String(error)})`, answered: false };
  }
}

/** Queued / Init Duration / Duration of each REPORT line of the function's log. */
function reports(lines: readonly FunctionLogEntry[]): { queued: number[]; init: number[]; execution: number[] } {
  const out = { queued: [] as number[], init: [] as number[], execution: [] as number[] };
  for (const { message } of lines) {
    const match = /^REPORT RequestId: \S+ Duration: ([\d.]+) ms Queued: ([\d.]+) ms(?: Init Duration: ([\d.]+) ms)?$/.exec(message);
    if (!match) continue;
    out.execution.push(Number(match[1]));
    out.queued.push(Number(match[2]));
    if (match[3] !== undefined) out.init.push(Number(match[3]));
  }
  return out;
}

/** `cap`: instances per function (the runtime's default, sized to the machine, when absent). */
export async function benchColdStorm(concurrent: number, warmCalls: number, cap?: number): Promise<void> {
  const { cloud, config } = await startProjectCloud({ root, runtime: { idleCheckIntervalMs: 0, ...(cap ? { maxInstancesPerFunction: cap } : {}) } });
  cloud.mount(new ClientCallApi({ apps: cloud.apps, runtime: cloud.functions }).service);
  const B = config.apps.B!;
  const url = `${cloud.url}${ClientCallApi.PREFIX}/callFunction`;
  const request = (openid: string): ClientCallRequest => ({ app: 'B', name: 'api', data: { func: 'users_add', data: user }, openid });
  try {
    const wallStart = performance.now();
    const storm = await Promise.all(Array.from({ length: concurrent }, (_unused, i) => clientCall(url, request(`oB_storm_${String(i).padStart(4, '0')}`))));
    const wallMs = performance.now() - wallStart;
    const stormLog = reports(cloud.functions.logs(B.envId, 'api'));

    // Warm now: the same call, one at a time (each a new user, so each takes the same path).
    const warm: number[] = [];
    for (let i = 0; i < warmCalls; i++) warm.push((await clientCall(url, request(`oB_warm_${String(i).padStart(4, '0')}`))).ms);
    const warmMs = median(warm);

    const kinds = new Map<string, number>();
    for (const outcome of storm) kinds.set(outcome.kind, (kinds.get(outcome.kind) ?? 0) + 1);
    const times = storm.map((outcome) => outcome.ms);
    const ratio = (ms: number): string => (ms / warmMs).toFixed(1);
    console.log(
      `\n6. ${concurrent} concurrent cold calls of B's api (→ A's users_add) through the client-call endpoint, instance cap ${cap ?? defaultInstanceCap()} per function; ratio to a warm single call (median of ${warmCalls}, same run)`,
    );
    table([
      ['', 'ms', 'ratio'],
      ['warm single call (baseline)', warmMs.toFixed(1), '1.0'],
      [`wall time, all ${concurrent}`, wallMs.toFixed(0), ratio(wallMs)],
      ['p50 of a call', percentile(times, 50).toFixed(0), ratio(percentile(times, 50))],
      ['p99 of a call', percentile(times, 99).toFixed(0), ratio(percentile(times, 99))],
      ['api log: p50 / p99 queued', `${percentile(stormLog.queued, 50).toFixed(0)} / ${percentile(stormLog.queued, 99).toFixed(0)}`, ''],
      [
        'api log: p50 / p99 execution (what the time limit counts)',
        `${percentile(stormLog.execution, 50).toFixed(0)} / ${percentile(stormLog.execution, 99).toFixed(0)}`,
        '',
      ],
      ['api log: init of each cold start', stormLog.init.map((ms) => ms.toFixed(0)).join(', '), ''],
    ]);
    const answered = storm.filter((outcome) => outcome.answered).length;
    console.log(`  answered ${answered} of ${concurrent}; outcomes: ${[...kinds].map(([kind, count]) => `${kind} × ${count}`).join(', ')}`);
  } finally {
    await cloud.stop();
  }
}

// `tsx bench/cold-storm.ts [calls] [warm calls] [cap]`: this section alone (after `pnpm build`).
if (require.main === module) {
  benchColdStorm(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 21), process.argv[4] ? Number(process.argv[4]) : undefined).catch(
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
