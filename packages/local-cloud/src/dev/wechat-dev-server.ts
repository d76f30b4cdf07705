import { EventEmitter } from 'node:events';
import type { LocalCloud } from '../local-cloud';
import type { TriggerScheduler } from '../triggers';
import { startWechatProjectCloud, type DeployedFunction, type WechatProjectCloud, type WechatProjectsOptions } from '../wechat-project/wechat-project-cloud';
import { devServerUrls, type DevServerUrls } from './dev-server';
import { devTriggers, mountDevSurfaces, type DevTriggerOptions } from './dev-surfaces';
import { invocationFeed, type DevInvocation } from './invocation-feed';
import { RebuildQueue } from './rebuild-queue';
import { SourceWatcher } from './source-watcher';

export interface WechatDevServerOptions extends WechatProjectsOptions {
  /** Redeploy a function when its files change (default true). */
  readonly watch?: boolean;
  readonly debounceMs?: number;
  /** Start one instance per function at start and after each redeploy, so the first call is warm (default true). */
  readonly prewarm?: boolean;
  readonly triggers?: DevTriggerOptions;
}

/**
 * Events of `WechatDevServer.events`:
 * - `invocation` (DevInvocation) after every call;
 * - `redeploy` ({ function: DeployedFunction } | { key, error }) after a file change;
 * - `trigger-run` (TriggerRun); `warning` (string).
 */
export interface WechatDevServer {
  readonly project: WechatProjectCloud;
  readonly cloud: LocalCloud;
  readonly scheduler: TriggerScheduler;
  readonly urls: DevServerUrls;
  readonly events: EventEmitter;
  /** Resolves once every function's warm instance is up (or failed to start). */
  readonly warm: Promise<void>;
  readonly warnings: readonly string[];
  stop(): Promise<void>;
}

/**
 * `wxhub dev` on WeChat devtools projects: their functions on a local cloud (see
 * startWechatProjectCloud), the client-call endpoint and admin API on the same port, timer
 * triggers on schedule, a warm instance per function, a function redeployed when its files change,
 * and an event per invocation for the terminal.
 */
export async function startWechatDevServer(options: WechatDevServerOptions): Promise<WechatDevServer> {
  const project = await startWechatProjectCloud(options);
  const { cloud } = project;
  const events = new EventEmitter();
  const warnings: string[] = [];
  const triggers = devTriggers(cloud, events, warnings, options.triggers, options.clock);
  const { scheduler } = triggers;
  const schedule = (fn: DeployedFunction): void => triggers.scheduleOrWarn({ envId: fn.envIds[0] as string, name: fn.name, dir: fn.dir, label: fn.key }, true);
  for (const fn of project.functions()) schedule(fn);

  const appOfEnv = new Map<string, string>();
  for (const loaded of project.projects) for (const envId of loaded.envIds) if (!appOfEnv.has(envId)) appOfEnv.set(envId, loaded.app.name);
  // Environments named in the code belong to the project that names them, not to an app of their own.
  invocationFeed(cloud, (invocation: DevInvocation) => events.emit('invocation', { ...invocation, app: appOfEnv.get(invocation.envId) ?? invocation.app }));

  // Pages' database and storage requests run under each environment's permissions (default: WeChat's defaults).
  mountDevSurfaces(cloud, {
    scheduler,
    functions: () => project.functions().flatMap((fn) => fn.envIds.map((envId) => ({ envId, name: fn.name }))),
  });

  const prewarm = (fn: DeployedFunction): Promise<void> =>
    options.prewarm === false ? Promise.resolve() : cloud.functions.prewarm(fn.envIds[0] as string, fn.name).then(() => undefined);
  const warm = Promise.all(project.functions().map(prewarm)).then(() => undefined);

  // The same queue as the repository's dev server (one redeploy at a time; changes arriving
  // meanwhile go together into the next), with nothing to build: a project's functions run from their folders.
  const queue = new RebuildQueue({
    build: () => Promise.resolve(),
    deploy: async (key) => {
      try {
        const fn = await project.redeploy(key);
        schedule(fn);
        await prewarm(fn);
        events.emit('redeploy', { function: fn });
      } catch (error) {
        events.emit('redeploy', { key, error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    },
    // Each function's outcome is its own `redeploy` event (above), the shape the CLI prints.
    onResult: () => undefined,
  });
  const watcher =
    options.watch === false
      ? undefined
      : new SourceWatcher({
          targets: project.functions().map((fn) => ({ dir: fn.dir, recursive: true, functions: [fn.key] })),
          debounceMs: options.debounceMs,
          onChange: (keys) => void queue.request(keys),
          onError: (dir, error) => events.emit('warning', `stopped watching ${dir}: ${error.message}`),
        });

  triggers.start();
  const urls = devServerUrls(cloud);
  let stopping: Promise<void> | undefined;
  return {
    project,
    cloud,
    scheduler,
    urls,
    events,
    warm,
    warnings,
    stop: () =>
      (stopping ??= (async () => {
        watcher?.close();
        const runs = scheduler.stop();
        await queue.idle();
        await cloud.stop();
        await runs;
      })()),
  };
}
