import { EventEmitter } from 'node:events';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigError, type Clock } from '@wxhub/core';
import type { ProjectConfig } from '@wxhub/project-config';
import { AdminApi } from '../admin-api';
import { ClientCallApi } from '../client-api';
import { consoleService, consoleUrl } from '../console';
import type { LocalCloud } from '../local-cloud';
import { startProjectCloud, type ProjectCloud, type ProjectCloudOptions } from '../project/project-cloud';
import { TriggerScheduler, type CronOptions, type TriggerRun } from '../triggers';
import { persistenceTools, type DataTools } from './data-wiring';
import type { FunctionBuilder } from './function-builder';
import { RebuildQueue, type RebuildResult } from './rebuild-queue';
import { projectWatchTargets, SourceWatcher } from './source-watcher';

/** The port `pnpm local-cloud` listens on unless told otherwise (and where `pnpm call` looks). */
export const DEFAULT_DEV_PORT = 8780;

export interface DevServerOptions {
  /** The repository root: configuration, `cloudfunctions/`, `packages/`, `build/`. */
  readonly root: string;
  /** Default: the project's configuration in `local` mode. */
  readonly config?: ProjectConfig;
  /** Loopback port; 0 picks a free one. Default 0 here (the command line defaults to DEFAULT_DEV_PORT). */
  readonly port?: number;
  readonly clock?: Clock;
  readonly nodeBinary?: string;
  readonly runtime?: ProjectCloudOptions['runtime'];
  /** Built functions; default `<root>/build/cloudfunctions`. */
  readonly functionsDir?: string;
  /** Rebuild and redeploy a function when its sources change. Off when absent. */
  readonly watch?: {
    readonly builder: FunctionBuilder;
    /** Quiet time after the last change before rebuilding; default 150 ms. */
    readonly debounceMs?: number;
  };
  readonly triggers?: {
    /** Real-time period of the check for due triggers; default 1000 ms, 0 = never (call scheduler.runDue()). */
    readonly intervalMs?: number;
    readonly cron?: CronOptions;
  };
  /** `--data`, `--seed`, `--export`. */
  readonly data?: {
    /** Keep the databases in this folder (survives a restart). */
    readonly dir?: string;
    /** Seed files imported at start, each into one environment (by app name, e.g. `A`, or env id). */
    readonly seeds?: ReadonlyArray<{ readonly env: string; readonly file: string }>;
    /** On stop, every environment's data is written to `<exportDir>/<envId>.json`. */
    readonly exportDir?: string;
    /** The persistence tools; persistenceTools() by default. */
    readonly tools?: DataTools;
  };
}

export interface DevServerUrls {
  readonly root: string;
  readonly wechatApiBase: string;
  readonly baiduApiBase: string;
  readonly sdkBackendUrl: string;
  readonly clientCall: string;
  readonly admin: string;
  /** The browser console (`wxhub dev --open` opens it). */
  readonly console: string;
}

/**
 * Events of `DevServer.events`:
 * - `rebuild` (RebuildResult): after each rebuild triggered by a source change, ok or not;
 * - `trigger-run` (TriggerRun): after each timer trigger run;
 * - `warning` (string): a watch that broke (the server goes on).
 */
export interface DevServer {
  readonly project: ProjectCloud;
  readonly cloud: LocalCloud;
  readonly scheduler: TriggerScheduler;
  readonly urls: DevServerUrls;
  /** The functions deployed now (built at start or since). */
  readonly functions: readonly string[];
  /** Problems found at start that did not stop it (e.g. a timer trigger WeChat would refuse). */
  readonly warnings: readonly string[];
  readonly events: EventEmitter;
  /** Rebuilds and redeploys these functions now (what a source change does). */
  rebuild(names: readonly string[]): Promise<void>;
  /** Stops watching and firing, exports data if asked, stops the cloud. */
  stop(): Promise<void>;
}

