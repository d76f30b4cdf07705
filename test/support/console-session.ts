import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ManualClock } from '@wxhub/core';
import { CONSOLE_DIST_DIR, clientInvocation, startDevServer, type DevServer } from '@wxhub/local-cloud';
import { BUILT_FUNCTIONS } from './project';
import { REPO_ROOT } from './node-runtimes';

/** Debian's chromium (scripts/ensure-tools.mjs installs it when missing). */
export function chromiumBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is missing: run `node scripts/ensure-tools.mjs` (pnpm test does)');
  }
}

export interface ConsoleSession {
  readonly server: DevServer;
  readonly browser: Browser;
  readonly page: Page;
  readonly clock: ManualClock;
  /** Every response the page received (URL and text), server-sent event streams aside. */
  readonly responses: Array<{ readonly url: string; readonly text: string }>;
  /** Waits for the responses still being read. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The project's dev server (apps A and B, the BUILT functions, the admin API and the console on
 * one port, timers fired only on demand) and a headless chromium page on its console. Needs
 * `pnpm build` (the functions and the console bundle).
 */
export async function startConsoleSession(): Promise<ConsoleSession> {
  for (const file of [join(BUILT_FUNCTIONS, 'api', 'index.js'), join(CONSOLE_DIST_DIR, 'console.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm build\` (pnpm test does it first)`);
  }
  const clock = new ManualClock(Date.now());
  const server = await startDevServer({ root: REPO_ROOT, port: 0, clock, runtime: { idleCheckIntervalMs: 0 }, triggers: { intervalMs: 0 } });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumBinary(), headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const responses: Array<{ url: string; text: string }> = [];
    const reading = new Set<Promise<void>>();
    page.on('response', (response) => {
      if ((response.headers()['content-type'] ?? '').startsWith('text/event-stream')) return;
      const read = response
        .text()
        .then((text) => void responses.push({ url: response.url(), text }))
        .catch(() => undefined)
        .finally(() => reading.delete(read));
      reading.add(read);
    });
    const opened = browser;
    return {
      server,
      browser: opened,
      page,
      clock,
      responses,
      settle: async () => {
        while (reading.size > 0) await Promise.all([...reading]);
      },
      stop: async () => {
        await opened.close();
        await server.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.stop();
    throw error;
  }
}

/**
 * The README's main job on the session's cloud: users of B register through B's `api` (which
 * adds them to A's `users` via A's `users_add`), and the timer refreshes the Baidu token.
 */
export async function runDemoFlow(server: DevServer): Promise<void> {
  const { cloud, project } = server;
  const A = project.config.apps.A;
  const B = project.config.apps.B;
  if (!A || !B) throw new Error('the configuration must define apps A and B');
  const users = [
    { openid: 'oB_demo_lilei', data: { name: '李雷', age: 28, sex: 'male', tel: '13800138000' } },
    { openid: 'oB_demo_wangfang', data: { name: '王芳', age: 31, sex: 'female', tel: '13700137000' } },
  ];
  // Each function's first instance is started before the flow, with an event it refuses
  // (no caller: nothing written): a cold start on a loaded machine can outlast api's 6 s budget
  // for the nested call, and that time is the platform's, not what this flow is about.
  // Settled, not awaited as a success: a warm-up that itself outlasts its limit only costs the warmth.
  await Promise.allSettled([
    cloud.functions.invoke({ envId: A.envId, name: 'users_add', event: {} }),
    cloud.functions.invoke({ envId: B.envId, name: 'api', event: {} }),
  ]);
  for (const user of users) {
    const { result } = await cloud.functions.invoke({
      envId: B.envId,
      name: 'api',
      ...clientInvocation(B.appid, { func: 'users_add', data: user.data }, { openid: user.openid }),
    });
    if ((result as { errcode?: number }).errcode !== 0) throw new Error(`registering ${user.data.name} failed: ${JSON.stringify(result)}`);
  }
  const run = await server.scheduler.fire(B.envId, 'refresh_tokens');
  if (!run.ok) throw new Error(`the token refresh failed: ${run.error?.errMsg}`);
}
