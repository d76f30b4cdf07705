import { NetworkError, ProtocolError, backoffDelay, retry, type Clock } from '../src';

/** A clock that records each wait and returns at once. */
function recordingClock(): Clock & { readonly waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => 0, sleep: async (ms) => void waits.push(ms) };
}

const transient = () => new NetworkError('https://api.example/x', 'ECONNRESET');

describe('retry', () => {
  test('returns the first success without waiting', async () => {
    const clock = recordingClock();
    const seen: number[] = [];
    await expect(retry(async (attempt) => (seen.push(attempt), 'ok'), { clock })).resolves.toBe('ok');
    expect(seen).toEqual([1]);
    expect(clock.waits).toEqual([]);
  });

  test('retries transient failures up to `attempts`, then throws the last one', async () => {
    const clock = recordingClock();
    const errors = [transient(), transient(), transient()];
    let calls = 0;
    await expect(retry(async () => Promise.reject(errors[calls++]), { attempts: 3, clock, random: () => 0.5 })).rejects.toBe(errors[2]);
    expect(calls).toBe(3);
    expect(clock.waits).toHaveLength(2);
  });

  test('a permanent failure is thrown at once', async () => {
    const clock = recordingClock();
    const permanent = new ProtocolError('https://api.example/x', 'not JSON');
    let calls = 0;
    await expect(retry(async () => Promise.reject((calls++, permanent)), { clock })).rejects.toBe(permanent);
    expect(calls).toBe(1);
  });

  test('`retryable` decides instead of the error type', async () => {
    let calls = 0;
    const result = await retry(
      async () => {
        if (++calls < 3) throw new Error('busy');
        return calls;
      },
      { attempts: 5, retryable: (error) => (error as Error).message === 'busy', clock: recordingClock() },
    );
    expect(result).toBe(3);
  });

  test('full jitter: each wait is drawn from zero up to a ceiling that doubles to maxDelayMs', async () => {
    const draws = [0, 0.5, 0.999, 0.25];
    const clock = recordingClock();
    await expect(
      retry(async () => Promise.reject(transient()), { attempts: 5, baseDelayMs: 100, maxDelayMs: 300, clock, random: () => draws.shift() as number }),
    ).rejects.toBeInstanceOf(NetworkError);
    // Ceilings 100, 200, 300 (capped), 300; a draw of 0 waits 0 ms (equal jitter would wait half the ceiling).
    expect(clock.waits).toEqual([0, 100, 299.7, 75]);
  });

  test('backoffDelay stays below its ceiling', () => {
    expect(backoffDelay(1, 200, 5000, 0)).toBe(0);
    expect(backoffDelay(3, 200, 5000, 0.5)).toBe(400);
    expect(backoffDelay(10, 200, 5000, 0.999999)).toBeLessThan(5000);
  });
});
