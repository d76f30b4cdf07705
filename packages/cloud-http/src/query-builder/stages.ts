import { InvalidArgumentError } from '@wxhub/core';
import type { StageName } from '@wxhub/db-query-language';
import { AggregateExpression } from './aggregate-expression';
import { renderFilter } from './conditions';
import { enter, integerLiteral, stringLiteral } from './literals';
import { QueryPart, call, isPlainObject, renderValue, type Mode, type Role } from './render';
import type { AggregateObject, AggregateValue, Filter, PipelinePart } from './types';

export interface StageCall {
  readonly name: StageName;
  readonly arg: unknown;
}

const OBJECT_STAGES: ReadonlySet<StageName> = new Set(['project', 'group', 'sort', 'addFields', 'lookup', 'replaceRoot', 'sample', 'bucket', 'bucketAuto']);

/** `.name(arg)` of an aggregation, the call opening at `depth`. */
export function renderStage({ name, arg }: StageCall, depth: number): string {
  const what = `aggregate ${name}()`;
  return call(`.${name}`, depth, what, [(inner) => stageArgument(name, arg, inner, what)]);
}

function stageArgument(name: StageName, arg: unknown, depth: number, what: string): string {
  if (name === 'match') return renderFilter(arg, depth, what);
  if (OBJECT_STAGES.has(name)) {
    if (!isPlainObject(arg)) throw new InvalidArgumentError(what, 'takes an object');
    return renderValue(arg, 'stage', depth, what);
  }
  switch (name) {
    case 'limit':
      return integerLiteral(arg as number, what, 1);
    case 'skip':
      return integerLiteral(arg as number, what, 0);
    case 'count':
      if (typeof arg !== 'string' || arg === '' || arg.startsWith('$') || arg.includes('.')) {
        throw new InvalidArgumentError(what, "takes a field name without '$' or '.'");
      }
      return stringLiteral(arg);
    case 'unwind':
      if (typeof arg === 'string' && arg.startsWith('$')) return stringLiteral(arg);
      if (isPlainObject(arg)) return renderValue(arg, 'stage', depth, what);
      throw new InvalidArgumentError(what, "takes a '$field' path or an object");
    case 'sortByCount':
      if (typeof arg === 'string' || isPlainObject(arg) || arg instanceof AggregateExpression) return renderValue(arg, 'stage', depth, what);
      throw new InvalidArgumentError(what, 'takes an expression');
    default:
      throw new InvalidArgumentError(what, 'is not a supported stage');
  }
}

/** The aggregation stages, shared by `aggregate()` and `$.pipeline()`. */
export abstract class StageChain<Self> {
  /** @internal */
  protected constructor(protected readonly calls: readonly StageCall[]) {}

  /** @internal */
  protected abstract next(calls: readonly StageCall[]): Self;

  match(filter: Filter): Self {
    return this.add('match', filter);
  }

  project(spec: AggregateObject): Self {
    return this.add('project', spec);
  }

  group(spec: AggregateObject): Self {
    return this.add('group', spec);
  }

  sort(spec: Readonly<Record<string, 1 | -1>>): Self {
    return this.add('sort', spec);
  }

  limit(count: number): Self {
    return this.add('limit', count);
  }

  skip(count: number): Self {
    return this.add('skip', count);
  }

  unwind(path: `$${string}` | AggregateObject): Self {
    return this.add('unwind', path);
  }

  lookup(spec: AggregateObject): Self {
    return this.add('lookup', spec);
  }

  count(field: string): Self {
    return this.add('count', field);
  }

  addFields(spec: AggregateObject): Self {
    return this.add('addFields', spec);
  }

  sample(spec: { readonly size: number }): Self {
    return this.add('sample', spec);
  }

  sortByCount(expression: `$${string}` | AggregateObject | AggregateExpression): Self {
    return this.add('sortByCount', expression);
  }

  replaceRoot(spec: { readonly newRoot: AggregateValue }): Self {
    return this.add('replaceRoot', spec);
  }

  bucket(spec: AggregateObject): Self {
    return this.add('bucket', spec);
  }

  bucketAuto(spec: AggregateObject): Self {
    return this.add('bucketAuto', spec);
  }

  private add(name: StageName, arg: unknown): Self {
    return this.next([...this.calls, { name, arg }]);
  }
}

/** `$.pipeline()`: the sub-pipeline of a `lookup` stage; finish it with `.done()`. */
export class PipelineBuilder extends StageChain<PipelineBuilder> {
  /** @internal */
  constructor(calls: readonly StageCall[] = []) {
    super(calls);
  }

  protected next(calls: readonly StageCall[]): PipelineBuilder {
    return new PipelineBuilder(calls);
  }

  done(): Pipeline {
    return new Pipeline(this.calls);
  }
}

export class Pipeline extends QueryPart implements PipelinePart {
  protected readonly role: Role = 'pipeline';
  readonly kind = 'pipeline';

  /** @internal */
  constructor(private readonly calls: readonly StageCall[]) {
    super();
  }

  describe(): string {
    return '$.pipeline()';
  }

  render(depth: number, _mode: Mode, what: string): string {
    enter(depth, what); // the parentheses of $.pipeline() and .done()
    return `$.pipeline()${this.calls.map((stage) => renderStage(stage, depth)).join('')}.done()`;
  }
}
