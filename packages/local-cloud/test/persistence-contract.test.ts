import { sqliteStoreFactory, type SqliteStoreFactory } from '../src/persistence';
import { memoryStoreFactory } from '../src/sdk-backend/document-store';
import { describeStoreContract } from './fixtures/persistence/store-contract';
import { makeTempDir } from './fixtures/persistence/temp-dir';

describeStoreContract('memory', {
  open: () => memoryStoreFactory('env'),
  cleanup: () => undefined,
});

let sqlite: { factory: SqliteStoreFactory; remove(): void } | undefined;

describeStoreContract('sqlite', {
  open: () => {
    const temp = makeTempDir('contract');
    const factory = sqliteStoreFactory({ dir: temp.dir });
    sqlite = { factory, remove: temp.remove };
    return factory('env-1');
  },
  cleanup: () => {
    sqlite?.factory.close();
    sqlite?.remove();
    sqlite = undefined;
  },
});
