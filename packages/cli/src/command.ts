import type { OptionName, ParsedArgs } from './args';
import type { Connection } from './connection';
import type { ExitCodeValue } from './exit-codes';
import type { CliIo } from './io';
import type { Output } from './output';

export interface CommandContext {
  readonly args: ParsedArgs;
  /** The positionals after the command's own words. */
  readonly operands: readonly string[];
  readonly io: CliIo;
  readonly out: Output;
  /** The app and endpoint from the options and the configuration; read only when a command needs them, so `--help` needs no configuration. */
  connect(): Connection;
}

export interface Command {
  /** The words that select it: 'token', 'db query'. */
  readonly name: string;
  readonly summary: string;
  /** Operands, e.g. '<function> [event-json|-]'. */
  readonly operands: string;
  /** More about what it does, wrapped by the author. */
  readonly details: readonly string[];
  /** Options beyond the common ones, with their help lines. */
  readonly options: ReadonlyArray<readonly [OptionName, string]>;
  readonly examples: readonly string[];
  run(context: CommandContext): Promise<ExitCodeValue>;
}
