import { ManualClock, WxhubError } from '@wxhub/core';
import { refreshAll } from '../src/refresh';
import type { SetconfigCollection } from '../src/setconfig';

class UpstreamDown extends WxhubError {
  readonly code = 'BAIDU_DOWN';
  readonly transient = false;
}

describe('refresh_tokens logs one structured, masked line per token event', () => {
  it('fetched (masked token), refresh-failed (scrubbed message)', async () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const saved: unknown[] = [];
    const setconfig = {
      find: async () => undefined,
      saveToken: async (...args: unknown[]) => saved.push(args),
      saveError: async () => undefined,
    } as unknown as SetconfigCollection;
    const secret = 'baidu-client-secret-0123456789';
    const value = 'BAIDU-TOKEN-VALUE-0123456789abcdef';
    const entries = [
      { configName: 'baidu_ocr', clientId: 'client-id-ok', clientSecret: secret },
      { configName: 'baidu_nlp', clientId: 'client-id-bad', clientSecret: secret },
    ] as never;
    await refreshAll(entries, {
      setconfig,
      clock,
      marginMs: 60_000,
      log: (line) => lines.push(line),
      fetchToken: async (entry) => {
        if (entry.configName === 'baidu_nlp') throw new UpstreamDown(`refused client_secret=${secret}`);
        return { value, expiresAt: clock.now() + 3_600_000 };
      },
    });
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ log: 'token', fn: 'refresh_tokens', type: 'fetched', key: 'baidu_ocr' }),
        expect.objectContaining({ log: 'token', fn: 'refresh_tokens', type: 'refresh-failed', key: 'baidu_nlp', code: 'BAIDU_DOWN' }),
      ]),
    );
    expect(lines.join('\n')).not.toContain(value);
    expect(lines.join('\n')).not.toContain(secret);
  });
});
