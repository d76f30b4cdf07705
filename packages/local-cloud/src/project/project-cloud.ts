import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Clock } from '@wxhub/core';
import { loadProjectConfig, requiredPermissions, type ProjectConfig } from '@wxhub/project-config';
import { LocalCloud } from '../local-cloud';
import type { FunctionRuntimeOptions } from '../runtime/function-runtime';

export interface ProjectCloudOptions {
  /** The repository root (where wxhub.config.*.json and build/ live). */
  readonly root: string;
  /** Default: the project's configuration in `local` mode. */
  readonly config?: ProjectConfig;
  /** Built functions, one folder each; default `<root>/build/cloudfunctions`. */
  readonly functionsDir?: string;
  /** The Node binary the functions run on (e.g. WeChat's 16.13); the local one by default. */
  readonly nodeBinary?: string;
  readonly port?: number;
  readonly clock?: Clock;
  readonly runtime?: Omit<FunctionRuntimeOptions, 'clock' | 'nodeBinary'>;
  /** Keep databases and cloud files in this folder across restarts (see LocalCloudOptions.dataDir). */
  readonly dataDir?: string;
  /** Host names answered besides loopback ones (LocalCloudOptions.allowedHosts). */
  readonly allowedHosts?: readonly string[];
}

export interface ProjectCloud {
  readonly cloud: LocalCloud;
  readonly config: ProjectConfig;
  /** The functions that were registered (configured and built). */
  readonly functions: readonly string[];
  /**
   * (Re)deploys a configured function from its built folder, with `envOverrides` on top of its
   * configured variables (e.g. a wrong secret, to see what users would see).
   */
  deploy(name: string, envOverrides?: Readonly<Record<string, string>>): void;
}

/**
 * The project's mini programs on a local cloud: each configured app with its environment, each
 * configured function that has been built registered in its app's environment with its
 * environment variables, and every upstream base URL pointed at the local cloud.
 */
export async function startProjectCloud(options: ProjectCloudOptions): Promise<ProjectCloud> {
  const config = options.config ?? loadProjectConfig({ root: options.root, mode: 'local' });
  const cloud = await LocalCloud.start({
    apps: Object.values(config.apps),
    baiduClients: Object.values(config.baiduClients),
    port: options.port,
    clock: options.clock,
    runtime: { ...options.runtime, nodeBinary: options.nodeBinary },
    dataDir: options.dataDir,
    allowedHosts: options.allowedHosts,
    sharing: config.sharing,
    indexes: Object.fromEntries(Object.values(config.apps).map((app) => [app.envId, app.indexes])),
    permissions: {
      settings: Object.fromEntries(Object.values(config.apps).map((app) => [app.envId, app.permissions])),
      required: requiredPermissions(config),
      strict: config.strictPermissions,
    },
  });
  const functionsDir = options.functionsDir ?? join(options.root, 'build', 'cloudfunctions');
  const deploy = (name: string, envOverrides: Readonly<Record<string, string>> = {}): void => {
    const fn = config.functions[name];
    const app = fn && config.apps[fn.app];
    if (!fn || !app) throw new ConfigError(`functions.${name}`, 'is not configured');
    cloud.functions.register({
      envId: app.envId,
      name,
      dir: join(functionsDir, name),
      backendUrl: cloud.sdkBackendUrl,
      env: { ...fn.env, ...upstreams(cloud), ...envOverrides },
    });
  };
  const built = Object.keys(config.functions).filter((name) => existsSync(join(functionsDir, name, 'index.js')));
  for (const name of built) deploy(name);
  return { cloud, config, functions: built, deploy };
}

/** What every function gets so that nothing it calls leaves the machine. */
function upstreams(cloud: LocalCloud): Record<string, string> {
  return { WECHAT_API_BASE: cloud.wechatApiBase, BAIDU_API_BASE: cloud.baiduApiBase };
}
