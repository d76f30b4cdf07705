import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildUrl, HttpStatusError, requestJson } from '@wxhub/core';
import { UsageError } from './exit-codes';
import type { CliIo } from './io';
import { DEFAULT_LOCAL_CLOUD_URL } from './endpoints';

/**
 * What the CLI needs of a running `wxhub dev`: its URL (`--local-cloud`, else WXHUB_LOCAL_CLOUD
 * or WXHUB_LOCAL_CLOUD_URL, else the default port), its apps (the admin API), calls as a user
 * (the client-call endpoint) and function logs.
 */
export function devCloudUrl(flagValue: string | undefined, io: CliIo): string {
  const value = flagValue ?? io.env.WXHUB_LOCAL_CLOUD?.trim() ?? io.env.WXHUB_LOCAL_CLOUD_URL?.trim();
  return (value || DEFAULT_LOCAL_CLOUD_URL).replace(/\/+$/, '');
}

export interface DevApp {
  readonly name: string;
  readonly appid: string;
  readonly envId: string;
}

/** The file `wxhub use` writes: the default app of commands run in this folder. */
export const USE_FILE = join('.wxhub', 'use.json');

export function readDefaultApp(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, USE_FILE);
    if (existsSync(file)) {
      const app = (JSON.parse(readFileSync(file, 'utf8')) as { app?: unknown }).app;
      return typeof app === 'string' ? app : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export function writeDefaultApp(cwd: string, app: string): string {
  const file = join(resolve(cwd), USE_FILE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ app })}\n`);
  return file;
}

/** The apps of the running local cloud. */
export async function devApps(base: string): Promise<DevApp[]> {
  const { status, body } = await requestJson(buildUrl(base, '/admin/envs'), { timeoutMs: 10_000 });
  if (status !== 200) throw new HttpStatusError(`the local cloud at ${base}`, status);
  const envs = (body as { envs?: unknown }).envs;
  const apps: DevApp[] = [];
  for (const env of Array.isArray(envs) ? (envs as Array<{ envId: string; app: { name: string; appid: string } | null }>) : []) {
    if (env.app && !apps.some((app) => app.appid === env.app?.appid)) apps.push({ name: env.app.name, appid: env.app.appid, envId: env.envId });
  }
  return apps;
}

/** Runs a function as a mini program user would (`wx.cloud.callFunction`), through the client-call endpoint. */
export async function clientCall(base: string, request: { appid: string; name: string; data: unknown; openid?: string }): Promise<unknown> {
  const { status, body } = await requestJson(buildUrl(base, '/client/callFunction'), { method: 'POST', json: request, timeoutMs: 70_000 });
  if (status !== 200) {
    const failure = body as { errCode?: number; errMsg?: string };
    throw new HttpStatusError(`the local cloud at ${base}`, status, `${failure.errCode ?? ''} ${failure.errMsg ?? ''}`.trim());
  }
  return (body as { result?: unknown }).result;
}

export interface DevLogEntry {
  readonly requestId: string | null;
  readonly level: string;
  readonly message: string;
  readonly at: string;
}

export async function devLogs(base: string, envId: string, name: string): Promise<DevLogEntry[]> {
  const { status, body } = await requestJson(buildUrl(base, '/admin/logs', { env: envId, name }), { timeoutMs: 10_000 });
  if (status !== 200) throw new HttpStatusError(`the local cloud at ${base}`, status);
  return ((body as { logs?: DevLogEntry[] }).logs ?? []).slice();
}

/** The functions deployed in one environment. */
export async function devFunctions(base: string, envId: string): Promise<string[]> {
  const { body } = await requestJson(buildUrl(base, '/admin/envs'), { timeoutMs: 10_000 });
  const env = ((body as { envs?: Array<{ envId: string; functions: Array<{ name: string }> }> }).envs ?? []).find((e) => e.envId === envId);
  return env ? env.functions.map((fn) => fn.name) : [];
}

/** `--app`, else `wxhub use`'s, else the only app; by name or appid. */
export async function pickDevApp(base: string, name: string | undefined, io: CliIo, command: string): Promise<DevApp> {
  const apps = await devApps(base);
  const wanted = name ?? readDefaultApp(io.cwd);
  if (wanted === undefined) {
    const [only, ...others] = apps;
    if (only && others.length === 0) return only;
    throw new UsageError(`which mini program? pass --app or run wxhub use (${apps.map((a) => a.name).join(', ')})`, command);
  }
  const app = apps.find((candidate) => candidate.name === wanted || candidate.appid === wanted);
  if (!app) throw new UsageError(`the local cloud at ${base} has no app ${wanted} (${apps.map((a) => a.name).join(', ') || 'none'})`, command);
  return app;
}
