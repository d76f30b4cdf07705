import { InvalidArgumentError } from '@wxhub/core';
import type { UpdateCommandName as LanguageUpdateCommandName } from '@wxhub/db-query-language';
import { enter, integerLiteral, keyLiteral, numberLiteral, stringLiteral } from './literals';
import { QueryPart, call, definedEntries, isPlainObject, renderValue, type Mode, type Role } from './render';

/** The language's update commands, and the builder's names for `_.push({each…})` and `_.addToSet({$each})`. */
export type UpdateCommandName = LanguageUpdateCommandName | 'pushEach' | 'addToSetEach';

/** What `_.pushEach()` takes: wx-server-sdk's `_.push({each, position, sort, slice})`. */
export interface PushOptions {
  readonly each: readonly unknown[];
  readonly position?: number;
  readonly sort?: 1 | -1 | Readonly<Record<string, 1 | -1>>;
  readonly slice?: number;
}

/** `_.inc(1)` and friends: how `update()` changes one field. */
export class UpdateCommand extends QueryPart {
  protected readonly role: Role = 'update';

  /** @internal */
  constructor(
    private readonly name: UpdateCommandName,
    private readonly args: readonly unknown[],
  ) {
    super();
  }

  describe(): string {
    return `_.${this.name}()`;
  }

  render(depth: number, _mode: Mode, what: string): string {
    const where = `${what} _.${this.name}()`;
    const [first] = this.args;
    const data = (value: unknown) => (inner: number) => renderValue(value, 'data', inner, where);
    switch (this.name) {
      case 'remove':
      case 'pop':
      case 'shift':
        return call(`_.${this.name}`, depth, where, []);
      case 'inc':
      case 'mul':
        if (typeof first !== 'number') throw new InvalidArgumentError(where, 'takes a number');
        return call(`_.${this.name}`, depth, where, [() => numberLiteral(first, where)]);
      case 'rename':
        if (typeof first !== 'string' || first === '') throw new InvalidArgumentError(where, 'takes a non-empty field name');
        return call('_.rename', depth, where, [() => stringLiteral(first)]);
      case 'bit':
        if (!isPlainObject(first)) throw new InvalidArgumentError(where, 'takes an object such as {and: 5}');
        return call('_.bit', depth, where, [data(first)]);
      case 'addToSet':
        // An object with `$each` would be read as the modifier, not as the value to add.
        if (isPlainObject(first) && Object.keys(first).some((key) => key.startsWith('$'))) {
          throw new InvalidArgumentError(where, "cannot add an object with '$' keys; use _.addToSetEach([…]) to add several values");
        }
        return call('_.addToSet', depth, where, [data(first)]);
      case 'addToSetEach':
        if (!Array.isArray(first) || first.length === 0) throw new InvalidArgumentError(where, 'takes a non-empty array');
        return call('_.addToSet', depth, where, [(inner) => `{"$each": ${data(first)(enter(inner, where))}}`]);
      case 'push':
      case 'unshift':
        // Always the array form: a single object argument with an `each` key would be read as options.
        return call(`_.${this.name}`, depth, where, [data(this.list(where))]);
      case 'pushEach':
        return call('_.push', depth, where, [(inner) => this.pushOptions(first, inner, where)]);
      case 'pull':
        return call('_.pull', depth, where, [(inner) => renderValue(first, 'operand', inner, where)]);
      case 'pullAll':
        if (!Array.isArray(first)) throw new InvalidArgumentError(where, 'takes an array');
        return call('_.pullAll', depth, where, [data(first)]);
      case 'set':
      case 'max':
      case 'min':
        return call(`_.${this.name}`, depth, where, [data(first)]);
    }
  }

  private list(where: string): readonly unknown[] {
    const [first] = this.args;
    const values = this.args.length === 1 && Array.isArray(first) ? (first as readonly unknown[]) : this.args;
    if (values.length === 0) throw new InvalidArgumentError(where, 'needs at least one value');
    return values;
  }

  private pushOptions(options: unknown, depth: number, where: string): string {
    if (!isPlainObject(options) || !Array.isArray(options.each)) throw new InvalidArgumentError(where, 'takes {each: […], position?, sort?, slice?}');
    const inner = enter(depth, where);
    const fields = definedEntries(options).map(([key, value]) => {
      switch (key) {
        case 'each':
          return `each: ${renderValue(value, 'data', inner, where)}`;
        case 'position':
        case 'slice':
          return `${key}: ${integerLiteral(value as number, `${where} ${key}`, Number.MIN_SAFE_INTEGER)}`;
        case 'sort':
          return `sort: ${renderValue(value, 'data', inner, where)}`;
        default:
          throw new InvalidArgumentError(where, `does not take '${keyLiteral(key, where)}'`);
      }
    });
    return `{${fields.join(', ')}}`;
  }
}
