import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ConfigError, type Clock } from '@wxhub/core';
import type { AppPermissionSettings } from '@wxhub/project-config';
import type { AppConfig } from '../config';
import { LocalCloud } from '../local-cloud';
import { readFunctionConfig } from '../runtime/function-config';
import { DEFAULT_FUNCTION_TIMEOUT_MS, type FunctionRuntimeOptions } from '../runtime/function-runtime';
import { ensureDependencies, type InstallOptions, type InstallOutcome } from './dependency-install';
import { discoverFunctions, type ProjectFunction } from './function-discovery';
import { DEV_CONFIG_FILE, readDevConfig, readFunctionEnvFile, type DevConfig } from './function-env';
import { readProjectFile, type ProjectFile } from './project-file';
import { isPlatformVariable, scfNodePath, scfRuntimeEnv } from './scf-env';
import { scanSource } from './source-scan';

/** The Node binaries a project or function may choose in wxhub.dev.json (`runtime`). */
export type NodeBinaries = Readonly<Partial<Record<'16.13' | '18.15' | 'local', string>>>;

export interface WechatProjectsOptions {
  /** WeChat devtools project folders (each with project.config.json). */
  readonly projects: readonly string[];
  readonly port?: number;
  readonly clock?: Clock;
  readonly runtime?: Omit<FunctionRuntimeOptions, 'clock' | 'nodeBinary' | 'nodePath'>;
  /** Binaries for wxhub.dev.json's `runtime` names; `local` (the default runtime) is this process's Node. */
  readonly nodeBinaries?: NodeBinaries;
  /** `-e/--env`: the environment of projects whose code names no env id. */
  readonly envId?: string;
  readonly dataDir?: string;
  /** How dependencies are installed; `skip` leaves them as they are. */
  readonly install?: InstallOptions & { readonly skip?: boolean };
  /** Each function's install outcome, as it comes (installs run one after another). */
  readonly onInstall?: (projectName: string, outcome: InstallOutcome) => void;
  /** Modules every function process loads first (`--require`), e.g. the fixed-host router of old SDKs. */
  readonly preload?: readonly string[];
}

/** One function of one project as deployed. */
export interface DeployedFunction {
  /** `<app>/<function>`: unique across the projects. */
  readonly key: string;
  readonly app: string;
  readonly name: string;
  readonly dir: string;
  /** Every environment it is deployed in; the first is the one its timer fires in. */
  readonly envIds: readonly string[];
  readonly install: InstallOutcome;
  /** `process.env.X` its code reads that nothing sets (no .env.local, wxhub.dev.json, nor WeChat). */
  readonly unsetVariables: readonly string[];
  readonly nodeBinary: string;
}

export interface LoadedProject {
  readonly file: ProjectFile;
  readonly app: AppConfig;
  /** Every environment the project's functions use; the app's own first. */
  readonly envIds: readonly string[];
  /** Env ids found in its code (hard-coded in cloud.init). */
  readonly namedInCode: readonly string[];
}

export interface WechatProjectCloud {
  readonly cloud: LocalCloud;
  readonly projects: readonly LoadedProject[];
  readonly functions: () => readonly DeployedFunction[];
  /** Re-reads one function's folder (code, config.json, .env.local, package.json) and deploys it again. */
  redeploy(key: string): Promise<DeployedFunction>;
}

const DEFAULT_MEMORY_MB = 256;

/** The `--require` module that routes old SDKs' fixed hosts to the local cloud (plain JS, shipped as is). */
const FIXED_HOSTS_PRELOAD = path.join(__dirname, '..', 'sdk-protocols', 'fixed-hosts-preload.js');
/** The `--require` module that loads the function's own module as its instance starts (a warm first call). */
const ENTRY_PRELOAD = path.join(__dirname, 'entry-preload.js');

/**
 * WeChat devtools projects on one local cloud, each as WeChat would run it: every function
 * folder of its cloudfunctionRoot, its own dependencies (installed when missing), its own
 * wx-server-sdk through SCF's NODE_PATH, its config.json, its variables, in every environment
 * its code names.
 */
