import { ConfigError } from '@wxhub/core';

/**
 * An index key as the console's 索引管理 offers it (and MongoDB's createIndex spells it): ascending
 * (1), descending (-1) or 地理位置 (geo, '2dsphere'). WeChat's geo queries that sort by distance
 * (Command.geoNear, Aggregate.geoNear) need a '2dsphere' index on the field; the local cloud holds
 * them to it. Ascending and descending keys are accepted and have no local effect.
 */
export type IndexKey = 1 | -1 | '2dsphere';

/** Collection name → field → its index key: the indexes an environment's collections have in the console. */
export type CollectionIndexSettings = Readonly<Record<string, Readonly<Record<string, IndexKey>>>>;

const INDEX_KEYS: readonly IndexKey[] = [1, -1, '2dsphere'];

/** `{collection: {field: 1 | -1 | '2dsphere'}}`; anything else is a ConfigError naming the entry. */
export function parseIndexSettings(raw: unknown, where: string): CollectionIndexSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(where, 'must be {collection: {field: 1 | -1 | "2dsphere"}}');
  const settings: Record<string, Record<string, IndexKey>> = {};
  for (const [collection, fields] of Object.entries(raw)) {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      throw new ConfigError(`${where}.${collection}`, 'must be {field: 1 | -1 | "2dsphere"}');
    }
    const keys: Record<string, IndexKey> = {};
    for (const [field, key] of Object.entries(fields)) {
      if (field === '' || field.startsWith('$')) throw new ConfigError(`${where}.${collection}`, `"${field}" is not a field name`);
      if (!INDEX_KEYS.includes(key as IndexKey)) throw new ConfigError(`${where}.${collection}.${field}`, 'must be 1, -1 or "2dsphere"');
      keys[field] = key as IndexKey;
    }
    settings[collection] = keys;
  }
  return settings;
}
