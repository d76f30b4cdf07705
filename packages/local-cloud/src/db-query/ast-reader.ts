import type {
  ArrayExpression,
  CallExpression,
  Expression,
  Identifier,
  Literal,
  NewExpression,
  ObjectExpression,
  PrivateIdentifier,
  SpreadElement,
  Super,
  TemplateLiteral,
  UnaryExpression,
} from 'acorn';
import { AGGREGATE_OPERATOR_NAMES, LOGIC_COMMANDS, QUERY_COMMANDS, STAGES, UPDATE_COMMANDS, keyProblem } from '@wxhub/db-query-language';
import { isOneOf, type Ir, type LiteralIr, type ObjectEntry, type ObjectIr, type PipelineIr } from './ir';
import { brief, type Located, type QuerySource } from './query-source';
import { checkArity, dateValue, dbRegExpValue, geoPointValue, regExpValue, serverDateValue } from './special-values';

type Node = Expression | SpreadElement | Super | PrivateIdentifier;

/** Query commands that, called on a query command, AND a second condition on the same field. */
const CHAINABLE_COMPARISONS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'] as const;

/** How many arguments each command takes: [min, max]. */
const QUERY_ARITY: Readonly<Record<(typeof QUERY_COMMANDS)[number], readonly [number, number]>> = {
  eq: [1, 1],
  neq: [1, 1],
  gt: [1, 1],
  gte: [1, 1],
  lt: [1, 1],
  lte: [1, 1],
  in: [1, 1],
  nin: [1, 1],
  all: [1, 1],
  elemMatch: [1, 1],
  exists: [1, 1],
  size: [1, 1],
  mod: [1, 2],
};
const UPDATE_ARITY: Readonly<Record<(typeof UPDATE_COMMANDS)[number], readonly [number, number]>> = {
  set: [1, 1],
  remove: [0, 0],
  inc: [1, 1],
  mul: [1, 1],
  max: [1, 1],
  min: [1, 1],
  rename: [1, 1],
  bit: [1, 1],
  push: [1, Infinity],
  pop: [0, 0],
  shift: [0, 0],
  unshift: [1, Infinity],
  pull: [1, 1],
  pullAll: [1, 1],
  addToSet: [1, 1],
};

/** Why a kind of expression is refused (most never get here: the token scan stops them first). */
const REFUSALS: Readonly<Record<string, string>> = {
  FunctionExpression: 'functions are not allowed',
  ArrowFunctionExpression: 'functions are not allowed',
  ClassExpression: 'classes are not allowed',
  AssignmentExpression: 'assignments are not allowed',
  UpdateExpression: 'increments are not allowed',
  SequenceExpression: 'comma-separated expressions are not allowed',
  BinaryExpression: 'operators are not allowed',
  LogicalExpression: 'operators are not allowed',
  ConditionalExpression: 'conditional expressions are not allowed',
  ThisExpression: "'this' is not allowed",
  TaggedTemplateExpression: 'tagged templates are not allowed',
  AwaitExpression: "'await' is not allowed",
  YieldExpression: "'yield' is not allowed",
  ImportExpression: 'import() is not allowed',
  MetaProperty: 'meta properties are not allowed',
  ChainExpression: 'optional chaining is not allowed',
  SpreadElement: 'spread (...) is not allowed',
  Super: "'super' is not allowed",
  PrivateIdentifier: 'private names are not allowed',
};

/**
 * Turns the value parts of a query (arguments, object literals, commands) into {@link Ir}, by a
 * whitelist: anything not recognised here is refused, never evaluated. The reader checks shape
 * and arity; what a value may mean is decided later, by the context that uses it.
 */
export class AstReader {
  constructor(private readonly source: QuerySource) {}

