import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startProjectCloud, type ProjectCloud } from '@wxhub/local-cloud';
import type { AppSettings } from '@wxhub/project-config';
import { miniprogramTarget, writeMiniprogramEnv, MINIPROGRAM_APP } from '../../../scripts/lib/deploy/miniprogram-env';
import { MINIPROGRAM_ROOT, simulatedWx } from './simulate';
import { LocalWxCloud } from './wx-cloud';

export const REPO_ROOT = join(MINIPROGRAM_ROOT, '..');
const BUILT_FUNCTIONS = join(REPO_ROOT, 'build', 'cloudfunctions');
/** The functions B's pages call, and what feeds them. */
const PAGE_FUNCTIONS = ['api', 'users_add', 'token_status', 'ocr', 'refresh_tokens'];

export interface MiniProgramUnderTest {
  readonly project: ProjectCloud;
  /** What the pages' `wx.cloud` is. */
  readonly cloud: LocalWxCloud;
  readonly A: AppSettings;
  readonly B: AppSettings;
  /** What app.ts passed to `wx.cloud.init` when the mini program launched. */
  readonly launch: { readonly env: unknown; readonly traceUser: unknown };
  stop(): Promise<void>;
}

interface AppOptions {
  onLaunch?: (options?: Record<string, unknown>) => void;
}

/**
 * The project's local cloud running the BUILT functions, and mini program B launched on it:
 * app.ts ran (so `wx.cloud.init` got the environment the build wrote into env.js) and every
 * page's `wx.cloud.callFunction` reaches the local cloud as user `openid` of B.
 */
export async function startMiniProgram(openid: string): Promise<MiniProgramUnderTest> {
  const missing = PAGE_FUNCTIONS.filter((name) => !existsSync(join(BUILT_FUNCTIONS, name, 'index.js')));
  if (missing.length > 0) throw new Error(`cloud functions not built (${missing.join(', ')}): run \`pnpm build\` (pnpm test does it first)`);
  const project = await startProjectCloud({ root: REPO_ROOT, runtime: { idleCheckIntervalMs: 0 } });
  const A = project.config.apps.A;
  const B = project.config.apps[MINIPROGRAM_APP];
  if (!A || !B) throw new Error('the project configuration must define apps A and B');
  // The build writes env.js the same way; doing it here keeps a test run independent of stale output.
  writeMiniprogramEnv(REPO_ROOT, miniprogramTarget(project.config));
  const cloud = new LocalWxCloud(project, { app: MINIPROGRAM_APP, openid });
  cloud.install(simulatedWx());
  launchApp();
  const init = cloud.initOptions;
  if (!init) throw new Error('app.ts did not call wx.cloud.init on launch');
  return { project, cloud, A, B, launch: { env: init.env, traceUser: init.traceUser }, stop: () => project.cloud.stop() };
}

/** Runs app.ts as WeChat does on launch: `App(options)`, then `onLaunch`. */
export function launchApp(): AppOptions {
  let registered: AppOptions | undefined;
  (globalThis as { App?: unknown }).App = (options: AppOptions) => {
    registered = options;
  };
  jest.isolateModules(() => {
    require(join(MINIPROGRAM_ROOT, 'app'));
  });
  if (!registered) throw new Error('app.ts did not call App()');
  registered.onLaunch?.({ path: 'pages/register/index', scene: 1001, query: {} });
  return registered;
}
