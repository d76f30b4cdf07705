import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The version deploys use; installed on first use, never by `pnpm install`. */
export const MINIPROGRAM_CI_VERSION = '2.1.42';

export interface CiProjectOptions {
  readonly appid: string;
  readonly type: 'miniProgram';
  readonly projectPath: string;
  readonly privateKeyPath: string;
  readonly ignores?: readonly string[];
}

/** The part of miniprogram-ci a deploy uses (its own typings are in its 276 MB install). */
export interface MiniprogramCi {
  readonly Project: new (options: CiProjectOptions) => object;
  upload(options: {
    project: object;
    version: string;
    desc?: string;
    setting?: Record<string, unknown>;
    onProgressUpdate?: (task: unknown) => void;
  }): Promise<unknown>;
  readonly cloud: {
    uploadFunction(options: {
      project: object;
      env: string;
      name: string;
      path: string;
      remoteNpmInstall: boolean;
    }): Promise<{ filesCount: number; packSize: number }>;
    createTimeTrigger(options: {
      project: object;
      envId: string;
      functionName: string;
      triggersConfig: Array<{ name: string; type: string; config: string }>;
    }): Promise<unknown>;
  };
}

/**
 * miniprogram-ci, loaded only for a real deploy: from the workspace if someone added it, else
 * from .tools/ where it is installed from the npm registry on first use. It is not a workspace
 * dependency because it brings about 1,100 packages (276 MB) that tests and dry runs never need;
 * install scripts are skipped (one of its dependencies tries to download browsers), which it
 * does not need to load and upload.
 */
export function loadMiniprogramCi(root: string, log: (line: string) => void = console.log): MiniprogramCi {
  const fromWorkspace = tryRequire(() => require.resolve('miniprogram-ci', { paths: [root] }));
  if (fromWorkspace) return fromWorkspace;
  const dir = join(root, '.tools', `miniprogram-ci-${MINIPROGRAM_CI_VERSION}`);
  const entry = join(dir, 'node_modules', 'miniprogram-ci');
  if (!existsSync(join(entry, 'package.json'))) {
    log(`installing miniprogram-ci@${MINIPROGRAM_CI_VERSION} into ${dir} (first deploy only, about a minute)`);
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', `miniprogram-ci@${MINIPROGRAM_CI_VERSION}`], {
      stdio: 'inherit',
    });
  }
  const loaded = tryRequire(() => require.resolve(entry));
  if (!loaded) throw new Error(`miniprogram-ci could not be loaded from ${entry}`);
  return loaded;
}

function tryRequire(resolve: () => string): MiniprogramCi | undefined {
  let path: string;
  try {
    path = resolve();
  } catch {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional tool, loaded by its resolved path when present
  const module: unknown = require(path);
  return asMiniprogramCi(module, path);
}

/** The untyped module, checked for the functions a deploy calls. */
export function asMiniprogramCi(module: unknown, where: string): MiniprogramCi {
  const ci = module as Partial<MiniprogramCi> | null;
  if (
    typeof ci?.Project !== 'function' ||
    typeof ci.upload !== 'function' ||
    typeof ci.cloud?.uploadFunction !== 'function' ||
    typeof ci.cloud.createTimeTrigger !== 'function'
  ) {
    throw new Error(`${where} does not look like miniprogram-ci (Project, upload, cloud.uploadFunction, cloud.createTimeTrigger)`);
  }
  return ci as MiniprogramCi;
}
