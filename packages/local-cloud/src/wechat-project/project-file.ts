import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, readJsonObjectFile } from '@wxhub/core';

/** What `wxhub dev` takes from a WeChat devtools project's project.config.json. */
export interface ProjectFile {
  /** The project folder (where project.config.json is). */
  readonly root: string;
  readonly appid: string;
  /** `projectname`, else the folder's name: how the terminal and `--app` name the mini program. */
  readonly name: string;
  /** `cloudfunctionRoot`, absolute. */
  readonly functionsRoot: string;
  /** `miniprogramRoot`, absolute, when the project has one. */
  readonly miniprogramRoot?: string;
}

export const PROJECT_FILE = 'project.config.json';

/**
 * Reads `<root>/project.config.json` as WeChat devtools writes it. A project without
 * `cloudfunctionRoot` has no cloud functions to run: that is refused with the field named, as is
 * a missing appid (the local cloud keys each mini program by it).
 */
export function readProjectFile(root: string): ProjectFile {
  const dir = path.resolve(root);
  const file = path.join(dir, PROJECT_FILE);
  const parsed = readJsonObjectFile(file);
  if (parsed === undefined) throw new ConfigError(file, `does not exist: is ${dir} a WeChat devtools project?`);
  const { appid, projectname, cloudfunctionRoot, miniprogramRoot } = parsed as Record<string, unknown>;
  if (typeof appid !== 'string' || appid === '') throw new ConfigError(`${file} appid`, 'must be the mini program appid');
  if (typeof cloudfunctionRoot !== 'string' || cloudfunctionRoot === '') {
    throw new ConfigError(`${file} cloudfunctionRoot`, 'is not set: the project has no cloud functions folder');
  }
  const functionsRoot = path.resolve(dir, cloudfunctionRoot);
  if (!existsSync(functionsRoot)) throw new ConfigError(`${file} cloudfunctionRoot`, `names ${functionsRoot}, which does not exist`);
  return {
    root: dir,
    appid,
    name: typeof projectname === 'string' && projectname !== '' ? decodeURIComponent(projectname) : path.basename(dir),
    functionsRoot,
    ...(typeof miniprogramRoot === 'string' && miniprogramRoot !== '' ? { miniprogramRoot: path.resolve(dir, miniprogramRoot) } : {}),
  };
}
