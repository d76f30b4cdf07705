import type { TokenStore } from '../../src';

const NOW = Date.UTC(2026, 0, 1);
const LEASE = 30_000;
const HOUR = 3_600_000;

/**
 * What every TokenStore must do, whatever it keeps its entries in. `makeStore` returns a new,
 * empty store (or the same one and distinct keys: every test uses its own key).
 */
export function describeStoreContract(name: string, makeStore: () => TokenStore | Promise<TokenStore>): void {
  describe(`${name} (TokenStore contract)`, () => {
    let store: TokenStore;
    let n = 0;
    let key: string;
    beforeEach(async () => {
      store = await makeStore();
      key = `contract-key-${++n}`;
    });

    it('reads nothing for an unknown key', async () => {
      expect(await store.read(key)).toBeUndefined();
    });

    it('claim on a missing key wins once and leaves a lease with no token', async () => {
      expect(await store.claim(key, 'a', NOW + LEASE, NOW)).toBe(true);
      expect(await store.claim(key, 'b', NOW + LEASE, NOW)).toBe(false);
      expect(await store.read(key)).toEqual({ lease: { holder: 'a', until: NOW + LEASE } });
    });

    it('a live lease cannot be claimed, a lapsed one can', async () => {
      await store.claim(key, 'a', NOW + LEASE, NOW);
      expect(await store.claim(key, 'b', NOW + 2 * LEASE, NOW + LEASE - 1)).toBe(false);
      expect(await store.claim(key, 'b', NOW + 2 * LEASE, NOW + LEASE)).toBe(true);
      expect((await store.read(key))?.lease).toEqual({ holder: 'b', until: NOW + 2 * LEASE });
    });

    it('exactly one of many concurrent claims wins', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claim(key, `h${i}`, NOW + LEASE, NOW)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await store.read(key))?.lease?.holder).toBe(`h${winner}`);
    });

    it("put by the holder stores the token and frees the lease; the token's full length survives", async () => {
      const token = { value: 'T'.repeat(600), expiresAt: NOW + 2 * HOUR };
      await store.claim(key, 'a', NOW + LEASE, NOW);
      await store.put(key, token, 'a', NOW);
      expect(await store.read(key)).toEqual({ token });
      expect(await store.claim(key, 'b', NOW + LEASE, NOW)).toBe(true);
      expect(await store.read(key)).toEqual({ token, lease: { holder: 'b', until: NOW + LEASE } });
    });

    it("put by a holder whose lease was taken over stores the token and keeps the other's lease", async () => {
      await store.claim(key, 'a', NOW + LEASE, NOW);
      await store.claim(key, 'b', NOW + 3 * LEASE, NOW + LEASE);
      const token = { value: 'late-but-valid-token', expiresAt: NOW + 2 * HOUR };
      await store.put(key, token, 'a', NOW + LEASE);
      expect(await store.read(key)).toEqual({ token, lease: { holder: 'b', until: NOW + 3 * LEASE } });
    });

    it('put without any lease (an entry evicted meanwhile) stores the token', async () => {
      const token = { value: 'token-without-lease', expiresAt: NOW + HOUR };
      await store.put(key, token, 'a', NOW);
      expect(await store.read(key)).toEqual({ token });
    });

    it("release gives up only the holder's own lease and keeps the token", async () => {
      const token = { value: 'kept-token-value', expiresAt: NOW + HOUR };
      await store.put(key, token, 'x', NOW);
      await store.claim(key, 'a', NOW + LEASE, NOW);
      await store.release(key, 'b', NOW);
      expect((await store.read(key))?.lease?.holder).toBe('a');
      await store.release(key, 'a', NOW);
      expect(await store.read(key)).toEqual({ token });
    });

    it('release of a lease-only entry leaves no token behind', async () => {
      await store.claim(key, 'a', NOW + LEASE, NOW);
      await store.release(key, 'a', NOW);
      const entry = await store.read(key);
      expect(entry?.token).toBeUndefined();
      expect(entry?.lease).toBeUndefined();
      expect(await store.claim(key, 'b', NOW + LEASE, NOW)).toBe(true);
    });

    it('evict removes an expired entry and keeps fresh tokens and live leases', async () => {
      await store.put(key, { value: 'fresh-token-value', expiresAt: NOW + HOUR }, 'x', NOW);
      expect(await store.evict(key, NOW)).toBe(false);
      expect(await store.evict(key, NOW + HOUR)).toBe(true);
      expect(await store.read(key)).toBeUndefined();
      expect(await store.evict(key, NOW + HOUR)).toBe(false);

      await store.put(key, { value: 'expired-token-value', expiresAt: NOW }, 'x', NOW);
      await store.claim(key, 'a', NOW + LEASE, NOW);
      expect(await store.evict(key, NOW + 1)).toBe(false);
      expect(await store.evict(key, NOW + LEASE)).toBe(true);
    });

    it('evictExpired removes every dead entry and counts them', async () => {
      const k = (suffix: string) => `${key}-${suffix}`;
      await store.put(k('expired'), { value: 'expired-token-value', expiresAt: NOW - 1 }, 'x', NOW);
      await store.put(k('fresh'), { value: 'fresh-token-value', expiresAt: NOW + HOUR }, 'x', NOW);
      await store.claim(k('leased'), 'a', NOW + LEASE, NOW);
      await store.claim(k('lapsed'), 'a', NOW - 1, NOW - 2);
      expect(await store.evictExpired(NOW)).toBe(2);
      expect(await store.read(k('expired'))).toBeUndefined();
      expect(await store.read(k('lapsed'))).toBeUndefined();
      expect(await store.read(k('fresh'))).toBeDefined();
      expect(await store.read(k('leased'))).toBeDefined();
    });
  });
}