  read(node: Node | null): Ir {
    if (node === null) throw this.source.invalid(0, 'arrays may not have holes');
    switch (node.type) {
      case 'Literal':
        return this.readLiteral(node);
      case 'TemplateLiteral':
        return this.readTemplate(node);
      case 'UnaryExpression':
        return this.readNegative(node);
      case 'ArrayExpression':
        return this.readArray(node);
      case 'ObjectExpression':
        return this.readObject(node);
      case 'NewExpression':
        return this.readNew(node);
      case 'CallExpression':
        return this.readCall(node);
      case 'Identifier':
        throw this.source.refused(node, this.identifierRefusal(node));
      case 'MemberExpression':
        throw this.source.refused(
          node,
          node.computed ? 'computed member access ([…]) is not allowed' : `property access '${this.source.snippet(node)}' is not allowed; only calls are`,
        );
      default:
        throw this.source.refused(node, REFUSALS[node.type] ?? `${node.type} is not allowed in a query`);
    }
  }

  /** Arguments of a call: no spreads. */
  readArgs(call: CallExpression | NewExpression): Ir[] {
    return call.arguments.map((argument) => this.read(argument));
  }

  /** An identifier's name, refusing `\u0064b`-style escapes that would hide it from a reader. */
  name(node: Identifier): string {
    if (this.source.text.slice(node.start, node.end) !== node.name) {
      throw this.source.refused(node, 'identifiers written with \\u escapes are not allowed');
    }
    return node.name;
  }

  arity(call: Located, args: readonly Ir[], min: number, max: number, what: string): void {
    checkArity(this.source, call, args, min, max, what);
  }

  private identifierRefusal(node: Identifier): string {
    const name = this.name(node);
    if (name === 'db' || name === '_' || name === '$') return `'${name}' can only be used to call a database command`;
    return `the identifier '${brief(name)}' is not allowed`;
  }

