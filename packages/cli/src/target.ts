import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, type Env } from '@wxhub/core';
import { EXAMPLE_CONFIG_FILE, LOCAL_CONFIG_FILE, loadProjectConfig, type AppSettings } from '@wxhub/project-config';
import { flag, stringOption, type ParsedArgs } from './args';
import { DEFAULT_LOCAL_CLOUD_URL, REAL_WECHAT_API } from './endpoints';
import { UsageError } from './exit-codes';
import type { CliIo } from './io';
import { localSecretsEnv } from '@wxhub/project-config';

/** Who and where a command talks to. */
export interface Target {
  readonly mode: 'local' | 'real';
  /** WeChat's API origin: the local cloud, or api.weixin.qq.com (WXHUB_WECHAT_API_BASE may redirect it, e.g. to a proxy). */
  readonly baseUrl: string;
  readonly app: AppSettings;
  /** The configuration file the app came from. */
  readonly configFile: string;
}

/**
 * Local (the default): the configuration in `local` mode, with the shared invented secrets of
 * `.local-cloud/secrets.json` for what the environment leaves unset, against the local cloud.
 * Real (`--real`): the configuration in `deploy` mode — every `${NAME}` must be set in the
 * environment (e.g. WXHUB_A_SECRET) — against WeChat.
 */
export function resolveTarget(args: ParsedArgs, io: CliIo, command: string): Target {
  const real = flag(args, 'real');
  const localUrl = stringOption(args, 'local-cloud');
  if (real && localUrl !== undefined) throw new UsageError('--real and --local-cloud exclude each other', command);
  const configFile = findConfigFile(stringOption(args, 'config'), io.cwd);
  const root = dirname(configFile);
  const env: Env = real ? io.env : localSecretsEnv({ root, configFile, env: io.env });
  const config = loadProjectConfig({ root, mode: real ? 'deploy' : 'local', env, file: configFile });
  const app = pickApp(config.apps, stringOption(args, 'app'), configFile, command);
  const [baseUrl, source] = real ? realApi(io.env) : localCloud(localUrl, io.env);
  checkUrl(baseUrl, source, command);
  return { mode: real ? 'real' : 'local', baseUrl: baseUrl.replace(/\/+$/, ''), app, configFile };
}

/** Whether a wxhub configuration applies here (`--config`, or one in this folder or above). */
export function hasConfigFile(explicit: string | undefined, cwd: string): boolean {
  if (explicit !== undefined) return true;
  try {
    findConfigFile(undefined, cwd);
    return true;
  } catch {
    return false;
  }
}

/** `--config`, else wxhub.config.local.json or the example, in the working directory or the nearest parent that has one. */
function findConfigFile(explicit: string | undefined, cwd: string): string {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigError('--config', `${file} does not exist`);
    return file;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of [LOCAL_CONFIG_FILE, EXAMPLE_CONFIG_FILE]) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
    if (dirname(dir) === dir) break;
  }
  throw new ConfigError(LOCAL_CONFIG_FILE, `neither it nor ${EXAMPLE_CONFIG_FILE} is in ${cwd} or a parent; pass --config`);
}

function pickApp(apps: Readonly<Record<string, AppSettings>>, name: string | undefined, configFile: string, command: string): AppSettings {
  const names = Object.keys(apps);
  if (name === undefined) {
    const [only, ...others] = names;
    if (only !== undefined && others.length === 0) return apps[only] as AppSettings;
    throw new UsageError(`which mini program? pass --app ${names.length > 0 ? `(${names.join(', ')})` : ''}`.trim(), command);
  }
  const app = apps[name] ?? Object.values(apps).find((candidate) => candidate.appid === name);
  if (!app) throw new ConfigError(`apps.${name}`, `is not in ${configFile} (apps: ${names.join(', ') || 'none'})`);
  return app;
}

function realApi(env: Env): [string, string] {
  const override = env.WXHUB_WECHAT_API_BASE?.trim();
  return override ? [override, 'WXHUB_WECHAT_API_BASE'] : [REAL_WECHAT_API, 'the WeChat API URL'];
}

/** `--local-cloud`, else WXHUB_LOCAL_CLOUD_URL (what `pnpm call` reads), WXHUB_LOCAL_CLOUD, the dev server's default. */
function localCloud(flagValue: string | undefined, env: Env): [string, string] {
  if (flagValue !== undefined) return [flagValue, '--local-cloud'];
  for (const name of ['WXHUB_LOCAL_CLOUD_URL', 'WXHUB_LOCAL_CLOUD']) {
    const value = env[name]?.trim();
    if (value) return [value, name];
  }
  return [DEFAULT_LOCAL_CLOUD_URL, 'the default local cloud URL'];
}

/** A bad flag is a usage error; a bad variable a configuration error. */
function checkUrl(url: string, source: string, command: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return;
  if (source.startsWith('--')) throw new UsageError(`${source} must be an http(s) URL`, command);
  throw new ConfigError(source, 'must be an http(s) URL');
}
