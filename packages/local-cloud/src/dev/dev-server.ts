import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigError, type Clock } from '@wxhub/core';
import type { ProjectConfig } from '@wxhub/project-config';
import { AdminApi } from '../admin-api';
import { ClientCallApi, ClientDatabaseApi, ClientStorageApi } from '../client-api';
import { consoleUrl } from '../console';
import type { LocalCloud } from '../local-cloud';
import { startProjectCloud, type ProjectCloud, type ProjectCloudOptions } from '../project/project-cloud';
import type { TriggerScheduler } from '../triggers';
import { persistenceTools, type DataTools } from './data-wiring';
import { devTriggers, mountDevSurfaces, type DevTriggerOptions } from './dev-surfaces';
import type { FunctionBuilder } from './function-builder';
import { invocationFeed } from './invocation-feed';
import { RebuildQueue, type RebuildResult } from './rebuild-queue';
import { projectWatchTargets, SourceWatcher } from './source-watcher';
import { applyStorageSeed, exportStorage, readStorageSeed, storageFolderOf } from './storage-transfer';

/** The port `pnpm local-cloud` listens on unless told otherwise (and where `pnpm call` looks). */
export const DEFAULT_DEV_PORT = 8780;

export interface DevServerOptions {
  /** The repository root: configuration, `cloudfunctions/`, `packages/`, `build/`. */
  readonly root: string;
  /** Default: the project's configuration in `local` mode. */
  readonly config?: ProjectConfig;
  /** Loopback port; 0 picks a free one. Default 0 here (the command line defaults to DEFAULT_DEV_PORT). */
  readonly port?: number;
  /** Host names answered besides loopback ones (`--allow-host`; LocalCloudOptions.allowedHosts). */
  readonly allowedHosts?: readonly string[];
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
  readonly triggers?: DevTriggerOptions;
  /** `--data`, `--seed`, `--export`. */
  readonly data?: {
    /** Keep the databases in this folder (survives a restart). */
    readonly dir?: string;
    /**
     * Seed files imported at start, each into one environment (by app name, e.g. `A`, or env id),
     * only when that environment holds no document: a `--data` folder's data from earlier
     * sessions is never replaced by a restart (issue 10, item 12). What happened is `seedReport`.
     */
    readonly seeds?: ReadonlyArray<{ readonly env: string; readonly file: string }>;
    /** `--seed-replace`: import the seeds even into an environment with data (its seeded collections are replaced). */
    readonly seedReplace?: boolean;
    /** On stop, every environment's data is written to `<exportDir>/<envId>.json`. */
    readonly exportDir?: string;
    /** The persistence tools; persistenceTools() by default. */
    readonly tools?: DataTools;
  };
}

/** One `--seed`'s outcome, with a sentence for the console. */
export interface SeedOutcome {
  readonly envId: string;
  readonly file: string;
  readonly action: 'imported' | 'replaced' | 'skipped';
  readonly message: string;
}

export interface DevServerUrls {
  readonly root: string;
  readonly wechatApiBase: string;
  readonly baiduApiBase: string;
  readonly sdkBackendUrl: string;
  readonly clientCall: string;
  /** `POST` a page's database request here (the client SDK family's action and params, as a user): permissions apply. */
  readonly clientDatabase: string;
  /** `POST` a page's storage request here (uploadFile, getTempFileURL, downloadFile, deleteFile as a user): the bucket's permission applies. */
  readonly clientStorage: string;
  readonly admin: string;
  /** The browser console (`wxhub dev --open` opens it). */
  readonly console: string;
}

