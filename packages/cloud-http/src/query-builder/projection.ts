import { InvalidArgumentError } from '@wxhub/core';
import { enter, keyLiteral, numberLiteral } from './literals';
import { QueryPart, call, definedEntries, isPlainObject, renderValue, type Mode, type Role } from './render';

/** `_.project.slice(…)` / `_.project.elemMatch(…)`: what `field()` returns of an array field. */
export class ProjectionOperator extends QueryPart {
  protected readonly role: Role = 'projection';

  /** @internal */
  constructor(
    private readonly name: 'slice' | 'elemMatch',
    private readonly param: unknown,
  ) {
    super();
  }

  describe(): string {
    return `_.project.${this.name}()`;
  }

  render(depth: number, _mode: Mode, what: string): string {
    const where = `${what} ${this.describe()}`;
    const mode: Mode = this.name === 'slice' ? 'data' : 'operand';
    return call(`_.project.${this.name}`, depth, where, [(inner) => renderValue(this.param, mode, inner, where)]);
  }
}

/** The argument of `field()`, rendered at `depth`. */
export function renderProjection(projection: unknown, depth: number, what: string): string {
  if (!isPlainObject(projection)) throw new InvalidArgumentError(what, 'takes an object such as {name: true}');
  const inner = enter(depth, what);
  const fields = definedEntries(projection).map(([key, value]) => {
    let text: string;
    if (typeof value === 'boolean') text = String(value);
    else if (typeof value === 'number') text = numberLiteral(value, what);
    else if (value instanceof ProjectionOperator) text = value.render(inner, 'data', what);
    else throw new InvalidArgumentError(what, 'takes true/false, 1/0 or _.project operators');
    return `${keyLiteral(key, what)}: ${text}`;
  });
  return `{${fields.join(', ')}}`;
}
