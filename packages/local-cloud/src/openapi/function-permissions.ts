import * as path from 'node:path';
import { ConfigError, readJsonObjectFile } from '@wxhub/core';

/**
 * The cloud calls a function declares in its config.json (`permissions.openapi`, e.g.
 * `["customerServiceMessage.send"]`); WeChat refuses any other with -604101. No config.json, or
 * none declared, means none allowed. A malformed declaration is an error, not a silent "none".
 */
export function readOpenApiPermissions(dir: string): string[] {
  const file = path.join(dir, 'config.json');
  const parsed = readJsonObjectFile(file);
  if (parsed === undefined) return [];
  const permissions = (parsed as { permissions?: unknown } | null)?.permissions;
  if (permissions === undefined) return [];
  if (typeof permissions !== 'object' || permissions === null) throw new ConfigError(`${file} permissions`, 'must be an object');
  const openapi = (permissions as { openapi?: unknown }).openapi;
  if (openapi === undefined) return [];
  if (!Array.isArray(openapi) || !openapi.every((name): name is string => typeof name === 'string' && name !== '')) {
    throw new ConfigError(`${file} permissions.openapi`, 'must be an array of API names');
  }
  return [...openapi];
}
