import { QueryPart, call, renderValue, type Mode, type Role } from './render';

/** `$.sum(1)` and the other aggregation operators: `{$sum: 1}`. */
export class AggregateExpression extends QueryPart {
  protected readonly role: Role = 'aggregate';

  /** @internal */
  constructor(
    private readonly name: string,
    private readonly param: unknown,
  ) {
    super();
  }

  describe(): string {
    return `$.${this.name}()`;
  }

  render(depth: number, mode: Mode, what: string): string {
    const where = `${what} ${this.describe()}`;
    // Inside a stage a sub-pipeline may sit in an operator's argument; elsewhere it may not.
    const inner: Mode = mode === 'stage' ? 'stage' : 'aggregate';
    return call(`$.${this.name}`, depth, where, [(depthInside) => renderValue(this.param, inner, depthInside, where)]);
  }
}
