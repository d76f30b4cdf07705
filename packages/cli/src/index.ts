export { runCli, COMMANDS } from './cli';
export { ExitCode, UsageError, type ExitCodeValue } from './exit-codes';
export type { CliIo } from './io';
export { resolveTarget, type Target } from './target';
export { DEFAULT_LOCAL_CLOUD_PORT, DEFAULT_LOCAL_CLOUD_URL, REAL_WECHAT_API } from './endpoints';
