import { CronSpecError, type CronFieldName } from './cron-error';

/** What one cron field accepts. */
export interface FieldDefinition {
  readonly name: CronFieldName;
  readonly min: number;
  readonly max: number;
  /** Upper-case names usable instead of numbers (JAN, MON, ...), with their field value. */
  readonly names?: Readonly<Record<string, number>>;
  /** Ranges may wrap past `max` back to `min` (days of the week: FRI-MON). */
  readonly circular?: boolean;
}

/**
 * The values one field of a cron expression selects, sorted. Grammar (WeChat's documented
 * wildcards only): items separated by `,`; an item is `*`, a value, or a range `a-b`, each
 * optionally followed by `/step` (`*` and ranges step through their span, a single value steps
 * from itself up to the field's maximum: `1/10` in minutes is 1, 11, 21, ...).
 */
export function parseField(text: string, field: FieldDefinition, spec: string): number[] {
  const fail = (reason: string): never => {
    throw new CronSpecError(spec, field.name, reason);
  };
  if (text === '') fail('is empty');
  const selected = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') fail(`"${text}" has an empty list item`);
    const [base = '', step, ...rest] = item.split('/');
    if (rest.length > 0) fail(`"${item}" has more than one "/"`);
    const stepSize = step === undefined ? 1 : parseStep(step, item, fail);
    for (const value of expand(base, step !== undefined, field, fail)) {
      if (value.offset % stepSize === 0) selected.add(value.value);
    }
  }
  return [...selected].sort((a, b) => a - b);
}

interface Expanded {
  readonly value: number;
  /** Position from the start of the item's span, for stepping. */
  readonly offset: number;
}

function expand(base: string, stepped: boolean, field: FieldDefinition, fail: (reason: string) => never): Expanded[] {
  if (base === '*') return span(field.min, field.max, field);
  const dash = base.indexOf('-');
  if (dash === -1) {
    const start = parseValue(base, field, fail);
    // `5/15`: from 5 to the end of the field in steps; `5` alone: just 5.
    return stepped ? span(start, field.max, field) : [{ value: start, offset: 0 }];
  }
  const from = parseValue(base.slice(0, dash), field, fail);
  const to = parseValue(base.slice(dash + 1), field, fail);
  if (from > to && !field.circular) fail(`range "${base}" runs backwards (${from} > ${to})`);
  return span(from, to, field);
}

/** from..to inclusive; for a circular field a backwards range wraps (FRI-MON). */
function span(from: number, to: number, field: FieldDefinition): Expanded[] {
  const out: Expanded[] = [];
  const width = field.max - field.min + 1;
  const length = to >= from ? to - from + 1 : width - (from - to) + 1;
  for (let offset = 0; offset < length; offset += 1) {
    out.push({ value: field.min + ((from - field.min + offset) % width), offset });
  }
  return out;
}

function parseValue(text: string, field: FieldDefinition, fail: (reason: string) => never): number {
  if (text === '') fail('a range is missing one of its ends');
  const named = field.names?.[text.toUpperCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) {
    const allowed = field.names ? ` or one of ${Object.keys(field.names).join(',')}` : '';
    fail(`"${text}" is not an integer${allowed}`);
  }
  const value = Number(text);
  if (value < field.min || value > field.max) fail(`${value} is out of range ${field.min}-${field.max}`);
  return value;
}

function parseStep(text: string, item: string, fail: (reason: string) => never): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) fail(`step in "${item}" must be a positive integer`);
  return Number(text);
}
