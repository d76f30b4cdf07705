import * as path from 'node:path';
import { ConfigError, readJsonObjectFile } from '@wxhub/core';

/**
 * What the runtime takes from a function's config.json: its timeout, in seconds as WeChat writes
 * it. (Triggers and permissions are other parts' business; WeChat's config.json has no env vars.)
 */
export interface FunctionConfigFile {
  readonly timeoutSeconds?: number;
}

/** Reads `<dir>/config.json` if there is one; a malformed file is an error, not a silent default. */
export function readFunctionConfig(dir: string): FunctionConfigFile {
  const file = path.join(dir, 'config.json');
  const parsed = readJsonObjectFile(file);
  if (parsed === undefined) return {};
  const timeout = (parsed as { timeout?: unknown }).timeout;
  if (timeout === undefined) return {};
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw new ConfigError(`${file} timeout`, 'must be a positive number of seconds');
  }
  return { timeoutSeconds: timeout };
}
