import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Env } from '@wxhub/core';
import { PERMISSION_MODES, type AppPermissionSettings, type PermissionSettingInput } from './collection-permissions';

export interface AppSettings {
  readonly name: string;
  readonly appid: string;
  readonly secret: string;
  readonly envId: string;
  /**
   * The WeChat open-platform account (开放平台) the app is bound to, if any: apps bound to the same
   * account see one unionid per person.
   */
  readonly openPlatform?: string;
  /** The page permissions its environment is set to (database collections, storage); see collection-permissions.ts. */
  readonly permissions?: AppPermissionSettings;
}

/** Permissions a share can grant (the console's choices when adding a share). */
export type SharePermissionSetting = 'functions' | 'database' | 'storage' | 'openapi';

/** Cross-account sharing (环境共享): app `owner` shares its environment with app `with`. */
export interface SharingSettings {
  readonly owner: string;
  readonly with: string;
  /** Default: every permission. */
  readonly permissions?: readonly SharePermissionSetting[];
}

const SHARE_PERMISSION_SETTINGS: readonly SharePermissionSetting[] = ['functions', 'database', 'storage', 'openapi'];

export interface BaiduClientSettings {
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface FunctionSettings {
  readonly name: string;
  /** The app whose environment the function is deployed to. */
  readonly app: string;
  /** The function's environment variables, as set in the console when deployed. */
  readonly env: Readonly<Record<string, string>>;
}

export interface ProjectConfig {
  /** The file the configuration came from. */
  readonly source: string;
  readonly apps: Readonly<Record<string, AppSettings>>;
  readonly baiduClients: Readonly<Record<string, BaiduClientSettings>>;
  readonly functions: Readonly<Record<string, FunctionSettings>>;
  /** Environment shares between the apps; none by default. */
  readonly sharing: readonly SharingSettings[];
  /**
   * `permissions.strict`: the local cloud refuses to run with, or be set to, a permission of
   * wxhub's own collections other than the required one (requiredPermissions()).
   */
  readonly strictPermissions: boolean;
}

/**
 * `local`: for the local cloud, an unset `${NAME}` becomes an invented value (the same one
 * everywhere it is referenced), since nothing real is reached. `deploy`: an unset one is an error.
 */
export type ConfigMode = 'local' | 'deploy';

export const LOCAL_CONFIG_FILE = 'wxhub.config.local.json';
export const EXAMPLE_CONFIG_FILE = 'wxhub.config.example.json';

export interface LoadOptions {
  readonly root: string;
  readonly mode: ConfigMode;
  readonly env?: Env;
  /** An explicit file instead of local-then-example. */
  readonly file?: string;
}

export function loadProjectConfig(options: LoadOptions): ProjectConfig {
  const file = options.file ?? [LOCAL_CONFIG_FILE, EXAMPLE_CONFIG_FILE].map((name) => join(options.root, name)).find((path) => existsSync(path));
  if (!file) throw new ConfigError(LOCAL_CONFIG_FILE, `neither it nor ${EXAMPLE_CONFIG_FILE} exists in ${options.root}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, `is not valid JSON (${(error as Error).message})`);
  }
  const substitute = substitution(options.mode, options.env ?? process.env);
  return parseConfig(raw, file, substitute);
}

type Substitute = (text: string, where: string) => string;

function substitution(mode: ConfigMode, env: Env): Substitute {
  const invented = new Map<string, string>();
  return (text, where) =>
    text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const value = env[name];
      if (value) return value;
      if (mode === 'deploy') throw new ConfigError(where, `refers to \${${name}}, which is not set in the environment`);
      if (!invented.has(name)) invented.set(name, `local${randomBytes(12).toString('hex')}`);
      return invented.get(name) as string;
    });
}

function parseConfig(raw: unknown, source: string, substitute: Substitute): ProjectConfig {
  const root = object(raw, 'the configuration');
  const apps = mapEntries(object(root.apps ?? {}, 'apps'), (name, value) => {
    const app = object(value, `apps.${name}`);
    return {
      name,
      appid: string(app.appid, `apps.${name}.appid`, substitute, /^wx[0-9a-f]{16}$/),
      secret: string(app.secret, `apps.${name}.secret`, substitute),
      envId: string(app.envId, `apps.${name}.envId`, substitute, /^[A-Za-z0-9-]{1,64}$/),
      ...(app.openPlatform === undefined ? {} : { openPlatform: string(app.openPlatform, `apps.${name}.openPlatform`, substitute) }),
      ...(app.permissions === undefined ? {} : { permissions: parsePermissionSettings(app.permissions, `apps.${name}.permissions`) }),
    };
  });
  const baiduClients = mapEntries(object(root.baiduClients ?? {}, 'baiduClients'), (name, value) => {
    const client = object(value, `baiduClients.${name}`);
    return {
      name,
      clientId: string(client.clientId, `baiduClients.${name}.clientId`, substitute),
      clientSecret: string(client.clientSecret, `baiduClients.${name}.clientSecret`, substitute),
    };
  });
  const functions = mapEntries(object(root.functions ?? {}, 'functions'), (name, value) => {
    const fn = object(value, `functions.${name}`);
    const app = string(fn.app, `functions.${name}.app`, substitute);
    if (!apps[app]) throw new ConfigError(`functions.${name}.app`, `names ${app}, which is not in apps`);
    const env = mapEntries(object(fn.env ?? {}, `functions.${name}.env`), (key, v) => string(v, `functions.${name}.env.${key}`, substitute));
    return { name, app, env };
  });
  const sharing = parseSharing(root.sharing ?? [], apps, substitute);
  const permissions = object(root.permissions ?? {}, 'permissions');
  if (permissions.strict !== undefined && typeof permissions.strict !== 'boolean') throw new ConfigError('permissions.strict', 'must be true or false');
  return { source, apps, baiduClients, functions, sharing, strictPermissions: permissions.strict === true };
}

function parseSharing(raw: unknown, apps: Readonly<Record<string, AppSettings>>, substitute: Substitute): SharingSettings[] {
  if (!Array.isArray(raw)) throw new ConfigError('sharing', 'must be a list of {owner, with, permissions?}');
  return raw.map((value, index) => {
    const where = `sharing[${index}]`;
    const entry = object(value, where);
    const owner = string(entry.owner, `${where}.owner`, substitute);
    const grantee = string(entry.with, `${where}.with`, substitute);
    for (const [field, app] of [
      ['owner', owner],
      ['with', grantee],
    ] as const) {
      if (!apps[app]) throw new ConfigError(`${where}.${field}`, `names ${app}, which is not in apps`);
    }
    if (owner === grantee) throw new ConfigError(`${where}.with`, 'an app cannot share its environment with itself');
    if (entry.permissions === undefined) return { owner, with: grantee };
    if (!Array.isArray(entry.permissions)) throw new ConfigError(`${where}.permissions`, `must be a list of ${SHARE_PERMISSION_SETTINGS.join(', ')}`);
    const permissions = entry.permissions.map((permission, i) => {
      if (!SHARE_PERMISSION_SETTINGS.includes(permission as SharePermissionSetting)) {
        throw new ConfigError(`${where}.permissions[${i}]`, `must be one of ${SHARE_PERMISSION_SETTINGS.join(', ')}`);
      }
      return permission as SharePermissionSetting;
    });
    return { owner, with: grantee, permissions };
  });
}

/**
 * The shape only: rule expressions are parsed (with the position of any error) by whoever enforces them.
 * Exported for other files that record an environment's permissions (`wxhub dev`'s wxhub.dev.json).
 */
export function parsePermissionSettings(value: unknown, where: string): AppPermissionSettings {
  const settings = object(value, where);
  const database = mapEntries(object(settings.database ?? {}, `${where}.database`), (name, setting) => permissionSetting(setting, `${where}.database.${name}`));
  return { database, ...(settings.storage === undefined ? {} : { storage: permissionSetting(settings.storage, `${where}.storage`) }) };
}

function permissionSetting(value: unknown, where: string): PermissionSettingInput {
  if (typeof value === 'string') {
    if ((PERMISSION_MODES as readonly string[]).includes(value)) return value as PermissionSettingInput;
    throw new ConfigError(where, `must be one of ${PERMISSION_MODES.join(', ')} or an object of security rules`);
  }
  const rules = object(value, where);
  for (const [key, rule] of Object.entries(rules)) {
    if (typeof rule !== 'boolean' && typeof rule !== 'string') throw new ConfigError(`${where}.${key}`, 'must be true, false or a rule expression');
  }
  return rules as Readonly<Record<string, boolean | string>>;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(where, 'must be an object');
  return value as Record<string, unknown>;
}

function string(value: unknown, where: string, substitute: Substitute, pattern?: RegExp): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(where, 'must be a non-empty string');
  const resolved = substitute(value, where);
  if (pattern && !pattern.test(resolved)) throw new ConfigError(where, `does not look right (expected ${pattern})`);
  return resolved;
}

function mapEntries<T>(record: Record<string, unknown>, map: (key: string, value: unknown) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) if (!key.startsWith('$')) out[key] = map(key, value);
  return out;
}
