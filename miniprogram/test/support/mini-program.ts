import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProjectCloud, type ProjectCloud } from '@wxhub/local-cloud';
import { loadProjectConfig, requiredPermissions, type AppSettings, type ProjectConfig } from '@wxhub/project-config';
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
export async function startMiniProgram(
  openid: string,
  options: { readonly config?: (config: ProjectConfig) => ProjectConfig } = {},
): Promise<MiniProgramUnderTest> {
  const missing = PAGE_FUNCTIONS.filter((name) => !existsSync(join(BUILT_FUNCTIONS, name, 'index.js')));
  if (missing.length > 0) throw new Error(`cloud functions not built (${missing.join(', ')}): run \`pnpm build\` (pnpm test does it first)`);
  const loaded = loadProjectConfig({ root: REPO_ROOT, mode: 'local' });
  const project = await startProjectCloud({ root: REPO_ROOT, config: options.config ? options.config(loaded) : loaded, runtime: { idleCheckIntervalMs: 0 } });
  // The collections pages use directly exist, as after the console step the deploy lists (create, then set the permission).
  for (const required of requiredPermissions(project.config)) {
    const database = project.cloud.backend.database(required.envId);
    if (required.usedBy.some((user) => user.startsWith('miniprogram/')) && !database.hasCollection(required.collection))
      database.createCollection(required.collection);
  }
  const A = project.config.apps.A;
  const app = builtEnvApp(project.config);
  const B = project.config.apps[app];
  if (!A || !B) throw new Error('the project configuration must define apps A and B');
  // A's users_add is started before the first call of api goes out: api calls it, and started
  // inside that call, its cold start on a loaded machine would outlast api's budget for the nested
  // call (the page would show "service down"). Starting it is the platform's set-up, not the call.
  const warm = (name: string) => (name === 'api' ? project.cloud.functions.provision(A.envId, 'users_add', 1) : Promise.resolve());
  const cloud = LocalWxCloud.forProject(project, { app, openid, beforeFirstCall: warm });
  cloud.install(simulatedWx());
  launchApp();
  const init = cloud.initOptions;
  if (!init) throw new Error('app.ts did not call wx.cloud.init on launch');
  return { project, cloud, A, B, launch: { env: init.env, traceUser: init.traceUser }, stop: () => project.cloud.stop() };
}

/**
 * The app whose environment `pnpm build` wrote into miniprogram/env.js (the file app.ts reads),
 * checked against the configuration the local cloud started from: the pages run on what the
 * build produced, and stale output fails here with the command that renews it.
 */
function builtEnvApp(config: ProjectConfig): string {
  const file = join(MINIPROGRAM_ROOT, 'env.js');
  const stale = `run \`pnpm build\` (pnpm test does it first) to write it from ${config.source}`;
  if (!existsSync(file)) throw new Error(`${file} is missing: ${stale}`);
  const env = /CLOUD_ENV: ("[^"]*"), APPID: ("[^"]*")/.exec(readFileSync(file, 'utf8'));
  const [envId, appid] = env ? [JSON.parse(env[1] as string) as string, JSON.parse(env[2] as string) as string] : [];
  const app = Object.entries(config.apps).find(([, settings]) => settings.appid === appid && settings.envId === envId)?.[0];
  if (!app) throw new Error(`${file} names no app of the configuration (appid ${String(appid)}, env ${String(envId)}): ${stale}`);
  return app;
}

/** Runs app.ts (or another mini program's app.js, in `root`) as WeChat does on launch: `App(options)`, then `onLaunch`. */
export function launchApp(root: string = MINIPROGRAM_ROOT, path = 'pages/register/index'): AppOptions {
  let registered: AppOptions | undefined;
  (globalThis as { App?: unknown }).App = (options: AppOptions) => {
    registered = options;
  };
  jest.isolateModules(() => {
    require(join(root, 'app'));
  });
  if (!registered) throw new Error('app.ts did not call App()');
  registered.onLaunch?.({ path, scene: 1001, query: {} });
  return registered;
}
