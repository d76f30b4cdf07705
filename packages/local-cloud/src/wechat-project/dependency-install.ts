import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ProjectFunction } from './function-discovery';

/** What became of one function's dependencies. */
export interface InstallOutcome {
  readonly functionName: string;
  /**
   * `none`: no dependencies; `present`: all installed already (by the team, or by an earlier run
   * for this very package.json + lockfile: `cached`); `installed`: npm ran and succeeded;
   * `failed`: npm failed, timed out or could not start.
   */
  readonly status: 'none' | 'present' | 'cached' | 'installed' | 'failed';
  readonly durationMs: number;
  /** For `failed`: what went wrong, naming the package or registry; for `installed`: the fallback used, if any. */
  readonly message?: string;
}

export interface InstallOptions {
  /** The npm command; `npm` on PATH by default. */
  readonly npm?: string;
  /** One npm run's time limit (it is killed after); default 180 s. */
  readonly timeoutMs?: number;
  /** The environment npm runs in (e.g. npm_config_registry); process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
}

const MARKER = '.wxhub-install.json';
const DEFAULT_TIMEOUT_MS = 180_000;

/**
 * Installs a function's own `dependencies` as devtools' "云端安装依赖" does — `npm install
 * --omit=dev` in the function's folder — when any is missing. Cached: a marker in node_modules
 * records the package.json + lockfile it was installed from, so an unchanged function is not
 * reinstalled. Never hangs: npm gets short fetch timeouts and the whole run a time limit.
 *
 * Old lockfiles name mirrors that are gone and versions that were unpublished: when npm fails
 * that way and there is a lockfile, the install is retried from package.json's ranges alone
 * (`--no-package-lock`), and the outcome says so.
 */
export async function ensureDependencies(fn: ProjectFunction, options: InstallOptions = {}): Promise<InstallOutcome> {
  const started = performance.now();
  const outcome = (status: InstallOutcome['status'], message?: string): InstallOutcome => ({
    functionName: fn.name,
    status,
    durationMs: performance.now() - started,
    ...(message !== undefined ? { message } : {}),
  });
  const names = Object.keys(fn.dependencies);
  if (names.length === 0) return outcome('none');
  const stamp = installStamp(fn.dir);
  const missing = names.filter((name) => !existsSync(path.join(fn.dir, 'node_modules', name, 'package.json')));
  if (missing.length === 0) return outcome(readMarker(fn.dir) === stamp ? 'cached' : 'present');

  const lockfile = existsSync(path.join(fn.dir, 'package-lock.json'));
  const first = await runNpm(fn.dir, [], options);
  if (first.ok) {
    // npm may have written the lockfile: the stamp is of what is there now.
    writeMarker(fn.dir, installStamp(fn.dir));
    return outcome('installed');
  }
  const problem = diagnose(first.output, first.timedOut, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (lockfile && problem.lockfileMayBeStale) {
    const second = await runNpm(fn.dir, ['--no-package-lock'], options);
    if (second.ok) {
      writeMarker(fn.dir, installStamp(fn.dir));
      return outcome('installed', `${problem.text}; installed from package.json's version ranges instead of package-lock.json (fallback)`);
    }
    return outcome(
      'failed',
      `${problem.text}; the fallback without package-lock.json failed too: ${diagnose(second.output, second.timedOut, options.timeoutMs ?? DEFAULT_TIMEOUT_MS).text}`,
    );
  }
  return outcome('failed', problem.text);
}

/** package.json and the lockfile, hashed: what an install is valid for. */
function installStamp(dir: string): string {
  const hash = createHash('sha256');
  for (const name of ['package.json', 'package-lock.json']) {
    const file = path.join(dir, name);
    hash.update(name).update(existsSync(file) ? readFileSync(file) : Buffer.alloc(0));
  }
  return hash.digest('hex');
}

function readMarker(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'node_modules', MARKER), 'utf8')) as { stamp?: string }).stamp;
  } catch {
    return undefined;
  }
}

function writeMarker(dir: string, stamp: string): void {
  if (existsSync(path.join(dir, 'node_modules'))) writeFileSync(path.join(dir, 'node_modules', MARKER), JSON.stringify({ stamp }));
}

interface NpmRun {
  readonly ok: boolean;
  readonly timedOut: boolean;
  readonly output: string;
}

function runNpm(dir: string, extra: readonly string[], options: InstallOptions): Promise<NpmRun> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const args = [
    'install',
    '--omit=dev',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--fetch-timeout=20000',
    '--fetch-retries=1',
    '--loglevel=error',
    ...extra,
  ];
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    // Its own process group, so that the timeout ends npm's children (git, node-gyp) too.
    const child = spawn(options.npm ?? 'npm', args, { cwd: dir, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const collect = (chunk: Buffer): void => {
      // Only the end matters for the diagnosis; a runaway log must not grow without bound.
      output = (output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, timedOut: false, output: `could not run npm: ${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0 && !timedOut, timedOut, output });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

interface Diagnosis {
  readonly text: string;
  /** A failure a lockfile can cause (a dead mirror in `resolved`, a pinned version that is gone). */
  readonly lockfileMayBeStale: boolean;
}

/** npm's failure in one line, naming the package or registry it could not get. */
export function diagnose(output: string, timedOut: boolean, timeoutMs: number): Diagnosis {
  if (timedOut)
    return { text: `npm install did not finish within ${Math.round(timeoutMs / 1000)} s (a registry that hangs?) and was stopped`, lockfileMayBeStale: true };
  const gone =
    /No matching version found for (\S+?)\.?$/m.exec(output) ??
    /'(\S+@\S+)' is not in this registry/.exec(output) ??
    /404 Not Found - GET \S+\/(\S+?) -/.exec(output);
  if (gone) return { text: `${gone[1]} is not in the registry (a version or package that is gone)`, lockfileMayBeStale: true };
  const host =
    /(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET)\b[^\n]*?(?:(?:https?:\/\/)([^/\s:]+(?::\d+)?))/.exec(output) ??
    /request to https?:\/\/([^/\s]+)[^\n]*failed/.exec(output);
  if (host) return { text: `the registry ${host[1]} is unreachable`, lockfileMayBeStale: true };
  const code = /npm (?:ERR!|error) code (\S+)/.exec(output)?.[1];
  const last = output
    .split('\n')
    .map((line) => line.replace(/^npm (?:ERR!|error) ?/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('A complete log'))
    .slice(0, 3)
    .join(' / ');
  return { text: `npm install failed${code ? ` (${code})` : ''}: ${last || 'no output'}`, lockfileMayBeStale: false };
}
