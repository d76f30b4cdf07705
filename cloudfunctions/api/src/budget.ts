import { existsSync, readFileSync } from 'fs';
import * as path from 'path';

/** WeChat's time limit for a function whose config.json sets none. */
const DEFAULT_TIMEOUT_MS = 3_000;

/**
 * The function's `timeout` (seconds, as WeChat's config.json writes it) in ms. The bundle is
 * deployed beside its config.json (WeChat uploads the function's folder; the local cloud runs
 * the built folder), so `dir` is the bundle's own directory.
 */
export function functionTimeoutMs(dir: string): number {
  // Beside the bundle (deployed), or one up from src/ (running from source).
  const file = [path.join(dir, 'config.json'), path.join(dir, '..', 'config.json')].find((candidate) => existsSync(candidate));
  if (file === undefined) return DEFAULT_TIMEOUT_MS;
  const timeout = (JSON.parse(readFileSync(file, 'utf8')) as { timeout?: unknown }).timeout;
  return typeof timeout === 'number' && timeout > 0 && Number.isFinite(timeout) ? timeout * 1000 : DEFAULT_TIMEOUT_MS;
}

/** How one invocation shares out the function's time limit (all in ms). */
export interface ApiBudget {
  readonly functionTimeoutMs: number;
  /** Everything (token, upstream call, the retry after a rejected token) ends within this. */
  readonly totalMs: number;
  /** A caller waits this long at most for another instance's token refresh. */
  readonly tokenWaitMs: number;
  /** One request to the token endpoint. */
  readonly tokenRequestMs: number;
  /** One `tcb/invokecloudfunction` request. */
  readonly upstreamRequestMs: number;
}

/**
 * Fits the token acquisition and the upstream call inside the function's timeout with a
 * margin for the answer to travel (15 %, at least 1 s), so the page always gets a clear -3001
 * before the platform kills the function. Waiting for a token may take most of it (a takeover
 * after a crashed holder needs one lease, 3 s, plus a fetch; a stale-but-valid token is served
 * after 1 s anyway); the overall deadline, not the sum of the parts, is what keeps the answer
 * inside the timeout. One upstream request gets what the operator allows (`upstreamTimeoutMs`;
 * A's function has 5 s of its own), cut to the total.
 */
export function planBudget(timeoutMs: number, upstreamTimeoutMs: number): ApiBudget {
  const totalMs = Math.max(500, timeoutMs - Math.max(1_000, Math.round(timeoutMs * 0.15)));
  const tokenWaitMs = Math.max(250, totalMs - 2_000);
  return {
    functionTimeoutMs: timeoutMs,
    totalMs,
    tokenWaitMs,
    tokenRequestMs: Math.min(tokenWaitMs, 5_000),
    upstreamRequestMs: Math.min(upstreamTimeoutMs, totalMs),
  };
}