export async function startWechatProjectCloud(options: WechatProjectsOptions): Promise<WechatProjectCloud> {
  const files = options.projects.map((dir) => readProjectFile(dir));
  const taken = new Map<string, string>();
  for (const file of files) {
    const other = taken.get(file.appid);
    if (other !== undefined) throw new ConfigError(path.join(file.root, 'project.config.json'), `has appid ${file.appid}, as ${other} has`);
    taken.set(file.appid, file.root);
  }
  const names = uniqueNames(files);
  const discovered = files.map((file) => ({ file, devConfig: readDevConfig(file.root), functions: discoverFunctions(file.functionsRoot) }));
  const projects: LoadedProject[] = discovered.map(({ file, functions }, index) => {
    const namedInCode = [...new Set(functions.flatMap((fn) => scanSource(fn.dir).envIds))].sort();
    const own = namedInCode[0] ?? options.envId ?? `${file.appid}-local`;
    return {
      file,
      namedInCode,
      envIds: [own, ...namedInCode.filter((id) => id !== own)],
      // Invented: the local cloud issues tokens for it; nothing real is ever used.
      app: { name: names[index] as string, appid: file.appid, secret: `local-secret-${file.appid}`, envId: own },
    };
  });
  const cloud = await LocalCloud.start({
    apps: projects.map((project) => project.app),
    extraEnvIds: projects.flatMap((project) => project.envIds),
    port: options.port,
    clock: options.clock,
    // An instance loads the function's module (and its wx-server-sdk) as it starts: on a busy
    // machine that takes seconds, which must not count as an instance that failed to start.
    runtime: { startTimeoutMs: 60_000, ...options.runtime, nodeBinary: options.nodeBinaries?.local },
    dataDir: options.dataDir,
    // Each project's wxhub.dev.json permissions hold in every environment the project uses.
    permissions: { settings: permissionSettings(discovered.map(({ devConfig }, index) => ({ devConfig, project: projects[index] as LoadedProject }))) },
  });
  for (const [index, { devConfig }] of discovered.entries()) {
    for (const envId of (projects[index] as LoadedProject).envIds) {
      const database = cloud.backend.database(envId);
      for (const name of devConfig.collections) if (!database.hasCollection(name)) database.createCollection(name);
    }
  }
  const deployed = new Map<string, DeployedFunction>();
  const sources = new Map<string, { project: LoadedProject; devConfig: DevConfig; fn: ProjectFunction }>();
  const deploy = async (project: LoadedProject, devConfig: DevConfig, fn: ProjectFunction): Promise<DeployedFunction> => {
    const install = options.install?.skip
      ? { functionName: fn.name, status: 'present' as const, durationMs: 0 }
      : await ensureDependencies(fn, options.install);
    options.onInstall?.(project.app.name, install);
    const runtimeName = devConfig.functions[fn.name]?.runtime ?? devConfig.runtime ?? 'local';
    const nodeBinary = runtimeName === 'local' ? (options.nodeBinaries?.local ?? process.execPath) : options.nodeBinaries?.[runtimeName as '16.13' | '18.15'];
    if (!nodeBinary) throw new ConfigError(`wxhub.dev.json runtime of ${fn.name}`, `names Node ${runtimeName}, which is not installed here`);
    const config = readFunctionConfig(fn.dir);
    const timeoutMs = config.timeoutSeconds !== undefined ? config.timeoutSeconds * 1000 : DEFAULT_FUNCTION_TIMEOUT_MS;
    const variables = { ...devConfig.env, ...devConfig.functions[fn.name]?.env, ...readFunctionEnvFile(fn.dir) };
    const env = {
      // Where the fixed-host preload sends the requests of wx-server-sdk 0.x/1.x (tcb-admin-node).
      WXHUB_SDK_BACKEND: cloud.sdkBackendUrl,
      WXHUB_FUNCTION_ENTRY: fn.entry,
      WECHAT_API_BASE: cloud.wechatApiBase,
      BAIDU_API_BASE: cloud.baiduApiBase,
      ...scfRuntimeEnv({
        functionName: fn.name,
        dir: fn.dir,
        memoryMb: DEFAULT_MEMORY_MB,
        timeoutSeconds: timeoutMs / 1000,
        nodeVersion: nodeVersion(nodeBinary),
      }),
      ...variables,
    };
    for (const envId of project.envIds) {
      cloud.functions.register({
        envId,
        name: fn.name,
        dir: fn.dir,
        entry: fn.entry,
        backendUrl: cloud.sdkBackendUrl,
        env,
        nodeBinary,
        nodePath: scfNodePath(fn.dir),
        memoryMb: DEFAULT_MEMORY_MB,
        // The function's own module last (entry-preload.js): loaded as the instance starts.
        preload: [FIXED_HOSTS_PRELOAD, ...(options.preload ?? []), ENTRY_PRELOAD],
      });
    }
    const unsetVariables = scanSource(fn.dir).variables.filter((name) => !(name in env) && !isPlatformVariable(name));
    const result: DeployedFunction = {
      key: `${project.app.name}/${fn.name}`,
      app: project.app.name,
      name: fn.name,
      dir: fn.dir,
      envIds: project.envIds,
      install,
      unsetVariables,
      nodeBinary,
    };
    deployed.set(result.key, result);
    return result;
  };
  try {
    for (const [index, { devConfig, functions }] of discovered.entries()) {
      const project = projects[index] as LoadedProject;
      for (const fn of functions) {
        sources.set(`${project.app.name}/${fn.name}`, { project, devConfig, fn });
        await deploy(project, devConfig, fn);
      }
    }
  } catch (error) {
    await cloud.stop();
    throw error;
  }
  return {
    cloud,
    projects,
    functions: () => [...deployed.values()].sort((a, b) => a.key.localeCompare(b.key)),
    redeploy: async (key) => {
      const source = sources.get(key);
      if (!source) throw new ConfigError(key, 'is not a function of these projects');
      const fresh = discoverFunctions(source.project.file.functionsRoot).find((fn) => fn.name === source.fn.name) ?? source.fn;
      const devConfig = readDevConfig(source.project.file.root);
      sources.set(key, { ...source, fn: fresh, devConfig });
      return deploy(source.project, devConfig, fresh);
    },
  };
}

