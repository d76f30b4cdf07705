import { UsageError } from './exit-codes';
import type { CliIo } from './io';

/** Exactly `count` operands (`optional` more allowed), or a usage error naming what is missing. */
export function expectOperands(operands: readonly string[], command: string, names: readonly string[], optional = 0): void {
  if (operands.length < names.length) throw new UsageError(`missing ${names.slice(operands.length).join(' and ')}`, command);
  if (operands.length > names.length + optional)
    throw new UsageError(`too many arguments (${operands.length}); quote a query or JSON that contains spaces`, command);
}

/** An operand, or all of standard input for `-` (long queries, JSON from a file). */
export async function operandText(value: string, io: CliIo): Promise<string> {
  return value === '-' ? (await io.readStdin()).trim() : value;
}

export function jsonObject(text: string, what: string, command: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not JSON: ${(error as Error).message}`, command);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${what} must be a JSON object`, command);
  return parsed as Record<string, unknown>;
}
