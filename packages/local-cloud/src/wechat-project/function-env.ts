import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, readJsonObjectFile } from '@wxhub/core';
import { parseIndexSettings, parsePermissionSettings, type AppPermissionSettings, type CollectionIndexSettings } from '@wxhub/project-config';

/** One file beside the project for what WeChat's console would hold: variables per function, a Node runtime. */
export const DEV_CONFIG_FILE = 'wxhub.dev.json';
/** A function's own variables (WeChat console: 环境变量), beside its index.js; never committed. */
export const FUNCTION_ENV_FILE = '.env.local';

export interface DevConfig {
  /** Variables every function of the project gets. */
  readonly env: Readonly<Record<string, string>>;
  /** Per function: its variables, and the Node runtime it runs on ('16.13', '18.15' or 'local'). */
  readonly functions: Readonly<Record<string, { readonly env: Readonly<Record<string, string>>; readonly runtime?: string }>>;
  /** The project's Node runtime, unless a function names its own. */
  readonly runtime?: string;
  /**
   * Collections that exist in the project's environments, as created in WeChat's console (where
   * functions cannot create them: an add to a missing collection fails with -502005).
   */
  readonly collections: readonly string[];
  /**
   * What the project's environments' permissions are set to in WeChat's console (数据库 → 权限设置,
   * 存储 → 权限设置): per collection a simple mode or security rules, and the storage bucket's.
   * Pages' own database and storage requests are held to it; unset, WeChat's defaults apply.
   */
  readonly permissions?: AppPermissionSettings;
  /**
   * The indexes the project's collections have in WeChat's console (索引管理), `{collection: {field:
   * 1 | -1 | "2dsphere"}}`: geo queries that sort by distance need a "2dsphere" one.
   */
  readonly indexes?: CollectionIndexSettings;
}

/** `<root>/wxhub.dev.json` if there is one; a malformed file is an error naming the field. */
export function readDevConfig(root: string): DevConfig {
  const file = path.join(root, DEV_CONFIG_FILE);
  const parsed = readJsonObjectFile(file);
  if (parsed === undefined) return { env: {}, functions: {}, collections: [] };
  const { env, functions, runtime, collections, permissions, indexes } = parsed as Record<string, unknown>;
  if (collections !== undefined && (!Array.isArray(collections) || !collections.every((name) => typeof name === 'string' && name !== ''))) {
    throw new ConfigError(`${file} collections`, 'must be an array of collection names');
  }
  const result: {
    env: Record<string, string>;
    functions: Record<string, { env: Record<string, string>; runtime?: string }>;
    runtime?: string;
    collections: string[];
    permissions?: AppPermissionSettings;
    indexes?: CollectionIndexSettings;
  } = {
    env: stringMap(env, `${file} env`),
    functions: {},
    collections: [...((collections as string[] | undefined) ?? [])],
    ...(permissions === undefined ? {} : { permissions: parsePermissionSettings(permissions, `${file} permissions`) }),
    ...(indexes === undefined ? {} : { indexes: parseIndexSettings(indexes, `${file} indexes`) }),
  };
  if (runtime !== undefined) result.runtime = runtimeName(runtime, `${file} runtime`);
  if (functions !== undefined) {
    if (typeof functions !== 'object' || functions === null) throw new ConfigError(`${file} functions`, 'must be an object keyed by function name');
    for (const [name, value] of Object.entries(functions)) {
      const entry = (value ?? {}) as Record<string, unknown>;
      result.functions[name] = {
        env: stringMap(entry.env, `${file} functions.${name}.env`),
        ...(entry.runtime !== undefined ? { runtime: runtimeName(entry.runtime, `${file} functions.${name}.runtime`) } : {}),
      };
    }
  }
  return result;
}

/** `<functionDir>/.env.local` (dotenv syntax, read with Node's own parser), or nothing. */
export function readFunctionEnvFile(functionDir: string): Record<string, string> {
  const file = path.join(functionDir, FUNCTION_ENV_FILE);
  if (!existsSync(file)) return {};
  return { ...parseEnv(readFileSync(file, 'utf8')) } as Record<string, string>;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new ConfigError(where, 'must map variable names to strings');
  }
  return { ...(value as Record<string, string>) };
}

function runtimeName(value: unknown, where: string): string {
  if (value !== '16.13' && value !== '18.15' && value !== 'local') throw new ConfigError(where, "must be '16.13', '18.15' or 'local'");
  return value;
}
