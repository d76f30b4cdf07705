/**
 * What a page's query proves about the records it can match, field by field: the facts a
 * security rule is checked against when `doc` stands for the query ("the query must be a subset
 * of the rule"). Only the query's top-level AND counts — plain fields, `$and`, and per-field
 * `$eq $in $ne $nin $gt $gte $lt $lte`. A condition under `$or`, `$nor`, `$not` or `$expr` proves
 * nothing (it may not hold for every matched record), so a rule that needs it is not proven and
 * the request is refused: refusing is the safe side of an uncertain check (docs/wechat-facts.md §13).
 */

/** Everything the query says about one field, for every record it matches. */
export interface FieldFacts {
  /** The field equals this value (an `$in` of one value counts). */
  readonly eq?: { readonly value: unknown };
  /** The field is one of these. */
  readonly oneOf?: readonly unknown[];
  /** The field is none of these. */
  readonly noneOf?: readonly unknown[];
  readonly gt?: unknown;
  readonly gte?: unknown;
  readonly lt?: unknown;
  readonly lte?: unknown;
}

export type QueryFacts = ReadonlyMap<string, FieldFacts>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function queryFacts(query: Readonly<Record<string, unknown>>): QueryFacts {
  const facts = new Map<string, Mutable<FieldFacts>>();
  collect(query, '', facts);
  return facts;
}

function collect(query: Readonly<Record<string, unknown>>, prefix: string, facts: Map<string, Mutable<FieldFacts>>): void {
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' && prefix === '' && Array.isArray(value)) {
      for (const part of value) if (isPlainObject(part)) collect(part, '', facts);
      continue;
    }
    if (key.startsWith('$')) continue; // $or, $nor, $expr, …: nothing holds for every match
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const field = facts.get(path) ?? {};
    facts.set(path, field);
    if (isOperatorObject(value)) addOperators(value, field);
    else if (isPlainObject(value) && !isSpecialValue(value)) {
      // `{a: {b: 1}}` as a field condition is an exact sub-document match; its keys are facts too.
      field.eq = { value };
      collect(value, path, facts);
    } else field.eq = { value };
  }
}

function addOperators(ops: Readonly<Record<string, unknown>>, field: Mutable<FieldFacts>): void {
  for (const [op, operand] of Object.entries(ops)) {
    switch (op) {
      case '$eq':
        field.eq = { value: operand };
        break;
      case '$in':
        if (Array.isArray(operand)) {
          if (operand.length === 1) field.eq = { value: operand[0] };
          field.oneOf = operand;
        }
        break;
      case '$ne':
        field.noneOf = [...(field.noneOf ?? []), operand];
        break;
      case '$nin':
        if (Array.isArray(operand)) field.noneOf = [...(field.noneOf ?? []), ...operand];
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        field[op.slice(1) as 'gt' | 'gte' | 'lt' | 'lte'] = operand;
        break;
      case '$and':
        if (Array.isArray(operand)) for (const part of operand) if (isOperatorObject(part)) addOperators(part, field);
        break;
      default:
      // $or, $not, $exists, $regex…: proves nothing usable for a rule.
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

/** Decoded EJSON values (dates, ObjectIds, regexes…) are not plain objects; this is a guard for anything else. */
function isSpecialValue(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((key) => key.startsWith('$'));
}
