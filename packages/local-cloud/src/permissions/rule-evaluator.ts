import type { RuleNode as Expression } from './rule-parser';
import type { CompiledRule } from './rule-set';
import type { FieldFacts, QueryFacts } from './query-constraints';

/**
 * Evaluates a compiled rule. `doc` is either a record (a create's new document, known values) or
 * a query's facts (read, update, delete: what holds for EVERY record the query can match). The
 * logic is three-valued: a comparison with a field the query does not pin down is `unknown`, and
 * only `true` allows — so a query that is not a subset of the rule is refused whole.
 */

export type Truth = true | false | 'unknown';

export interface RuleContext {
  /** `auth`: `{openid}` for a page's user, `null` without one. */
  readonly auth: { readonly openid: string } | null;
  readonly now: number;
  /** `doc`: a record, or the facts of a query. */
  readonly doc: { readonly kind: 'record'; readonly record: Readonly<Record<string, unknown>> } | { readonly kind: 'query'; readonly facts: QueryFacts };
  /** `request.data` of a create or update. */
  readonly requestData?: unknown;
  /** `resource` (storage rules): `{openid, path}` of the file. */
  readonly resource?: Readonly<Record<string, unknown>>;
}

/** Why a rule could not be decided (a `get()`, …): it then refuses, and says so. */
export class RuleUnsupportedError extends Error {}

export function evaluateRule(rule: CompiledRule, context: RuleContext): Truth {
  if (rule.kind === 'constant') return rule.value;
  const result = evaluate(rule.tree, context);
  return result.kind === 'facts' ? 'unknown' : truthOf(result);
}

/** A value, a field of the query (with what is known of it), or unknown. */
type Value =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'facts'; readonly path: string; readonly facts: FieldFacts }
  | { readonly kind: 'unknown' };

const UNKNOWN: Value = { kind: 'unknown' };
const value = (v: unknown): Value => ({ kind: 'value', value: v });
const fromTruth = (t: Truth): Value => (t === 'unknown' ? UNKNOWN : value(t));

function truthOf(result: Value): Truth {
  if (result.kind === 'unknown') return 'unknown';
  if (result.kind === 'facts') return result.facts.eq ? Boolean(result.facts.eq.value) : 'unknown';
  return Boolean(result.value);
}

function evaluate(node: Expression, context: RuleContext): Value {
  switch (node.type) {
    case 'Literal':
      return value(node.value);
    case 'ArrayExpression': {
      const items = (node.elements as Array<Expression | null>).map((element) => (element ? evaluate(element, context) : value(null)));
      return items.every((item) => item.kind === 'value') ? value(items.map((item) => (item as { value: unknown }).value)) : UNKNOWN;
    }
    case 'Identifier':
      return identifier(node.name as string, context);
    case 'MemberExpression':
      return member(node, context);
    case 'UnaryExpression': {
      const truth = truthOf(evaluate(node.argument as Expression, context));
      return fromTruth(truth === 'unknown' ? 'unknown' : !truth);
    }
    case 'BinaryExpression':
      return binary(node.operator as string, node.left as Expression, node.right as Expression, context);
    case 'CallExpression':
      throw new RuleUnsupportedError('the local cloud does not evaluate get() in security rules');
    default:
      return UNKNOWN;
  }
}

function identifier(name: string, context: RuleContext): Value {
  switch (name) {
    case 'auth':
      return value(context.auth);
    case 'now':
      return value(context.now);
    case 'request':
      return value({ data: context.requestData });
    case 'resource':
      return value(context.resource ?? null);
    case 'doc':
      return context.doc.kind === 'record' ? value(context.doc.record) : { kind: 'facts', path: '', facts: {} };
    default:
      return UNKNOWN;
  }
}

function member(node: Expression, context: RuleContext): Value {
  const object = evaluate(node.object as Expression, context);
  const property = node.computed ? evaluate(node.property as Expression, context) : value((node.property as Expression).name);
  if (property.kind !== 'value' || (typeof property.value !== 'string' && typeof property.value !== 'number')) return UNKNOWN;
  const key = String(property.value);
  if (object.kind === 'facts') {
    if (context.doc.kind !== 'query') return UNKNOWN;
    const path = object.path === '' ? key : `${object.path}.${key}`;
    return { kind: 'facts', path, facts: context.doc.facts.get(path) ?? {} };
  }
  if (object.kind !== 'value') return UNKNOWN;
  const holder = object.value;
  if (holder === null || holder === undefined) return value(undefined);
  if (typeof holder !== 'object') return value(undefined);
  return value((holder as Record<string, unknown>)[key]);
}

