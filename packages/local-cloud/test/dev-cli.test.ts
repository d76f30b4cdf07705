import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadProjectConfig } from '@wxhub/project-config';

const REPO_ROOT = join(__dirname, '..', '..', '..');

/** Runs a repo script with tsx, as `pnpm local-cloud` / `pnpm call` do (without the build step). */
function script(name: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join('scripts', name), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WXHUB_LOCAL_CLOUD_URL: '' },
  });
}

/** Collects a stream's text; `waitFor` resolves once the text matches. */
function collect(stream: NodeJS.ReadableStream): { text: () => string; waitFor: (pattern: RegExp) => Promise<RegExpMatchArray> } {
  let text = '';
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
    for (const waiter of [...waiters]) {
      const match = text.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  return {
    text: () => text,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const match = text.match(pattern);
        if (match) return resolve(match);
        waiters.push({ pattern, resolve });
        stream.on('end', () => reject(new Error(`stream ended without ${pattern}: ${text}`)));
      }),
  };
}

async function run(name: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = script(name, args);
  const stdout = collect(child.stdout as NodeJS.ReadableStream);
  const stderr = collect(child.stderr as NodeJS.ReadableStream);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('pnpm local-cloud and pnpm call (the scripts)', () => {
  let server: ChildProcess;
  let out: ReturnType<typeof collect>;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, 'build', 'cloudfunctions', 'api', 'index.js'))) {
      throw new Error('the cloud functions are not built: run `pnpm build` (pnpm test does it first)');
    }
    server = script('local-cloud.ts', ['--port', '0', '--no-watch']);
    out = collect(server.stdout as NodeJS.ReadableStream);
    collect(server.stderr as NodeJS.ReadableStream);
    const [, root] = await out.waitFor(/local cloud on (http:\/\/127\.0\.0\.1:\d+)/);
    url = root as string;
    await out.waitFor(/not watching sources/);
  });
  afterAll(async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await once(server, 'close');
    }
  });

  it('prints the URLs and plays a page call from the command line', async () => {
    expect(out.text()).toContain(`admin API             ${url}/admin`);
    // A's users_add started first, with a call it refuses (no user: nothing written): set-up, so
    // that its cold start on a loaded machine is not spent inside api's budget for the nested call.
    const A = loadProjectConfig({ root: REPO_ROOT, mode: 'local' }).apps.A;
    const warm = await fetch(`${url}/admin/functions/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ env: A?.envId, name: 'users_add', event: {} }),
    });
    expect(warm.status).toBe(200);
    const ok = await run('call.ts', [
      '--url',
      url,
      '--app',
      'B',
      '--openid',
      'oB_cli_1',
      'api',
      '{"func":"users_add","data":{"name":"李雷","age":28,"sex":"male","tel":"13800138000"}}',
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ errcode: 0, data: { errcode: 0, data: { _id: 'wxb0000000000000b2:oB_cli_1', openid: 'oB_cli_1' } } });
    expect(ok.stderr).toContain('cloud.callFunction:ok');
  });

  it('exits 1 with errCode/errMsg when the call fails, and 2 for a usage error', async () => {
    const failed = await run('call.ts', ['--url', url, '--app', 'B', '--openid', 'oB_cli_2', 'no_such_function']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('errCode: -404011');
    const usage = await run('call.ts', ['--url', url, 'api']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: pnpm call');
  });

  // Ctrl-C is SIGINT (SIGTERM takes the same path). `pnpm local-cloud` itself still reports a
  // Ctrl-C'd script as failed: pnpm 10 does so on purpose (pnpm/pnpm#9626); the script exits 0.
  it('stops cleanly on Ctrl-C (SIGINT): exit 0, after saying so', async () => {
    const closed = once(server, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    server.kill('SIGINT');
    const [code, signal] = await closed;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(out.text()).toMatch(/SIGINT: stopping\.\.\.\nstopped/);
  });
});
