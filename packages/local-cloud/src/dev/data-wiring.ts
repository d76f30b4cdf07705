import type { LocalCloud } from '../local-cloud';
import { exportData, importSeed } from '../persistence';

/**
 * What the dev server needs for `--seed` and `--export` (`--data` is `LocalCloud`'s `dataDir`).
 * Seeds and exports are per environment, in the persistence part's seed format
 * (`{"format": "wxhub-local-cloud-seed", "version": 1, "collections": {...}}`); the dev server
 * reads and writes the files itself.
 */
export interface DataTools {
  /** Loads seed text into one environment's database of the running cloud. */
  importSeed(cloud: LocalCloud, envId: string, text: string): void | Promise<void>;
  /** One environment's data as seed text. */
  exportData(cloud: LocalCloud, envId: string): string | Promise<string>;
}

export function persistenceTools(): DataTools {
  return {
    importSeed: (cloud, envId, text) => void importSeed(cloud.databaseStore(envId), text),
    exportData: (cloud, envId) => exportData(cloud.databaseStore(envId)),
  };
}
