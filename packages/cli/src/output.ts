import type { CliIo } from './io';

/**
 * How a command answers: `--json` prints one JSON document on stdout (machines), otherwise
 * lines for people on stdout and notes on stderr. Dates and regular expressions are printed in
 * the extended-JSON form the HTTP API uses (`{"$date": ms}`), so nothing changes type on the way.
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** The result: `machine` as JSON with --json, else `human` lines. */
  result(machine: unknown, human: () => readonly string[]): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(printable(machine))}\n`);
    else for (const line of human()) this.io.stdout.write(`${line}\n`);
  }

  /** A remark for people (never part of --json output). */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${text}\n`);
  }
}

/** A value for printing: Dates as {"$date": ms}, RegExps as {"$regex", "$options"}. */
export function printable(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.getTime() };
  if (value instanceof RegExp) return { $regex: value.source, $options: value.flags };
  if (Array.isArray(value)) return value.map(printable);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = printable(field);
    return out;
  }
  return value;
}

/** One line of compact JSON, for a document in a list. */
export function oneLine(value: unknown): string {
  return JSON.stringify(printable(value));
}

export function pretty(value: unknown): string {
  return JSON.stringify(printable(value), null, 2) ?? 'undefined';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'GiB'}`;
}