  private readLiteral(node: Literal): LiteralIr {
    if (node.regex) return { kind: 'literal', value: regExpValue(this.source, node, node.regex.pattern, node.regex.flags), at: node };
    if (node.bigint !== undefined) throw this.source.invalid(node, 'BigInt literals are not supported');
    const value = node.value;
    if (typeof value === 'number' && !Number.isFinite(value)) throw this.source.invalid(node, 'the number is out of range');
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      return { kind: 'literal', value, at: node };
    }
    throw this.source.invalid(node, 'unsupported literal');
  }

  private readTemplate(node: TemplateLiteral): LiteralIr {
    const [only] = node.quasis;
    if (node.expressions.length > 0 || only === undefined) {
      throw this.source.refused(node, 'template literals with ${…} substitutions are not allowed');
    }
    const cooked = only.value.cooked;
    if (typeof cooked !== 'string') throw this.source.invalid(node, 'invalid escape in a template literal');
    return { kind: 'literal', value: cooked, at: node };
  }

  private readNegative(node: UnaryExpression): LiteralIr {
    const argument = node.argument;
    if (node.operator === '-' && argument.type === 'Literal' && typeof argument.value === 'number') {
      return { kind: 'literal', value: -argument.value, at: node };
    }
    throw this.source.refused(node, `the operator '${node.operator}' is not allowed; only a minus sign before a number is`);
  }

  private readArray(node: ArrayExpression): Ir {
    const items = node.elements.map((element, index) => {
      if (element === null) throw this.source.invalid(node, `the array has a hole at index ${index}`);
      return this.read(element);
    });
    return { kind: 'array', items, at: node };
  }

  readObject(node: ObjectExpression): ObjectIr {
    const entries: ObjectEntry[] = [];
    const seen = new Set<string>();
    for (const property of node.properties) {
      if (property.type === 'SpreadElement') throw this.source.refused(property, 'spread (...) is not allowed');
      if (property.kind !== 'init') throw this.source.refused(property, 'getters and setters are not allowed');
      if (property.method) throw this.source.refused(property, 'methods are not allowed');
      if (property.shorthand)
        throw this.source.refused(property, `the shorthand property '${this.source.snippet(property)}' refers to a variable; write key: value`);
      const key = this.key(property.key, property.computed);
      const problem = keyProblem(key);
      if (problem !== undefined) throw this.source.refused(property.key, problem);
      if (seen.has(key)) throw this.source.invalid(property.key, `the key '${this.source.snippet(property.key)}' appears twice`);
      seen.add(key);
      entries.push({ key, keyAt: property.key, value: this.read(property.value) });
    }
    return { kind: 'object', entries, at: node };
  }

  private key(node: Expression | PrivateIdentifier, computed: boolean): string {
    if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
    if (computed) throw this.source.refused(node, 'computed keys are only allowed as ["string"]');
    if (node.type === 'Identifier') return this.name(node);
    if (node.type === 'Literal' && typeof node.value === 'number') throw this.source.invalid(node, 'numeric keys are not supported; quote the key');
    throw this.source.refused(node, 'unsupported key');
  }

  private readNew(node: NewExpression): LiteralIr {
    const path = this.memberPath(node.callee);
    const args = this.readArgs(node);
    const name = path?.join('.');
    if (name === 'Date') return { kind: 'literal', value: dateValue(this.source, node, args), at: node };
    if (name === 'db.Geo.Point') return { kind: 'literal', value: geoPointValue(this.source, node, args), at: node };
    throw this.source.refused(node, `'new ${this.source.snippet(node.callee)}' is not allowed; only new Date(…) and new db.Geo.Point(…) are`);
  }

  private readCall(node: CallExpression): Ir {
    const callee = node.callee;
    if (node.optional) throw this.source.refused(node, 'optional calls are not allowed');
    if (callee.type !== 'MemberExpression') {
      throw this.source.refused(node, `calling '${this.source.snippet(callee)}' is not allowed`);
    }
    if (callee.computed) throw this.source.refused(callee, 'computed member access ([…]) is not allowed');
    if (callee.optional) throw this.source.refused(callee, 'optional chaining is not allowed');
    if (callee.property.type !== 'Identifier') throw this.source.refused(callee.property, 'unsupported method name');
    const method = this.name(callee.property);
    const path = this.memberPath(callee);
    if (path !== undefined) return this.command(node, path);
    if (callee.object.type === 'CallExpression') return this.method(node, this.readCall(callee.object), method);
    throw this.source.refused(callee.object, `'${this.source.snippet(callee.object)}' cannot be called into`);
  }

  /**
   * `a.b.c` as ['a', 'b', 'c'], or undefined when the chain does not start at an identifier
   * (a method called on a call's result).
   */
  memberPath(node: Expression | Super): string[] | undefined {
    if (node.type === 'Identifier') return [this.name(node)];
    if (node.type !== 'MemberExpression') return undefined;
    if (node.computed) throw this.source.refused(node, 'computed member access ([…]) is not allowed');
    if (node.optional) throw this.source.refused(node, 'optional chaining is not allowed');
    if (node.property.type !== 'Identifier') throw this.source.refused(node.property, 'unsupported property name');
    const head = this.memberPath(node.object);
    return head === undefined ? undefined : [...head, this.name(node.property)];
  }

  /** `_.gt(1)`, `db.command.gt(1)`, `$.sum(1)`, `db.serverDate()`, `db.RegExp({…})`… */
  private command(node: CallExpression, rawPath: readonly string[]): Ir {
    const path = canonicalPath(rawPath);
    const [root] = path;
    const name = path.slice(1).join('.');
    const args = () => this.readArgs(node);
    if (root !== 'db' && root !== '_' && root !== '$') {
      throw this.source.refused(node.callee, `the identifier '${brief(root ?? '')}' is not allowed`);
    }
    if (root === '_' && path.length === 2) {
      if (name === 'expr') return this.single(node, args(), '_.expr()', (value) => ({ kind: 'expr', value, at: node }));
      if (isOneOf(QUERY_COMMANDS, name)) {
        const list = args();
        this.arity(node, list, ...QUERY_ARITY[name], `_.${name}()`);
        return { kind: 'query', name, args: list, at: node };
      }
      if (isOneOf(LOGIC_COMMANDS, name)) return this.logic(node, name, args());
      if (isOneOf(UPDATE_COMMANDS, name)) {
        const list = args();
        this.arity(node, list, ...UPDATE_ARITY[name], `_.${name}()`);
        return { kind: 'update', name, args: list, at: node };
      }
    }
    if (root === '_' && path.length === 3 && path[1] === 'project' && (path[2] === 'slice' || path[2] === 'elemMatch')) {
      const operator = path[2];
      return this.single(node, args(), `_.project.${operator}()`, (param) => ({ kind: 'projection', name: operator, param, at: node }));
    }
    if (root === '$' && path.length === 2) {
      if (name === 'pipeline') {
        this.arity(node, args(), 0, 0, '$.pipeline()');
        return { kind: 'pipeline', stages: [], done: false, at: node };
      }
      if (isOneOf(AGGREGATE_OPERATOR_NAMES, name)) {
        const operator = name === 'neq' ? '$ne' : `$${name}`;
        return this.single(node, args(), `$.${name}()`, (param) => ({ kind: 'aggregateOperator', operator, param, at: node }));
      }
    }
    if (root === 'db' && name === 'serverDate') return { kind: 'literal', value: serverDateValue(this.source, node, args()), at: node };
    if (root === 'db' && name === 'RegExp') return { kind: 'literal', value: dbRegExpValue(this.source, node, args()), at: node };
    if (root === 'db' && path.length === 2 && name === 'collection') {
      throw this.source.invalid(node, 'db.collection() can only start a query, not appear inside one');
    }
    throw this.source.refused(node.callee, `'${brief(rawPath.join('.'))}' is not an allowed database command`);
  }

  private single(node: CallExpression, args: readonly Ir[], what: string, make: (arg: Ir) => Ir): Ir {
    this.arity(node, args, 1, 1, what);
    const [arg] = args;
    if (arg === undefined) throw this.source.invalid(node, `${what} takes 1 argument`);
    return make(arg);
  }

  /** `_.and(a, b)` and `_.and([a, b])` are the same, as in wx-server-sdk. */
  private logic(node: CallExpression, name: (typeof LOGIC_COMMANDS)[number], args: readonly Ir[]): Ir {
    const operands = this.operands(node, args, `_.${name}()`);
    if (name === 'not' && operands.length !== 1) throw this.source.invalid(node, '_.not() takes exactly one condition');
    return { kind: 'logic', name, operands, at: node };
  }

  private operands(node: Located, args: readonly Ir[], what: string): readonly Ir[] {
    const [first] = args;
    if (first?.kind === 'array') {
      if (args.length > 1) throw this.source.invalid(node, `${what} takes either an array or separate conditions, not both`);
      if (first.items.length === 0) throw this.source.invalid(node, `${what} needs at least one condition`);
      return first.items;
    }
    if (args.length === 0) throw this.source.invalid(node, `${what} needs at least one condition`);
    return args;
  }

  /** A method called on a command's result: `_.gt(1).and(_.lt(5))`, `_.gt(1).lt(5)`, pipelines. */
  private method(node: CallExpression, base: Ir, method: string): Ir {
    const args = this.readArgs(node);
    if ((base.kind === 'query' || base.kind === 'logic') && (method === 'and' || method === 'or')) {
      return { kind: 'logic', name: method, operands: [base, ...this.operands(node, args, `.${method}()`)], at: node };
    }
    if (base.kind === 'query' && isOneOf(CHAINABLE_COMPARISONS, method)) {
      this.arity(node, args, 1, 1, `.${method}()`);
      return { kind: 'logic', name: 'and', operands: [base, { kind: 'query', name: method, args, at: node }], at: node };
    }
    if (base.kind === 'pipeline' && !base.done) return this.pipelineStep(node, base, method, args);
    throw this.source.refused(node, `'.${brief(method)}()' cannot be called here`);
  }

  private pipelineStep(node: CallExpression, base: PipelineIr, method: string, args: readonly Ir[]): Ir {
    if (method === 'done') {
      this.arity(node, args, 0, 0, '.done()');
      return { ...base, done: true, at: node };
    }
    if (isOneOf(STAGES, method)) return { ...base, stages: [...base.stages, { name: method, args, at: node }], at: node };
    throw this.source.refused(node, `'.${brief(method)}()' is not an aggregation stage`);
  }
}

/** `db.command.x` is `_.x`; `_.aggregate.x` and `db.command.aggregate.x` are `$.x`. */
function canonicalPath(path: readonly string[]): string[] {
  let out = [...path];
  if (out[0] === 'db' && out[1] === 'command') out = ['_', ...out.slice(2)];
  if (out[0] === '_' && out[1] === 'aggregate') out = ['$', ...out.slice(2)];
  return out;
}