/**
 * The project's local cloud for development: apps and functions from the configuration, the
 * client-call endpoint and the admin API on the same port, timer triggers fired on schedule,
 * and (with `watch`) a function rebuilt and redeployed when its sources change. Listens on
 * 127.0.0.1 only.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const tools = dataTools(options.data);
  const functionsDir = options.functionsDir ?? path.join(options.root, 'build', 'cloudfunctions');
  const project = await startProjectCloud({
    root: options.root,
    config: options.config,
    functionsDir,
    port: options.port ?? 0,
    clock: options.clock,
    nodeBinary: options.nodeBinary,
    runtime: options.runtime,
    dataDir: options.data?.dir,
  });
  const { cloud, config } = project;
  const events = new EventEmitter();
  const deployed = new Set(project.functions);
  const scheduler = new TriggerScheduler({ runtime: cloud.functions, clock: options.clock, cron: options.triggers?.cron });
  scheduler.onRun((run: TriggerRun) => events.emit('trigger-run', run));

  const envOf = (name: string): string => {
    const app = config.apps[config.functions[name]?.app ?? ''];
    if (!app) throw new ConfigError(`functions.${name}`, 'is not configured');
    return app.envId;
  };
  const scheduleTrigger = (name: string): void => {
    scheduler.register({ envId: envOf(name), name, dir: path.join(functionsDir, name) });
  };
  const warnings: string[] = [];
  for (const name of project.functions) {
    try {
      scheduleTrigger(name);
    } catch (error) {
      warnings.push(`function ${name}: its timer trigger is not scheduled: ${(error as Error).message}`);
    }
  }

  cloud.mount(new ClientCallApi({ apps: cloud.apps, runtime: cloud.functions }).service);
  cloud.mount(
    new AdminApi({
      cloud,
      scheduler,
      functions: () => [...deployed].sort().map((name) => ({ envId: envOf(name), name })),
      baiduClients: Object.values(config.baiduClients),
    }).service,
  );
  cloud.mount(consoleService());

  // Seeds go in before any trigger fires or rebuild redeploys.
  try {
    if (tools) await importSeeds(tools, cloud, options.data?.seeds ?? []);
  } catch (error) {
    await cloud.stop();
    throw error;
  }

  const queue = options.watch
    ? new RebuildQueue({
        build: options.watch.builder,
        // The trigger is read first: a config.json WeChat would refuse fails the deploy, as it does there.
        deploy: (name) => {
          scheduleTrigger(name);
          project.deploy(name);
          deployed.add(name);
        },
        onResult: (result: RebuildResult) => events.emit('rebuild', result),
      })
    : undefined;
  const watcher =
    options.watch && queue
      ? new SourceWatcher({
          targets: projectWatchTargets(options.root, Object.keys(config.functions)),
          debounceMs: options.watch.debounceMs,
          onChange: (names) => void queue.request(names),
          onError: (dir, error) => events.emit('warning', `stopped watching ${dir}: ${error.message}`),
        })
      : undefined;

  const intervalMs = options.triggers?.intervalMs ?? 1000;
  if (intervalMs > 0) scheduler.start(intervalMs);

  const urls: DevServerUrls = {
    root: cloud.url,
    wechatApiBase: cloud.wechatApiBase,
    baiduApiBase: cloud.baiduApiBase,
    sdkBackendUrl: cloud.sdkBackendUrl,
    clientCall: `${cloud.url}${ClientCallApi.PREFIX}/callFunction`,
    admin: `${cloud.url}${AdminApi.PREFIX}`,
    console: consoleUrl(cloud.url),
  };

  let stopping: Promise<void> | undefined;
  return {
    project,
    cloud,
    scheduler,
    urls,
    get functions() {
      return [...deployed].sort();
    },
    warnings,
    events,
    rebuild: (names) => {
      if (!queue) return Promise.reject(new ConfigError('watch', 'this dev server was started without a builder'));
      return queue.request(names);
    },
    stop: () =>
      (stopping ??= (async () => {
        watcher?.close();
        const runs = scheduler.stop();
        await queue?.idle();
        try {
          if (options.data?.exportDir && tools) await exportAll(tools, cloud, options.data.exportDir);
        } finally {
          await cloud.stop();
          await runs;
        }
      })()),
  };
}

/** The seed/export tools when a seed or an export is asked for. */
function dataTools(data: DevServerOptions['data']): DataTools | undefined {
  if (!data || ((data.seeds ?? []).length === 0 && !data.exportDir)) return undefined;
  return data.tools ?? persistenceTools();
}

/** An environment named by its app's name or its id. */
function resolveEnv(cloud: LocalCloud, name: string): string {
  const app = cloud.apps.find((candidate) => candidate.name === name);
  if (app) return app.envId;
  if (cloud.backend.envIds.includes(name)) return name;
  throw new ConfigError('--seed', `names ${name}, which is neither an app (${cloud.apps.map((a) => a.name).join(', ')}) nor an environment id`);
}

async function importSeeds(tools: DataTools, cloud: LocalCloud, seeds: NonNullable<NonNullable<DevServerOptions['data']>['seeds']>): Promise<void> {
  // Every name is checked before anything is imported.
  const resolved = seeds.map((seed) => ({ envId: resolveEnv(cloud, seed.env), file: seed.file }));
  for (const { envId, file } of resolved) await tools.importSeed(cloud, envId, await readFile(file, 'utf8'));
}

/** One `<envId>.json` per environment, each written whole (temp file, then rename). */
async function exportAll(tools: DataTools, cloud: LocalCloud, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const envId of cloud.backend.envIds) {
    const file = path.join(dir, `${envId}.json`);
    await writeFile(`${file}.tmp`, await tools.exportData(cloud, envId));
    await rename(`${file}.tmp`, file);
  }
}
