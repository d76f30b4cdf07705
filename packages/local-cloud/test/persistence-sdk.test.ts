import * as cloud from 'wx-server-sdk';
import { ManualClock } from '@wxhub/core';
import { close, listen } from '../src/http/server';
import { Router } from '../src/http/router';
import { sqliteStoreFactory } from '../src/persistence';
import { CloudBackend } from '../src/sdk-backend/cloud-backend';
import { applySdkEnv, sdkProcessEnv } from '../src/sdk-backend/sdk-env';
import { makeTempDir } from './fixtures/persistence/temp-dir';
import { sdkCall } from './support/sdk-cloud';

// The real wx-server-sdk against a CloudBackend whose store is SQLite: what it wrote is there
// after the backend is stopped and a new one is started on the same data directory.

const ENV = 'persist-env-1a2b';

interface RunningBackend {
  readonly backend: CloudBackend;
  stop(): Promise<void>;
}

/** A backend on a SQLite data directory, served on a free port, with this process's SDK pointed at it. */
async function startBackend(dir: string, clock: ManualClock): Promise<RunningBackend> {
  const factory = sqliteStoreFactory({ dir });
  try {
    const backend = new CloudBackend({ envIds: [ENV], clock, storeFactory: factory });
    const router = new Router();
    router.mount(backend.service);
    const { server, url } = await listen(router);
    const restoreEnv = applySdkEnv(sdkProcessEnv({ backendUrl: `${url}${CloudBackend.PREFIX}`, envId: ENV }));
    return {
      backend,
      async stop() {
        restoreEnv();
        await close(server);
        factory.close();
      },
    };
  } catch (error) {
    factory.close();
    throw error;
  }
}

const temp = makeTempDir('sdk');
const clock = new ManualClock(Date.UTC(2026, 0, 1, 8, 0, 0));

beforeAll(() => {
  cloud.init({ env: ENV });
});

afterAll(() => temp.remove());

const todos = () => cloud.database().collection('todos');

test('documents written through the SDK are read back through the SDK after a restart', async () => {
  const first = await startBackend(temp.dir, clock);
  try {
    first.backend.database(ENV).createCollection('todos');
    const _ = cloud.database().command;
    await sdkCall(todos().add({ data: { _id: 'a', title: 'first', due: new Date(Date.UTC(2026, 4, 1)), n: 1, tags: ['x'] } }));
    await sdkCall(todos().add({ data: { _id: 'b', title: 'second', created: cloud.database().serverDate(), owner: { name: 'Ann' } } }));
    await sdkCall(todos().add({ data: { _id: 'c', title: 'third' } }));
    await sdkCall(
      todos()
        .doc('a')
        .update({ data: { n: _.inc(4), 'owner.name': 'Bo' } }),
    );
    await sdkCall(todos().doc('c').remove());
    await cloud.database().runTransaction(async (transaction: { collection(name: string): ReturnType<typeof todos> }) => {
      await sdkCall(
        transaction
          .collection('todos')
          .doc('b')
          .update({ data: { done: true } }),
      );
      await sdkCall(transaction.collection('todos').add({ data: { _id: 'd', title: 'in a transaction' } }));
    });
  } finally {
    await first.stop();
  }

  const second = await startBackend(temp.dir, clock);
  try {
    const { data } = await sdkCall(todos().get());
    expect(data).toEqual([
      { _id: 'a', title: 'first', due: new Date(Date.UTC(2026, 4, 1)), n: 5, tags: ['x'], owner: { name: 'Bo' } },
      { _id: 'b', title: 'second', created: new Date(clock.now()), owner: { name: 'Ann' }, done: true },
      { _id: 'd', title: 'in a transaction' },
    ]);
    const dated = await sdkCall(
      todos()
        .where({ due: cloud.database().command.gt(new Date(Date.UTC(2026, 0, 1))) })
        .get(),
    );
    expect(dated.data.map((doc) => doc._id)).toEqual(['a']);
  } finally {
    await second.stop();
  }
});