const versions = new Map<string, string>();

/** `v16.13.0` of a Node binary (asked once per binary). */
function nodeVersion(binary: string): string {
  if (binary === process.execPath) return process.version;
  let version = versions.get(binary);
  if (version === undefined) {
    try {
      version = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
    } catch (error) {
      throw new ConfigError(`the Node binary ${binary}`, `does not run: ${(error as Error).message}`);
    }
    versions.set(binary, version);
  }
  return version;
}

/** Projects named by their projectname, made unique with the appid when two share one. */
function uniqueNames(files: readonly ProjectFile[]): string[] {
  const counts = new Map<string, number>();
  for (const file of files) counts.set(file.name, (counts.get(file.name) ?? 0) + 1);
  return files.map((file) => ((counts.get(file.name) ?? 0) > 1 ? `${file.name}-${file.appid}` : file.name));
}

/**
 * Per environment, the permissions of the project(s) that use it. Two projects sharing an
 * environment (one names the other's env id in its code) share its console settings, so they
 * must not record different ones.
 */
function permissionSettings(projects: ReadonlyArray<{ devConfig: DevConfig; project: LoadedProject }>): Record<string, AppPermissionSettings> {
  const settings: Record<string, AppPermissionSettings> = {};
  const from: Record<string, string> = {};
  for (const { devConfig, project } of projects) {
    if (!devConfig.permissions) continue;
    for (const envId of project.envIds) {
      const earlier = settings[envId];
      if (earlier && JSON.stringify(earlier) !== JSON.stringify(devConfig.permissions)) {
        throw new ConfigError(
          path.join(project.file.root, DEV_CONFIG_FILE),
          `permissions differ from those of ${from[envId]} for environment ${envId}, which both use`,
        );
      }
      settings[envId] = devConfig.permissions;
      from[envId] = path.join(project.file.root, DEV_CONFIG_FILE);
    }
  }
  return settings;
}
