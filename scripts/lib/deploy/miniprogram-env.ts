/**
 * What ties the mini program in `miniprogram/` to a cloud environment: `miniprogram/env.js`
 * (read by app.ts for `wx.cloud.init`) and the appid and TypeScript setting in
 * `project.config.json` (read by WeChat devtools and miniprogram-ci). Written from the project
 * configuration; `tsx scripts/lib/deploy/miniprogram-env.ts` writes them for the build.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@wxhub/core';
import { loadProjectConfig, type ProjectConfig } from '@wxhub/project-config';

/** The app of the configuration whose mini program lives in `miniprogram/`. */
export const MINIPROGRAM_APP = 'B';
export const MINIPROGRAM_ROOT = 'miniprogram/';

export interface MiniprogramTarget {
  readonly app: string;
  readonly appid: string;
  readonly envId: string;
}

/** The configured appid and environment of `app`; `envId` overrides the environment (a deploy to another one). */
export function miniprogramTarget(config: ProjectConfig, app = MINIPROGRAM_APP, envId?: string): MiniprogramTarget {
  const settings = config.apps[app];
  if (!settings) throw new ConfigError(`apps.${app}`, `is not in ${config.source}: the mini program in ${MINIPROGRAM_ROOT} belongs to it`);
  return { app, appid: settings.appid, envId: envId ?? settings.envId };
}

export function envModuleSource(target: MiniprogramTarget): string {
  return [
    `// Written from the project configuration (apps.${target.app}) by scripts/lib/deploy/miniprogram-env.ts; do not edit.`,
    `module.exports = { CLOUD_ENV: ${JSON.stringify(target.envId)}, APPID: ${JSON.stringify(target.appid)} };`,
    '',
  ].join('\n');
}

/** The fields of project.config.json this project sets; every other field is kept as it is. */
export function projectConfigFields(target: MiniprogramTarget, current: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const setting = typeof current.setting === 'object' && current.setting !== null ? (current.setting as Record<string, unknown>) : {};
  const plugins = Array.isArray(setting.useCompilerPlugins) ? (setting.useCompilerPlugins as unknown[]) : [];
  return {
    ...current,
    appid: target.appid,
    // Devtools compiles the pages' TypeScript itself; nothing is emitted into the source tree.
    setting: { ...setting, useCompilerPlugins: plugins.includes('typescript') ? plugins : [...plugins, 'typescript'] },
    packOptions: {
      ignore: [
        { type: 'folder', value: 'test' },
        { type: 'folder', value: 'node_modules' },
        { type: 'file', value: 'package.json' },
        { type: 'file', value: 'tsconfig.json' },
        { type: 'file', value: '.gitignore' },
        { type: 'suffix', value: '.d.ts' },
      ],
      include: [],
    },
  };
}

export interface WrittenFiles {
  readonly envModule: string;
  readonly projectConfig: string;
  /** The files whose content changed. */
  readonly changed: string[];
}

/** Writes env.js and project.config.json for `target`; a file whose content would not change is left alone. */
export function writeMiniprogramEnv(root: string, target: MiniprogramTarget): WrittenFiles {
  const envModule = join(root, MINIPROGRAM_ROOT, 'env.js');
  const projectConfig = join(root, 'project.config.json');
  const current = existsSync(projectConfig) ? (JSON.parse(readFileSync(projectConfig, 'utf8')) as Record<string, unknown>) : { compileType: 'miniprogram' };
  const changed = [
    writeIfChanged(envModule, envModuleSource(target)),
    writeIfChanged(projectConfig, `${JSON.stringify(projectConfigFields(target, current), null, 2)}\n`),
  ].filter((file): file is string => file !== undefined);
  return { envModule, projectConfig, changed };
}

/** Atomic (rename), so concurrent test workers and builds never read half a file. */
function writeIfChanged(file: string, text: string): string | undefined {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return undefined;
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
  return file;
}

if (require.main === module) {
  const root = join(__dirname, '..', '..', '..');
  try {
    const target = miniprogramTarget(loadProjectConfig({ root, mode: 'local' }));
    const written = writeMiniprogramEnv(root, target);
    console.log(
      `mini program ${target.appid} → cloud env ${target.envId} (${written.changed.length > 0 ? `wrote ${written.changed.map((file) => file.slice(root.length + 1)).join(', ')}` : 'up to date'})`,
    );
  } catch (error) {
    console.error(`miniprogram env: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
