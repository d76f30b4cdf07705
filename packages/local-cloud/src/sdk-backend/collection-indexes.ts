import type { CollectionIndexSettings, IndexKey } from '@wxhub/project-config';
import { requestFailed, type CloudBackendError } from './backend-error';

/**
 * The indexes an environment's collections are declared to have (the console's 索引管理; locally the
 * project configuration's apps.<app>.indexes, wxhub.dev.json's "indexes" or PUT /admin/indexes).
 * Declared configuration, not data: clearing or dropping documents keeps it, as a test's or a
 * restart's empty collection still has the indexes the console gave it.
 *
 * Only the geo ones change behaviour: WeChat's database answers a geoNear ($nearSphere / $near,
 * Aggregate.geoNear) on a field without a 2dsphere index with -502001 and MongoDB's planner error
 * "unable to find index for $geoNear query" (docs/wechat-facts.md, "Geo index"), so the local cloud
 * refuses it too instead of working locally and failing in production.
 */
export class CollectionIndexes {
  private readonly byCollection = new Map<string, Map<string, IndexKey>>();

  declare(settings: CollectionIndexSettings): void {
    for (const [collection, fields] of Object.entries(settings)) {
      const keys = this.byCollection.get(collection) ?? new Map<string, IndexKey>();
      for (const [field, key] of Object.entries(fields)) keys.set(field, key);
      this.byCollection.set(collection, keys);
    }
  }

  /** Every declared index, collection → field → key. */
  describe(): CollectionIndexSettings {
    return Object.fromEntries([...this.byCollection].map(([collection, keys]) => [collection, Object.fromEntries(keys)]));
  }

  /** The collection's fields with a 2dsphere index. */
  geoFields(collection: string): string[] {
    return [...(this.byCollection.get(collection) ?? [])].filter(([, key]) => key === '2dsphere').map(([field]) => field);
  }

  /** Throws WeChat's answer to a geoNear on `field` when it has no 2dsphere index. */
  requireGeoIndex(collection: string, field: string): void {
    if (!this.geoFields(collection).includes(field)) throw missingGeoIndex(collection, field);
  }
}

export function missingGeoIndex(collection: string, field: string | undefined): CloudBackendError {
  const key = field ?? '<field>';
  return requestFailed(
    `unable to find index for $geoNear query: collection "${collection}" has no geo index (2dsphere) on ` +
      `${field === undefined ? 'any field' : `field "${field}"`}. WeChat needs one (console: 数据库 → 索引管理 → 地理位置索引); ` +
      `declare it locally as indexes {"${collection}": {"${key}": "2dsphere"}} in the project configuration's apps.<app>, ` +
      `in wxhub.dev.json, or with PUT /admin/indexes`,
  );
}
