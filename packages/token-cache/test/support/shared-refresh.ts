import type { TokenStore } from '../../src';
import { instances, KEY } from './setup';

/**
 * The scenario of guarantee 3 on any store: five cache instances sharing `store`, ten concurrent
 * `get`s each, the upstream fetch held until every instance that did not win the lease is seen
 * waiting for the holder. The test asserts on what it returns.
 */
export async function fiveInstancesTenGets(store: TokenStore) {
  const group = instances(5, store);
  const provider = group[0]!.provider;
  provider.hold();
  const started = provider.nextFetch();
  const gets = group.flatMap((instance) => Array.from({ length: 10 }, () => instance.cache.get(KEY)));
  await started;
  const holder = (await store.read(KEY))?.lease?.holder;
  const others = group.filter((instance) => instance.cache.holderId !== holder);
  await Promise.all(others.map((instance) => instance.log.when('waiting', (event) => event.holder === holder)));
  provider.release();
  return { provider, others, values: await Promise.all(gets) };
}
