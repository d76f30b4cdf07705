import { InvalidArgumentError } from '@wxhub/core';
import type { LogicCommandName, QueryCommandName } from '@wxhub/db-query-language';
import { integerLiteral, numberLiteral } from './literals';
import { QueryPart, call, isPlainObject, renderValue, type Mode, type Role } from './render';
import type { AggregateValue, Condition, DataValue, ExprConditionPart, LogicCommandPart, QueryCommandPart } from './types';

type Comparison = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';

/** A query or logic command: `.and()` / `.or()` combine it with more conditions. */
abstract class ChainableCommand extends QueryPart {
  /** This condition and the others, on the same field. */
  and(...conditions: Condition[] | [readonly Condition[]]): LogicCommand {
    return new LogicCommand('and', [this, ...spread(conditions)]);
  }

  or(...conditions: Condition[] | [readonly Condition[]]): LogicCommand {
    return new LogicCommand('or', [this, ...spread(conditions)]);
  }
}

/** `_.gt(18)` and friends: a condition on the field it is the value of. */
export class QueryCommand extends ChainableCommand implements QueryCommandPart {
  protected readonly role: Role = 'query';
  readonly kind = 'query-command';

  /** @internal */
  constructor(
    private readonly name: QueryCommandName,
    private readonly args: readonly unknown[],
  ) {
    super();
  }

  describe(): string {
    return `_.${this.name}()`;
  }

  eq(value: DataValue): LogicCommand {
    return this.also('eq', value);
  }

  neq(value: DataValue): LogicCommand {
    return this.also('neq', value);
  }

  gt(value: DataValue): LogicCommand {
    return this.also('gt', value);
  }

  gte(value: DataValue): LogicCommand {
    return this.also('gte', value);
  }

  lt(value: DataValue): LogicCommand {
    return this.also('lt', value);
  }

  lte(value: DataValue): LogicCommand {
    return this.also('lte', value);
  }

  in(values: readonly DataValue[]): LogicCommand {
    return this.and(new QueryCommand('in', [values]));
  }

  nin(values: readonly DataValue[]): LogicCommand {
    return this.and(new QueryCommand('nin', [values]));
  }

  private also(name: Comparison, value: DataValue): LogicCommand {
    return this.and(new QueryCommand(name, [value]));
  }

  render(depth: number, _mode: Mode, what: string): string {
    const [first, second] = this.args;
    const head = `_.${this.name}`;
    const where = `${what} ${head}()`;
    switch (this.name) {
      case 'in':
      case 'nin':
      case 'all':
        if (!Array.isArray(first)) throw new InvalidArgumentError(where, 'takes an array');
        return call(head, depth, where, [(inner) => renderValue(first, 'data', inner, where)]);
      case 'elemMatch':
        if (!isPlainObject(first) && !(first instanceof QueryCommand)) throw new InvalidArgumentError(where, 'takes an object or a query command');
        return call(head, depth, where, [(inner) => renderValue(first, 'operand', inner, where)]);
      case 'exists':
        if (typeof first !== 'boolean') throw new InvalidArgumentError(where, 'takes a boolean');
        return call(head, depth, where, [() => String(first)]);
      case 'size':
        return call(head, depth, where, [() => integerLiteral(first as number, where, 0)]);
      case 'mod':
        if (typeof first !== 'number' || typeof second !== 'number') throw new InvalidArgumentError(where, 'takes a divisor and a remainder');
        return call(head, depth, where, [() => numberLiteral(first, where), () => numberLiteral(second, where)]);
      default:
        return call(head, depth, where, [(inner) => renderValue(first, 'data', inner, where)]);
    }
  }
}

/**
 * `_.and/_.or/_.nor(…)` of conditions, `_.not(command)`. As a field's value its commands apply
 * to that field; as `where()`'s argument its operands must be whole filters.
 */
export class LogicCommand extends ChainableCommand implements LogicCommandPart {
  protected readonly role: Role = 'logic';
  readonly kind = 'logic-command';

  /** @internal */
  constructor(
    private readonly name: LogicCommandName,
    private readonly operands: readonly unknown[],
  ) {
    super();
  }

  describe(): string {
    return `_.${this.name}()`;
  }

  render(depth: number, _mode: Mode, what: string): string {
    return this.renderCondition(depth, true, what);
  }

  /** @internal `onField`: whether the command is a field's value rather than a whole filter. */
  renderCondition(depth: number, onField: boolean, what: string): string {
    const head = `_.${this.name}`;
    const where = `${what} ${head}()`;
    if (this.operands.length === 0) throw new InvalidArgumentError(where, 'needs at least one condition');
    if (this.name === 'not') {
      const [operand] = this.operands;
      if (!onField) throw new InvalidArgumentError(where, 'must be the condition of a field: where({field: _.not(…)})');
      if (this.operands.length !== 1 || !(operand instanceof QueryCommand || operand instanceof RegExp)) {
        throw new InvalidArgumentError(where, 'takes one query command or regular expression');
      }
      return call(head, depth, where, [(inner) => renderValue(operand, 'operand', inner, where)]);
    }
    return call(
      head,
      depth,
      where,
      this.operands.map((operand) => (inner: number) => renderOperand(operand, onField, inner, where)),
    );
  }
}

function renderOperand(operand: unknown, onField: boolean, depth: number, what: string): string {
  if (operand instanceof LogicCommand) return operand.renderCondition(depth, onField, what);
  if (operand instanceof ExprCondition) return operand.render(depth, 'filter', what);
  if (isPlainObject(operand)) return renderValue(operand, 'filter', depth, what);
  if (onField && (operand instanceof QueryCommand || operand instanceof RegExp || operand instanceof Date)) {
    return renderValue(operand, 'operand', depth, what);
  }
  throw new InvalidArgumentError(
    what,
    onField ? 'takes objects, commands, regular expressions or dates' : 'takes filter objects or logic commands when it is not the value of a field',
  );
}

/** `_.expr($.gt(['$a', '$b']))`: an aggregation expression as a query condition. */
export class ExprCondition extends QueryPart implements ExprConditionPart {
  protected readonly role: Role = 'expr';
  readonly kind = 'expr-condition';

  /** @internal */
  constructor(private readonly expression: AggregateValue) {
    super();
  }

  describe(): string {
    return '_.expr()';
  }

  render(depth: number, _mode: Mode, what: string): string {
    return call('_.expr', depth, what, [(inner) => renderValue(this.expression, 'aggregate', inner, `${what} _.expr()`)]);
  }
}

/** The argument of `where()` or `match()`: a filter object, a logic command or `_.expr()`. */
export function renderFilter(filter: unknown, depth: number, what: string): string {
  if (filter instanceof LogicCommand) return filter.renderCondition(depth, false, what);
  if (filter instanceof ExprCondition) return filter.render(depth, 'filter', what);
  if (isPlainObject(filter)) return renderValue(filter, 'filter', depth, what);
  throw new InvalidArgumentError(what, 'takes a filter object, _.and/_.or/_.nor(…) or _.expr(…)');
}

/** `f(a, b)` and `f([a, b])` mean the same, as in wx-server-sdk. */
export function spread<T>(args: T[] | [readonly T[]]): readonly T[] {
  const [first] = args;
  return args.length === 1 && Array.isArray(first) ? (first as readonly T[]) : (args as T[]);
}
