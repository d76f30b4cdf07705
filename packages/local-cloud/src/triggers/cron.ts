import { CRON_FIELDS, CronSpecError } from './cron-error';
import { parseField, type FieldDefinition } from './cron-field';

/**
 * Which weekday the number 0 means in the week field. WeChat's current documentation (and
 * Tencent SCF's, on which the timers run) say 0 = Sunday ... 6 = Saturday; an older version of
 * WeChat's page said 0 = Monday ... 6 = Sunday. Names (MON, SUN, ...) mean the same in both.
 */
export type WeekdayZero = 'sunday' | 'monday';

export interface CronOptions {
  /** Default 'sunday' (WeChat's documentation as of 2024/2025). */
  readonly weekdayZero?: WeekdayZero;
  /** The time zone the fields are read in, minutes east of UTC. Default 480: WeChat's timers run in UTC+8. */
  readonly utcOffsetMinutes?: number;
}

export const BEIJING_UTC_OFFSET_MINUTES = 480;
/** WeChat's year field accepts 1970-2099; nothing fires after 2099. */
const LAST_YEAR = 2099;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** In JavaScript's getUTCDay() order: SUN = 0. */
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function definitions(weekdayZero: WeekdayZero): Record<(typeof CRON_FIELDS)[number], FieldDefinition> {
  const shift = weekdayZero === 'monday' ? 6 : 0;
  return {
    second: { name: 'second', min: 0, max: 59 },
    minute: { name: 'minute', min: 0, max: 59 },
    hour: { name: 'hour', min: 0, max: 23 },
    day: { name: 'day', min: 1, max: 31 },
    month: { name: 'month', min: 1, max: 12, names: Object.fromEntries(MONTH_NAMES.map((name, i) => [name, i + 1])) },
    week: {
      name: 'week',
      min: 0,
      max: 6,
      circular: true,
      // Field value of each name: JS day + shift (mod 7) maps Monday to 0 when weeks start on Monday.
      names: Object.fromEntries(DAY_NAMES.map((name, jsDay) => [name, (jsDay + shift) % 7])),
    },
    year: { name: 'year', min: 1970, max: LAST_YEAR },
  };
}

/** A parsed timer schedule: which instants it fires at. */
export interface CronSchedule {
  /** The expression as written. */
  readonly spec: string;
  readonly utcOffsetMinutes: number;
  /** The first fire time strictly after `afterMs` (ms since the epoch), or undefined if none is left. */
  next(afterMs: number): number | undefined;
  /** Whether the schedule fires at this second. */
  matches(atMs: number): boolean;
}

/**
 * Parses WeChat's 7-field timer cron `second minute hour day month week year` (config.json
 * `triggers[].config`). Supports `*`, lists `,`, ranges `-` (names for months and weekdays) and
 * steps `/`; anything else (`?`, `L`, `W`, `#`, 5- or 6-field crontabs) is refused with a
 * CronSpecError naming the field. When both day and week are restricted (not `*`), a day
 * matches if either does, as WeChat documents.
 */
export function parseCron(spec: string, options: CronOptions = {}): CronSchedule {
  const parts = spec.trim().split(/\s+/);
  if (spec.trim() === '' || parts.length !== CRON_FIELDS.length) {
    throw new CronSpecError(
      spec,
      'expression',
      `needs ${CRON_FIELDS.length} fields (${CRON_FIELDS.join(' ')}), found ${spec.trim() === '' ? 0 : parts.length}`,
    );
  }
  const weekdayZero = options.weekdayZero ?? 'sunday';
  const defs = definitions(weekdayZero);
  const [second, minute, hour, day, month, week, year] = CRON_FIELDS.map((name, i) => new Set(parseField(parts[i] as string, defs[name], spec))) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const jsWeekdays = new Set([...week].map((value) => (weekdayZero === 'monday' ? (value + 1) % 7 : value)));
  const dayRestricted = parts[3] !== '*';
  const weekRestricted = parts[5] !== '*';
  const offsetMs = (options.utcOffsetMinutes ?? BEIJING_UTC_OFFSET_MINUTES) * 60_000;

  const dayMatches = (local: Date): boolean => {
    const byDay = day.has(local.getUTCDate());
    const byWeek = jsWeekdays.has(local.getUTCDay());
    if (dayRestricted && weekRestricted) return byDay || byWeek;
    return byDay && byWeek;
  };

  const matches = (atMs: number): boolean => {
    const local = new Date(Math.floor(atMs / 1000) * 1000 + offsetMs);
    return (
      year.has(local.getUTCFullYear()) &&
      month.has(local.getUTCMonth() + 1) &&
      dayMatches(local) &&
      hour.has(local.getUTCHours()) &&
      minute.has(local.getUTCMinutes()) &&
      second.has(local.getUTCSeconds())
    );
  };

  const next = (afterMs: number): number | undefined => {
    // Walk forward in the schedule's local time, skipping a whole year/month/day/hour/minute
    // as soon as its field does not match: at most a few thousand steps over 130 years.
    let local = (Math.floor(afterMs / 1000) + 1) * 1000 + offsetMs;
    for (;;) {
      const d = new Date(local);
      const y = d.getUTCFullYear();
      const mo = d.getUTCMonth();
      const dd = d.getUTCDate();
      const h = d.getUTCHours();
      const mi = d.getUTCMinutes();
      if (y > LAST_YEAR) return undefined;
      if (!year.has(y)) local = Date.UTC(y + 1, 0, 1);
      else if (!month.has(mo + 1)) local = Date.UTC(y, mo + 1, 1);
      else if (!dayMatches(d)) local = Date.UTC(y, mo, dd + 1);
      else if (!hour.has(h)) local = Date.UTC(y, mo, dd, h + 1);
      else if (!minute.has(mi)) local = Date.UTC(y, mo, dd, h, mi + 1);
      else if (!second.has(d.getUTCSeconds())) local += 1000;
      else return local - offsetMs;
    }
  };

  return { spec, utcOffsetMinutes: offsetMs / 60_000, next, matches };
}
