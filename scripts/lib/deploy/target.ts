import { existsSync, readFileSync, statSync } from 'node:fs';
import { ConfigError, type Env } from '@wxhub/core';
import type { ProjectConfig } from '@wxhub/project-config';

/** Where a deploy goes: which mini program (appid) and which of its cloud environments. */
export interface DeployTarget {
  readonly app: string;
  readonly appid: string;
  readonly envId: string;
}

export type PrivateKey = { readonly ok: true; readonly path: string; readonly variable: string } | { readonly ok: false; readonly problem: string };

const APPID = /^wx[0-9a-f]{16}$/;
const ENV_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The appid and environment of `app` in the project configuration (`envId` overrides the
 * environment). A `${NAME}` reference that is unset is an error here even though the local
 * cloud would invent a value: a deploy must reach a real mini program.
 */
export function resolveTarget(config: ProjectConfig, app: string, env: Env, envId?: string): DeployTarget {
  checkTargetReferences(config.source, app, env, envId !== undefined);
  const settings = config.apps[app];
  if (!settings) throw new ConfigError(`apps.${app}`, `is not in ${config.source}, so there is no appid to deploy to`);
  if (!APPID.test(settings.appid)) throw new ConfigError(`apps.${app}.appid`, `"${settings.appid}" is not an appid (wx + 16 hex digits)`);
  const target = envId ?? settings.envId;
  if (target === '') throw new ConfigError('--env', 'is empty; name the cloud environment to deploy to');
  if (!ENV_ID.test(target)) throw new ConfigError(envId === undefined ? `apps.${app}.envId` : '--env', `"${target}" is not a cloud environment id`);
  return { app, appid: settings.appid, envId: target };
}

/**
 * Fails on an unset `${NAME}` in the app's appid or envId of the configuration file. Run before
 * the configuration is loaded for the local cloud, which would put an invented value there.
 */
export function checkTargetReferences(source: string, app: string, env: Env, envIdGiven: boolean): void {
  const raw = rawApp(source, app);
  for (const field of ['appid', 'envId'] as const) {
    if (field === 'envId' && envIdGiven) continue;
    for (const name of references(raw[field])) {
      if (!env[name]) throw new ConfigError(`apps.${app}.${field}`, `refers to \${${name}}, which is not set in the environment`);
    }
  }
}

/** The variables a private key path is read from, most specific first. */
export function privateKeyVariables(app: string): string[] {
  return [`WXHUB_${app.toUpperCase()}_PRIVATE_KEY_PATH`, 'WXHUB_PRIVATE_KEY_PATH'];
}

/**
 * The code-upload key of the mini program (console: 开发管理 → 开发设置 → 小程序代码上传), from a
 * path in the environment. Only checked to be a PEM private key; its content is never printed.
 */
export function resolvePrivateKey(app: string, env: Env): PrivateKey {
  const variables = privateKeyVariables(app);
  const variable = variables.find((name) => env[name]?.trim());
  if (!variable) return { ok: false, problem: `no private key: set ${variables.join(' or ')} to the path of the mini program's code-upload key` };
  const path = String(env[variable]).trim();
  if (!existsSync(path) || !statSync(path).isFile()) return { ok: false, problem: `${variable} names ${path}, which is not a file` };
  let head: string;
  try {
    head = readFileSync(path, 'utf8').slice(0, 200);
  } catch (error) {
    return { ok: false, problem: `${variable} names ${path}, which cannot be read (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(head)) return { ok: false, problem: `${variable} names ${path}, which is not a PEM private key` };
  return { ok: true, path, variable };
}

/** Throws when the key is missing: a real deploy checks this before anything is sent. */
export function requirePrivateKey(key: PrivateKey): { path: string; variable: string } {
  if (!key.ok) throw new ConfigError('private key', key.problem);
  return key;
}

function rawApp(source: string, app: string): Record<string, unknown> {
  try {
    const raw = JSON.parse(readFileSync(source, 'utf8')) as { apps?: Record<string, Record<string, unknown>> };
    return raw.apps?.[app] ?? {};
  } catch {
    return {};
  }
}

function references(value: unknown): string[] {
  return typeof value === 'string' ? [...value.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((match) => String(match[1])) : [];
}
