import fc from 'fast-check';
import { CronSpecError, parseCron, readTimerTrigger, timerTime, type CronFieldName } from '../src/triggers';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@wxhub/core';

/** An instant given in Beijing time (UTC+8), where WeChat's timers run. */
function bj(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour - 8, minute, second);
}

/** The first `count` fire times after `from`. */
function fires(spec: string, from: number, count: number, options = {}): Array<number | undefined> {
  const schedule = parseCron(spec, options);
  const out: Array<number | undefined> = [];
  let at: number | undefined = from;
  for (let i = 0; i < count && at !== undefined; i += 1) {
    at = schedule.next(at);
    out.push(at);
  }
  return out;
}

describe('parseCron: next fire times (UTC+8 by default)', () => {
  it("fires WeChat's documented example daily at 02:00, strictly after the given instant", () => {
    const schedule = parseCron('0 0 2 * * * *');
    expect(schedule.next(bj(2026, 1, 1, 1, 59, 59))).toBe(bj(2026, 1, 1, 2));
    expect(schedule.next(bj(2026, 1, 1, 2))).toBe(bj(2026, 1, 2, 2));
    expect(schedule.next(bj(2026, 1, 1, 2) - 1)).toBe(bj(2026, 1, 1, 2));
  });

  it('steps every 5 seconds across a minute boundary', () => {
    expect(fires('*/5 * * * * * *', bj(2026, 3, 1, 0, 0, 52), 3)).toEqual([bj(2026, 3, 1, 0, 0, 55), bj(2026, 3, 1, 0, 1, 0), bj(2026, 3, 1, 0, 1, 5)]);
  });

  it('steps from a start value to the end of the field (1/10 in minutes)', () => {
    expect(fires('0 1/10 * * * * *', bj(2026, 3, 1, 5, 45), 3)).toEqual([bj(2026, 3, 1, 5, 51), bj(2026, 3, 1, 6, 1), bj(2026, 3, 1, 6, 11)]);
  });

  it('steps through a range (9-17/4 in hours) and takes lists', () => {
    expect(fires('0 0 9-17/4 * * * *', bj(2026, 3, 1, 0), 4)).toEqual([bj(2026, 3, 1, 9), bj(2026, 3, 1, 13), bj(2026, 3, 1, 17), bj(2026, 3, 2, 9)]);
    expect(fires('0 0 10,14,16 * * * *', bj(2026, 3, 1, 11), 3)).toEqual([bj(2026, 3, 1, 14), bj(2026, 3, 1, 16), bj(2026, 3, 2, 10)]);
  });

  it('runs on weekdays only with MON-FRI (Friday 11:00 → Monday 10:15)', () => {
    // 2026-01-02 is a Friday.
    expect(fires('0 15 10 * * MON-FRI *', bj(2026, 1, 2, 11), 2)).toEqual([bj(2026, 1, 5, 10, 15), bj(2026, 1, 6, 10, 15)]);
  });

  it('reads week 0 as Sunday by default and as Monday when configured; names mean the same in both', () => {
    // From Thursday 2026-01-01: Sunday is the 4th, Monday the 5th.
    const from = bj(2026, 1, 1);
    expect(parseCron('0 0 12 * * 0 *').next(from)).toBe(bj(2026, 1, 4, 12));
    expect(parseCron('0 0 12 * * 0 *', { weekdayZero: 'monday' }).next(from)).toBe(bj(2026, 1, 5, 12));
    expect(parseCron('0 0 12 * * 6 *').next(from)).toBe(bj(2026, 1, 3, 12));
    expect(parseCron('0 0 12 * * 6 *', { weekdayZero: 'monday' }).next(from)).toBe(bj(2026, 1, 4, 12));
    for (const weekdayZero of ['sunday', 'monday'] as const) {
      expect(parseCron('0 0 12 * * SUN *', { weekdayZero }).next(from)).toBe(bj(2026, 1, 4, 12));
      expect(parseCron('0 0 12 * * wed *', { weekdayZero }).next(from)).toBe(bj(2026, 1, 7, 12));
    }
  });

  it('wraps a weekday range past the end of the week (FRI-MON)', () => {
    // From Tuesday 2026-01-06: Fri 9, Sat 10, Sun 11, Mon 12, then Fri 16.
    expect(fires('0 0 0 * * FRI-MON *', bj(2026, 1, 6), 5)).toEqual([bj(2026, 1, 9), bj(2026, 1, 10), bj(2026, 1, 11), bj(2026, 1, 12), bj(2026, 1, 16)]);
  });

  it('fires when either the day or the week matches if both are given (WeChat: "或" relation)', () => {
    // The 13th, or any Friday: Fri 2, Fri 9, Tue 13, Fri 16.
    expect(fires('0 0 0 13 * FRI *', bj(2026, 1, 1), 4)).toEqual([bj(2026, 1, 2), bj(2026, 1, 9), bj(2026, 1, 13), bj(2026, 1, 16)]);
  });

  it('skips months without the day, finds leap days, and knows schedules that never fire', () => {
    expect(parseCron('0 0 0 31 * * *').next(bj(2026, 2, 1))).toBe(bj(2026, 3, 31));
    expect(parseCron('0 0 0 29 2 * *').next(bj(2026, 3, 1))).toBe(bj(2028, 2, 29));
    expect(parseCron('0 0 0 30 2 * *').next(bj(2026, 1, 1))).toBeUndefined();
  });

  it('honours month names and the year field, and ends after the last listed year', () => {
    expect(fires('0 0 0 1 JAN,jul * *', bj(2026, 2, 1), 2)).toEqual([bj(2026, 7, 1), bj(2027, 1, 1)]);
    expect(fires('0 30 8 1 1 * 2027-2031/2', bj(2026, 6, 1), 4)).toEqual([bj(2027, 1, 1, 8, 30), bj(2029, 1, 1, 8, 30), bj(2031, 1, 1, 8, 30), undefined]);
    expect(parseCron('0 0 0 * * * 2030').next(bj(2031, 1, 1))).toBeUndefined();
  });

  it('reads the fields in the configured time zone', () => {
    expect(parseCron('0 0 2 * * * *', { utcOffsetMinutes: 0 }).next(Date.UTC(2026, 0, 1))).toBe(Date.UTC(2026, 0, 1, 2));
    expect(parseCron('0 0 2 * * * *').next(Date.UTC(2026, 0, 1))).toBe(Date.UTC(2026, 0, 1, 18));
  });

  it('finds the first matching second, never skipping one (against a second-by-second scan)', () => {
    const fieldArb = (min: number, max: number) =>
      fc.oneof(
        fc.constant('*'),
        fc.integer({ min, max }).map(String),
        fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: 20 })).map(([start, step]) => `${start}/${step}`),
        fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 4 }).map((values) => values.join(',')),
      );
    fc.assert(
      fc.property(
        fieldArb(0, 59),
        fieldArb(0, 59),
        fc.constantFrom('*', '3', '0-5', '22,23'),
        fc.constantFrom('*', '1', '15', '28-31'),
        fc.constantFrom('*', 'MON', '0', 'SAT-SUN'),
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        (second, minute, hour, day, week, from) => {
          const schedule = parseCron(`${second} ${minute} ${hour} ${day} * ${week} *`);
          const next = schedule.next(from);
          expect(next).toBeDefined();
          const found = next as number;
          expect(found).toBeGreaterThan(from);
          expect(found % 1000).toBe(0);
          expect(schedule.matches(found)).toBe(true);
          // No earlier matching second in the last two hours before the answer.
          for (let at = Math.max(Math.floor(from / 1000) * 1000 + 1000, found - 7_200_000); at < found; at += 1000) {
            if (schedule.matches(at)) throw new Error(`${schedule.spec}: ${new Date(at).toISOString()} matches before ${new Date(found).toISOString()}`);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('parseCron: refused expressions name the field', () => {
  const cases: Array<[string, CronFieldName | 'expression']> = [
    ['', 'expression'],
    ['0 0 2 * * *', 'expression'],
    ['0 0 2 * * * * *', 'expression'],
    ['60 * * * * * *', 'second'],
    ['*/0 * * * * * *', 'second'],
    ['0 a * * * * *', 'minute'],
    ['0 0 24 * * * *', 'hour'],
    ['0 0 10-5 * * * *', 'hour'],
    ['0 0 1,,2 * * * *', 'hour'],
    ['0 0 0 0 * * *', 'day'],
    ['0 0 0 ? * MON *', 'day'],
    ['0 0 0 L * * *', 'day'],
    ['0 0 0 15W * * *', 'day'],
    ['0 0 0 * 13 * *', 'month'],
    ['0 0 0 * FOO * *', 'month'],
    ['0 0 0 * * 7 *', 'week'],
    ['0 0 0 * * 5L *', 'week'],
    ['0 0 0 * * 6#3 *', 'week'],
    ['0 0 0 * * MON-FOO *', 'week'],
    ['0 0 0 * * * 1969', 'year'],
    ['0 0 0 * * * 2100', 'year'],
    ['0 0 0 * * * */', 'year'],
    ['0 0 0 * * * 2026/1/2', 'year'],
  ];

  it.each(cases)('%j → %s', (spec, field) => {
    let thrown: unknown;
    try {
      parseCron(spec);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CronSpecError);
    expect((thrown as CronSpecError).field).toBe(field);
    expect((thrown as CronSpecError).message).toContain(field === 'expression' ? 'fields' : `${field} field`);
  });
});

describe('timer trigger config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxhub-trigger-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (config: unknown): void => writeFileSync(join(dir, 'config.json'), JSON.stringify(config));

  it("reads config.json's single timer trigger", () => {
    write({ timeout: 20, triggers: [{ name: 'refresh_third_party_tokens', type: 'timer', config: '0 0 * * * * *' }] });
    const trigger = readTimerTrigger(dir);
    expect(trigger).toMatchObject({ name: 'refresh_third_party_tokens', config: '0 0 * * * * *' });
    expect(trigger?.schedule.next(bj(2026, 1, 1, 3, 20))).toBe(bj(2026, 1, 1, 4));
  });

  it('has no trigger without config.json or without triggers', () => {
    expect(readTimerTrigger(dir)).toBeUndefined();
    write({ timeout: 5 });
    expect(readTimerTrigger(dir)).toBeUndefined();
  });

  it('refuses what WeChat refuses at deploy', () => {
    const timer = { name: 'nightly', type: 'timer', config: '0 0 2 * * * *' };
    write({ triggers: [timer, { ...timer, name: 'second' }] });
    expect(() => readTimerTrigger(dir)).toThrow(ConfigError);
    write({ triggers: [{ ...timer, type: 'cos' }] });
    expect(() => readTimerTrigger(dir)).toThrow(/type/);
    write({ triggers: [{ ...timer, name: '1nightly' }] });
    expect(() => readTimerTrigger(dir)).toThrow(/name/);
    write({ triggers: [{ ...timer, config: '0 0 2 * * *' }] });
    expect(() => readTimerTrigger(dir)).toThrow(CronSpecError);
  });
});

describe('timerTime', () => {
  it("formats SCF's timer Time: UTC, to the second", () => {
    expect(timerTime(Date.UTC(2026, 0, 1, 18, 0, 0, 999))).toBe('2026-01-01T18:00:00Z');
  });
});
