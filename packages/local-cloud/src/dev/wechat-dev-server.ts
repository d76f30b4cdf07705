import { EventEmitter } from 'node:events';
import { AdminApi } from '../admin-api';
import { ClientCallApi, ClientDatabaseApi, ClientStorageApi } from '../client-api';
import { consoleService } from '../console';
import type { LocalCloud } from '../local-cloud';
import { TriggerScheduler, type CronOptions, type TriggerRun } from '../triggers';
import { startWechatProjectCloud, type DeployedFunction, type WechatProjectCloud, type WechatProjectsOptions } from '../wechat-project/wechat-project-cloud';
import { devServerUrls, type DevServerUrls } from './dev-server';
import { invocationFeed, type DevInvocation } from './invocation-feed';
import { SourceWatcher } from './source-watcher';

export interface WechatDevServerOptions extends WechatProjectsOptions {
  /** Redeploy a function when its files change (default true). */
  readonly watch?: boolean;
  readonly debounceMs?: number;
  /** Start one instance per function at start and after each redeploy, so the first call is warm (default true). */
  readonly prewarm?: boolean;
  readonly triggers?: { readonly intervalMs?: number; readonly cron?: CronOptions };
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
  const scheduler = new TriggerScheduler({ runtime: cloud.functions, clock: options.clock, cron: options.triggers?.cron });
  scheduler.onRun((run: TriggerRun) => events.emit('trigger-run', run));
  const schedule = (fn: DeployedFunction): void => {
    try {
      scheduler.register({ envId: fn.envIds[0] as string, name: fn.name, dir: fn.dir });
    } catch (error) {
      warnings.push(`function ${fn.key}: its timer trigger is not scheduled: ${(error as Error).message}`);
      events.emit('warning', warnings[warnings.length - 1]);
    }
  };
  for (const fn of project.functions()) schedule(fn);

  const appOfEnv = new Map<string, string>();
  for (const loaded of project.projects) for (const envId of loaded.envIds) if (!appOfEnv.has(envId)) appOfEnv.set(envId, loaded.app.name);
  // Environments named in the code belong to the project that names them, not to an app of their own.
  invocationFeed(cloud, (invocation: DevInvocation) => events.emit('invocation', { ...invocation, app: appOfEnv.get(invocation.envId) ?? invocation.app }));

  cloud.mount(consoleService());
  cloud.mount(new ClientCallApi({ apps: cloud.apps, runtime: cloud.functions }).service);
  // Pages' database and storage requests, under the permissions of each environment (default: WeChat's defaults).
  cloud.mount(new ClientDatabaseApi({ apps: cloud.apps, backend: cloud.backend, permissions: cloud.permissions, clock: cloud.clock }).service);
  cloud.mount(new ClientStorageApi({ apps: cloud.apps, storage: cloud.storage, permissions: cloud.permissions, clock: cloud.clock }).service);
  cloud.mount(
    new AdminApi({
      cloud,
      scheduler,
      functions: () => project.functions().flatMap((fn) => fn.envIds.map((envId) => ({ envId, name: fn.name }))),
    }).service,
  );

  const prewarm = (fn: DeployedFunction): Promise<void> =>
    options.prewarm === false ? Promise.resolve() : cloud.functions.prewarm(fn.envIds[0] as string, fn.name).then(() => undefined);
  const warm = Promise.all(project.functions().map(prewarm)).then(() => undefined);

  let redeploying = Promise.resolve();
  const watcher =
    options.watch === false
      ? undefined
      : new SourceWatcher({
          targets: project.functions().map((fn) => ({ dir: fn.dir, recursive: true, functions: [fn.key] })),
          debounceMs: options.debounceMs,
          onChange: (keys) => {
            // One redeploy at a time, in the order the changes came.
            redeploying = redeploying.then(async () => {
              for (const key of keys) {
                try {
                  const fn = await project.redeploy(key);
                  schedule(fn);
                  await prewarm(fn);
                  events.emit('redeploy', { function: fn });
                } catch (error) {
                  events.emit('redeploy', { key, error: error instanceof Error ? error.message : String(error) });
                }
              }
            });
          },
          onError: (dir, error) => events.emit('warning', `stopped watching ${dir}: ${error.message}`),
        });

  const intervalMs = options.triggers?.intervalMs ?? 1000;
  if (intervalMs > 0) scheduler.start(intervalMs);
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
        await redeploying;
        await cloud.stop();
        await runs;
      })()),
  };
}