/**
 * Events of `DevServer.events`:
 * - `invocation` (DevInvocation): after every call, from the same feed as `wxhub dev`'s;
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
  /** What each `--seed` did at start (imported, replaced, or skipped and why). */
  readonly seedReport: readonly SeedOutcome[];
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
    allowedHosts: options.allowedHosts,
  });
  const { cloud, config } = project;
  const events = new EventEmitter();
  const deployed = new Set(project.functions);
  const warnings: string[] = [];
  const triggers = devTriggers(cloud, events, warnings, options.triggers, options.clock);
  const { scheduler } = triggers;
  invocationFeed(cloud, (invocation) => events.emit('invocation', invocation));

  const envOf = (name: string): string => {
    const app = config.apps[config.functions[name]?.app ?? ''];
    if (!app) throw new ConfigError(`functions.${name}`, 'is not configured');
    return app.envId;
  };
  const scheduleTrigger = (name: string): void => {
    scheduler.register({ envId: envOf(name), name, dir: path.join(functionsDir, name) });
  };
  // At start a trigger WeChat would refuse is a warning; on a rebuild it fails the deploy (below).
  for (const name of project.functions) triggers.scheduleOrWarn({ envId: envOf(name), name, dir: path.join(functionsDir, name) }, false);

  const exportDir = options.data?.exportDir;
  mountDevSurfaces(cloud, {
    scheduler,
    functions: () => [...deployed].sort().map((name) => ({ envId: envOf(name), name })),
    baiduClients: Object.values(config.baiduClients),
    ...(tools && exportDir ? { exportNow: () => exportEnvironments(tools, cloud, exportDir) } : {}),
  });

  // Seeds go in before any trigger fires or rebuild redeploys.
  let seedReport: SeedOutcome[] = [];
  try {
    if (tools) seedReport = await importSeeds(tools, cloud, options.data?.seeds ?? [], options.data?.seedReplace ?? false);
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

  triggers.start();

  const urls = devServerUrls(cloud);

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
    seedReport,
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
          if (options.data?.exportDir && tools) await exportEnvironments(tools, cloud, options.data.exportDir);
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

async function importSeeds(
  tools: DataTools,
  cloud: LocalCloud,
  seeds: NonNullable<NonNullable<DevServerOptions['data']>['seeds']>,
  replace: boolean,
): Promise<SeedOutcome[]> {
  // Every name is checked, and every file read, before anything is imported.
  const resolved = await Promise.all(
    seeds.map(async (seed) => ({
      envId: resolveEnv(cloud, seed.env),
      file: seed.file,
      text: await readFile(seed.file, 'utf8'),
      // `<seed>.storage/` beside the file (what an export writes): its storage files.
      storage: await readStorageSeed(storageFolderOf(seed.file)),
    })),
  );
  const outcomes: SeedOutcome[] = [];
  for (const { envId, file, text, storage } of resolved) {
    const documents = documentCount(cloud, envId);
    if (documents > 0 && !replace) {
      outcomes.push({
        envId,
        file,
        action: 'skipped',
        message: `seed ${file} NOT imported into ${envId}: it already holds ${documents} document(s) (kept from --data); --seed-replace replaces the seeded collections`,
      });
      continue;
    }
    await tools.importSeed(cloud, envId, text);
    applyStorageSeed(cloud, envId, storage);
    const files = storage.length > 0 ? ` and ${storage.length} storage file(s)` : '';
    outcomes.push(
      documents > 0
        ? {
            envId,
            file,
            action: 'replaced',
            message: `seed ${file}${files} imported into ${envId}, replacing its seeded collections (--seed-replace; it held ${documents} document(s))`,
          }
        : { envId, file, action: 'imported', message: `seed ${file}${files} imported into ${envId} (it was empty)` },
    );
  }
  return outcomes;
}

function documentCount(cloud: LocalCloud, envId: string): number {
  const database = cloud.backend.database(envId);
  return database.listCollections().reduce((sum, name) => sum + database.count(name), 0);
}

/**
 * One `<envId>.json` per environment, with `<envId>.storage/` when it has storage files, as a set (issue 10, item 13): every file is written into a
 * temporary folder beside `dir`, which then takes `dir`'s place. An export interrupted while
 * writing leaves `dir` as it was (the temporary folder, named `.<dir>.export-*`, is removed when
 * it can be); at every moment `dir` is either the old complete set or the new one (between the two
 * renames, the old set is at `<temp>.old`). Node has no atomic directory swap, hence two renames.
 */
export async function exportEnvironments(tools: DataTools, cloud: LocalCloud, dir: string): Promise<string[]> {
  const target = path.resolve(dir);
  await mkdir(path.dirname(target), { recursive: true });
  const staging = await mkdtemp(path.join(path.dirname(target), `.${path.basename(target)}.export-`));
  try {
    const files: string[] = [];
    for (const envId of cloud.backend.envIds) {
      await writeFile(path.join(staging, `${envId}.json`), await tools.exportData(cloud, envId));
      files.push(path.join(target, `${envId}.json`));
      if ((await exportStorage(cloud, envId, path.join(staging, `${envId}.storage`))) > 0) files.push(path.join(target, `${envId}.storage`));
    }
    const previous = `${staging}.old`;
    const hadPrevious = await rename(target, previous).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    await rename(staging, target);
    if (hadPrevious) await rm(previous, { recursive: true, force: true });
    return files;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Where a running local cloud serves each surface (the same for the repository's and a WeChat project's dev server). */
export function devServerUrls(cloud: LocalCloud): DevServerUrls {
  return {
    root: cloud.url,
    wechatApiBase: cloud.wechatApiBase,
    baiduApiBase: cloud.baiduApiBase,
    sdkBackendUrl: cloud.sdkBackendUrl,
    clientCall: `${cloud.url}${ClientCallApi.PREFIX}/callFunction`,
    clientDatabase: `${cloud.url}${ClientCallApi.PREFIX}${ClientDatabaseApi.PATH}`,
    clientStorage: `${cloud.url}${ClientCallApi.PREFIX}${ClientStorageApi.PATH}`,
    admin: `${cloud.url}${AdminApi.PREFIX}`,
    console: consoleUrl(cloud.url),
  };
}
