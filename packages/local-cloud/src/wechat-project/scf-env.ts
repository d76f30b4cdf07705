import * as path from 'node:path';

export interface ScfEnvOptions {
  readonly functionName: string;
  readonly dir: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** The Node version the instance runs on, e.g. `v16.13.2`. */
  readonly nodeVersion: string;
}

/**
 * The variables SCF's Node runtime sets for a function besides the SDK's (sdkProcessEnv): its
 * name, version, memory, time limit and runtime, and where its code is (USER_CODE_ROOT, SCF's
 * /var/user). UNCERTAIN in detail (docs/wechat-facts.md): names from Tencent SCF's documentation of
 * built-in variables; the local values stand in for the cloud's paths.
 */
export function scfRuntimeEnv(options: ScfEnvOptions): Record<string, string> {
  const [major, minor] = options.nodeVersion.replace(/^v/, '').split('.');
  return {
    SCF_FUNCTIONNAME: options.functionName,
    SCF_FUNCTIONVERSION: '$LATEST',
    SCF_MEMORYSIZE: String(options.memoryMb),
    SCF_TIMEOUT: String(options.timeoutSeconds),
    SCF_RUNTIME: `Nodejs${major}.${minor}`,
    USER_CODE_ROOT: options.dir,
  };
}

/**
 * SCF's NODE_PATH puts the function's root and its node_modules first (so `require('lib/x')`
 * finds `<root>/lib/x`, as on WeChat). Nothing of the local cloud's own installation is added:
 * the function runs on the wx-server-sdk its package.json installed, or fails as it would there.
 */
export function scfNodePath(dir: string): string {
  return [dir, path.join(dir, 'node_modules')].join(path.delimiter);
}

/** Names WeChat's runtime sets, which a function reading them does not need from a .env file. */
export function isPlatformVariable(name: string): boolean {
  return /^(WX_|TCB_|SCF_|TENCENTCLOUD_|USER_CODE_ROOT$|NODE_|TZ$|PATH$|HOME$|TMPDIR$|LANG$|WECHAT_API_BASE$|BAIDU_API_BASE$|TRIGGER_SRC$|WXHUB_SDK_BACKEND$|WXHUB_FUNCTION_ENTRY$)/.test(
    name,
  );
}