function binary(operator: string, leftNode: Expression, rightNode: Expression, context: RuleContext): Value {
  if (operator === '&&' || operator === '||') {
    const left = truthOf(evaluate(leftNode, context));
    if (operator === '&&' && left === false) return value(false);
    if (operator === '||' && left === true) return value(true);
    const right = truthOf(evaluate(rightNode, context));
    if (operator === '&&') return fromTruth(left === true ? right : right === false ? false : 'unknown');
    return fromTruth(left === false ? right : right === true ? true : 'unknown');
  }
  const left = evaluate(leftNode, context);
  const right = evaluate(rightNode, context);
  if (operator === 'in') return fromTruth(inList(left, right));
  // A query field against a value; flip `value OP field` into `field OP' value`.
  if (left.kind === 'facts' && right.kind === 'value') return fromTruth(compareFacts(left.facts, operator, right.value));
  if (right.kind === 'facts' && left.kind === 'value') return fromTruth(compareFacts(right.facts, FLIP[operator] ?? operator, left.value));
  if (left.kind === 'value' && right.kind === 'value') return fromTruth(compareValues(left.value, operator, right.value));
  return UNKNOWN;
}

const FLIP: Readonly<Record<string, string>> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

function inList(left: Value, right: Value): Truth {
  if (right.kind !== 'value' || !Array.isArray(right.value)) return 'unknown';
  const list = right.value as unknown[];
  if (left.kind === 'value') return list.some((item) => same(item, left.value));
  if (left.kind === 'facts') {
    if (left.facts.eq) return list.some((item) => same(item, left.facts.eq?.value));
    if (left.facts.oneOf) return left.facts.oneOf.every((candidate) => list.some((item) => same(item, candidate)));
  }
  return 'unknown';
}

/** Does `field OP value` hold for every record with these facts? */
function compareFacts(facts: FieldFacts, operator: string, operand: unknown): Truth {
  if (facts.eq) return compareValues(facts.eq.value, operator, operand);
  if (facts.oneOf && facts.oneOf.length > 0) {
    const results = facts.oneOf.map((candidate) => compareValues(candidate, operator, operand));
    if (results.every((r) => r === true)) return true;
    if (results.every((r) => r === false)) return false;
    return 'unknown';
  }
  switch (operator) {
    case '!=':
      return facts.noneOf?.some((item) => same(item, operand)) ? true : 'unknown';
    case '>':
      return atLeast(facts, operand, true);
    case '>=':
      return atLeast(facts, operand, false);
    case '<':
      return atMost(facts, operand, true);
    case '<=':
      return atMost(facts, operand, false);
    default:
      return 'unknown';
  }
}

/** The field's lower bound proves `field > operand` (strict) or `field >= operand`. */
function atLeast(facts: FieldFacts, operand: unknown, strict: boolean): Truth {
  if (facts.gt !== undefined && order(facts.gt, operand) !== undefined && (order(facts.gt, operand) as number) >= 0) return true;
  if (facts.gte !== undefined && order(facts.gte, operand) !== undefined) {
    const o = order(facts.gte, operand) as number;
    if (strict ? o > 0 : o >= 0) return true;
  }
  return 'unknown';
}

function atMost(facts: FieldFacts, operand: unknown, strict: boolean): Truth {
  if (facts.lt !== undefined && order(facts.lt, operand) !== undefined && (order(facts.lt, operand) as number) <= 0) return true;
  if (facts.lte !== undefined && order(facts.lte, operand) !== undefined) {
    const o = order(facts.lte, operand) as number;
    if (strict ? o < 0 : o <= 0) return true;
  }
  return 'unknown';
}

function compareValues(a: unknown, operator: string, b: unknown): Truth {
  switch (operator) {
    case '==':
      return same(a, b);
    case '!=':
      return !same(a, b);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const o = order(a, b);
      if (o === undefined) return false;
      return operator === '>' ? o > 0 : operator === '>=' ? o >= 0 : operator === '<' ? o < 0 : o <= 0;
    }
    default:
      return 'unknown';
  }
}

/** Numbers, strings and dates compare among their own kind; anything else is not ordered. */
function order(a: unknown, b: unknown): number | undefined {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  return undefined;
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return a === b || (a === undefined && b === null) || (a === null && b === undefined);
}
