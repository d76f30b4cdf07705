import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The version of the installed @wxhub/cli, from its package.json: one folder up from this file
 * both in the sources (src/) and in the published package (dist/).
 */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
