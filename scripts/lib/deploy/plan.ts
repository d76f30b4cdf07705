import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '@wxhub/core';
import type { ProjectConfig } from '@wxhub/project-config';
import { planPermissions, type PermissionsPlan } from './permissions-plan';
import { listFiles, totalBytes, type FileEntry } from './files';
import { inspectBuiltFunction, type FunctionPlan } from './function-plan';
import { envModuleSource, MINIPROGRAM_ROOT } from './miniprogram-env';
import { sharingSteps } from './shared-transport';
import { resolvePrivateKey, resolveTarget, type DeployTarget, type PrivateKey } from './target';

export interface PlanOptions {
  /** The repository root: project.config.json, wxhub.config.*.json, build/. */
  readonly root: string;
  readonly config: ProjectConfig;
  /** The app of the configuration to deploy (its appid, environment and functions). */
  readonly app: string;
  /** Another environment of that app than the configured one. */
  readonly envId?: string;
  /** Where the private key path and `${NAME}` references are read. */
  readonly env: Env;
}

export interface FunctionsPlan {
  readonly kind: 'functions';
  readonly target: DeployTarget;
  readonly projectPath: string;
  readonly privateKey: PrivateKey;
  readonly remoteNpmInstall: true;
  readonly functions: readonly FunctionPlan[];
  /** Console steps cross-account sharing needs (环境共享, api's shared transport), done by hand. */
  readonly sharingSteps: readonly string[];
  /** Problems of the functions and the selection; a deploy with any sends nothing. */
  readonly problems: readonly string[];
  readonly devtoolsCommand: string;
  /** Collections' permissions to set by hand in the console (and any the configuration sets wrongly). */
  readonly permissions: PermissionsPlan;
}

/**
 * What `deploy` would upload: the built folder of each function of `app` (or of `names`) with
 * its files, trigger and permissions, to the app's environment. Reads files only.
 */
export function planFunctionsDeploy(options: PlanOptions & { readonly names?: readonly string[] }): FunctionsPlan {
  const target = resolveTarget(options.config, options.app, options.env, options.envId);
  const configured = Object.values(options.config.functions).filter((fn) => fn.app === options.app);
  const problems: string[] = [];
  const names = options.names && options.names.length > 0 ? [...options.names] : configured.map((fn) => fn.name);
  for (const name of names) {
    const fn = options.config.functions[name];
    if (!fn) problems.push(`${name}: not a function of ${options.config.source}`);
    else if (fn.app !== options.app) problems.push(`${name}: belongs to app ${fn.app}, not ${options.app} (deploy it with --app ${fn.app})`);
  }
  if (names.length === 0) problems.push(`app ${options.app} has no functions in ${options.config.source}`);
  const functions = names
    .filter((name) => options.config.functions[name]?.app === options.app)
    .sort()
    .map((name) =>
      inspectBuiltFunction({
        name,
        builtDir: join(options.root, 'build', 'cloudfunctions', name),
        sourceDir: join(options.root, 'cloudfunctions', name),
        envVars: Object.keys(options.config.functions[name]?.env ?? {}),
      }),
    );
  problems.push(...functions.flatMap((fn) => fn.problems));
  const sharing = sharingSteps(
    options.config,
    options.app,
    functions.map((fn) => fn.name),
  );
  problems.push(...sharing.problems);
  const permissions = planPermissions(options.config, options.app);
  problems.push(...permissions.problems);
  return {
    permissions,
    kind: 'functions',
    target,
    projectPath: options.root,
    privateKey: resolvePrivateKey(options.app, options.env),
    remoteNpmInstall: true,
    functions,
    sharingSteps: sharing.steps,
    problems,
    devtoolsCommand: `cli cloud functions deploy --env ${target.envId} --names ${functions.map((fn) => fn.name).join(' ')} --remote-npm-install --project ${shellQuote(options.root)}`,
  };
}

export interface UploadPlan {
  readonly kind: 'upload';
  readonly target: DeployTarget;
  readonly projectPath: string;
  readonly privateKey: PrivateKey;
  readonly version: string;
  readonly desc: string;
  /** The mini program's files as uploaded (TypeScript is compiled by miniprogram-ci on the way). */
  readonly files: readonly FileEntry[];
  readonly bytes: number;
  /** What env.js will say: the environment `wx.cloud.init` uses. */
  readonly envModule: string;
  /** Globs (relative to the project) left out of the upload, as project.config.json packOptions says. */
  readonly ignores: readonly string[];
  readonly problems: readonly string[];
  readonly devtoolsCommand: string;
}

/** Left out of the mini program package: tests, tooling, type declarations (project.config.json packOptions). */
export const MINIPROGRAM_IGNORES: readonly string[] = ['test', 'node_modules', 'package.json', 'tsconfig.json', '.gitignore'];
const VERSION = /^\d+\.\d+\.\d+([-+.][0-9A-Za-z.-]+)?$/;

/** What `deploy upload` would send: the mini program's files, version and description. */
export function planMiniprogramUpload(options: PlanOptions & { readonly version?: string; readonly desc?: string }): UploadPlan {
  const target = resolveTarget(options.config, options.app, options.env, options.envId);
  const problems: string[] = [];
  const version = options.version?.trim() ?? '';
  if (!VERSION.test(version)) problems.push(`--version must be a version like 1.2.3 (got "${version}")`);
  const dir = join(options.root, MINIPROGRAM_ROOT);
  const files = listFiles(dir, (path) => MINIPROGRAM_IGNORES.includes(path) || path.endsWith('.d.ts') || path === 'env.js');
  const envModule = envModuleSource(target);
  // env.js is written for the target environment just before the upload; listed with that content.
  const withEnv = [...files, { path: 'env.js', bytes: Buffer.byteLength(envModule) }].sort((a, b) => a.path.localeCompare(b.path));
  problems.push(...checkPages(dir));
  return {
    kind: 'upload',
    target,
    projectPath: options.root,
    privateKey: resolvePrivateKey(options.app, options.env),
    version,
    desc: options.desc?.trim() || `wxhub ${version}`,
    files: withEnv,
    bytes: totalBytes(withEnv),
    envModule,
    ignores: [...MINIPROGRAM_IGNORES.map((path) => `${MINIPROGRAM_ROOT}${path}${path.includes('.') ? '' : '/**/*'}`), `${MINIPROGRAM_ROOT}**/*.d.ts`],
    problems,
    devtoolsCommand: `cli upload --project ${shellQuote(options.root)} --version ${shellQuote(version)} --desc ${shellQuote(options.desc?.trim() || `wxhub ${version}`)}`,
  };
}

/** Every page app.json lists has its template, its config and its code. */
function checkPages(dir: string): string[] {
  const appJson = join(dir, 'app.json');
  if (!existsSync(appJson)) return [`${MINIPROGRAM_ROOT}app.json is missing`];
  let pages: unknown;
  try {
    pages = (JSON.parse(readFileSync(appJson, 'utf8')) as { pages?: unknown }).pages;
  } catch {
    return [`${MINIPROGRAM_ROOT}app.json is not valid JSON`];
  }
  if (!Array.isArray(pages) || pages.length === 0) return [`${MINIPROGRAM_ROOT}app.json lists no pages`];
  return pages.flatMap((page: unknown) => {
    const base = join(dir, String(page));
    const missing = ['.wxml', '.json'].filter((ext) => !existsSync(`${base}${ext}`));
    if (!existsSync(`${base}.ts`) && !existsSync(`${base}.js`)) missing.push('.ts');
    return missing.map((ext) => `page ${String(page)}: ${MINIPROGRAM_ROOT}${String(page)}${ext} is missing`);
  });
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
