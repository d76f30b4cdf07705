import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from './errors';

/**
 * A JSON configuration file that must hold an object (config.json, project.config.json,
 * wxhub.dev.json): undefined when the file does not exist; a ConfigError naming the file when it
 * is not JSON or not an object — a malformed file is an error, never a silent default.
 */
export function readJsonObjectFile(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(file, 'not a JSON object');
  return parsed as Record<string, unknown>;
}
