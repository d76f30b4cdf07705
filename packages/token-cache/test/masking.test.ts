import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { mask } from '@wxhub/core';
import { FileStore, MemoryStore, TokenStoreError } from '../src';
import { instances, KEY, MINUTE } from './support/setup';
import { UpstreamTestError } from './support/transient-error';

describe('8. no token in events or errors', () => {
  it('events carry masked tokens only, even when an upstream or store message quotes one', async () => {
    const inner = new MemoryStore();
    const [a, b] = instances(2, inner, { retry: { attempts: 1 } });
    const provider = a!.provider;

    // fetched + store-hit + waiting
    provider.hold();
    const started = provider.nextFetch();
    const first = a!.cache.get(KEY);
    await started;
    const waiting = b!.cache.get(KEY);
    await b!.log.when('waiting');
    provider.release();
    const token = await first;
    await waiting;

    // refresh-failed + stale-served, with an upstream message that quotes the old token
    a!.clock.advance(116 * MINUTE);
    provider.failWith(new UpstreamTestError(40001, false, `invalid credential, access_token is ${token}`));
    expect(await a!.cache.get(KEY)).toBe(token);

    // invalidated + a store error on put that quotes the new token
    jest.spyOn(inner, 'put').mockImplementationOnce(async (_key, fresh) => {
      throw new TokenStoreError('put', KEY, `write of ${fresh.value} refused`);
    });
    a!.clock.advance(MINUTE); // past the shared backoff the failure above started
    const replacement = await a!.cache.invalidate(KEY, token);

    const events = [...a!.log.events, ...b!.log.events];
    const types = new Set(events.map((event) => event.type));
    for (const type of ['fetched', 'store-hit', 'waiting', 'refresh-failed', 'stale-served', 'invalidated', 'store-error']) {
      expect(types).toContain(type);
    }
    const text = JSON.stringify(events);
    for (const value of [...provider.issued, token, replacement]) expect(text).not.toContain(value);
    expect(text).toContain(mask(token));
    expect(text).toContain(mask(replacement));
  });

  it('store errors name the operation and the key, not the token', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxhub-token-cache-'));
    try {
      const notADirectory = path.join(dir, 'file');
      writeFileSync(notADirectory, '');
      const store = new FileStore({ dir: notADirectory });
      const secretToken = 'SECRET-TOKEN-VALUE-0123456789';
      const error = await store.put(KEY, { value: secretToken, expiresAt: Date.now() + MINUTE }, 'h', Date.now()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenStoreError);
      expect(String((error as Error).message)).toContain(KEY);
      expect(String((error as Error).message)).not.toContain(secretToken);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
