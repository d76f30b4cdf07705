import * as queryOperators from 'mingo/operators/query';
import { RE2JS } from 're2js';
import { invalidParam } from './backend-error';

/**
 * Regular expressions in queries run on RE2 (re2js, pure JavaScript), whose matching time is
 * linear in the input: V8's backtracking engine takes seconds on `^(a+)+$` against 26
 * characters, and queries run synchronously on the server's event loop, so one hostile pattern
 * froze every app of the local cloud. The differences (no backreferences, no lookaround) are
 * listed in docs/regex-in-queries.md.
 *
 * mingo runs a query's regexes in three query operators ($regex — which a bare RegExp value and
 * `$not` become — `$in` and `$nin`); the context below wraps those so that each RegExp is
 * swapped for a LinearRegExp when the query is compiled, after mingo's own deep copy (which
 * turns any RegExp subclass back into a native RegExp). Aggregation expressions that build a
 * RegExp from a string ($regexMatch, $regexFind, $regexFindAll) are refused: WeChat's aggregate
 * API does not offer them, and mingo would run them on V8's engine.
 */

/** JavaScript flags with an RE2 meaning; the query codecs already refuse `g`, `y` and others. */
const RE2_FLAGS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  // RE2 matches code points always; `u` changes nothing it can tell apart.
  u: 0,
};

/** A RegExp whose exec (and so test, match, search) runs on RE2. */
export class LinearRegExp extends RegExp {
  readonly #re2: RE2JS;

  constructor(pattern: string, flags: string) {
    super(pattern, flags);
    let re2Flags = 0;
    for (const flag of flags) {
      const value = RE2_FLAGS[flag];
      if (value === undefined) throw invalidParam(`regular expression flag ${flag} is not supported by the local cloud`);
      re2Flags |= value;
    }
    try {
      this.#re2 = RE2JS.compile(pattern, re2Flags);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw invalidParam(
        `regular expression /${pattern}/ is not supported by the local cloud's linear-time engine (RE2: no backreferences, no lookaround): ${reason}`,
      );
    }
  }

  override exec(input: string): RegExpExecArray | null {
    const matcher = this.#re2.matcher(String(input));
    if (!matcher.find()) return null;
    const groups: (string | undefined)[] = [];
    for (let group = 0; group <= matcher.groupCount(); group++) groups.push(matcher.group(group) ?? undefined);
    const result = groups as unknown as RegExpExecArray;
    result.index = matcher.start();
    result.input = String(input);
    return result;
  }

  /** Copies (mingo's deep copy, `new RegExp(x)`) are native; this is what undoes them. */
  static of(value: RegExp): LinearRegExp {
    return value instanceof LinearRegExp ? value : new LinearRegExp(value.source, value.flags);
  }
}

type QueryOptions = Parameters<typeof $regex>[2];
type InValues = Parameters<typeof $in>[1];

function linearValue(value: unknown): unknown {
  if (value instanceof RegExp) return LinearRegExp.of(value);
  if (Array.isArray(value)) return value.map((item: unknown) => (item instanceof RegExp ? LinearRegExp.of(item) : item));
  return value;
}

function refused(name: string): () => never {
  return () => {
    throw invalidParam(`aggregation operator ${name} is not supported by the local cloud (nor by WeChat's aggregate API)`);
  };
}

const { $in, $nin, $regex } = queryOperators;

/**
 * The query and expression operators whose regexes are replaced by RE2 ones (or refused), laid
 * over mingo's in MONGO_CONTEXT (mongo-operators.ts), the one context every query, update and
 * aggregation runs with.
 */
export const LINEAR_REGEX_QUERY_OPERATORS = {
  $regex: (selector: string, value: unknown, options: QueryOptions) => $regex(selector, linearValue(value), options),
  $in: (selector: string, value: unknown, options: QueryOptions) => $in(selector, linearValue(value) as InValues, options),
  $nin: (selector: string, value: unknown, options: QueryOptions) => $nin(selector, linearValue(value) as InValues, options),
};

export const LINEAR_REGEX_EXPRESSION_OPERATORS = {
  $regexMatch: refused('$regexMatch'),
  $regexFind: refused('$regexFind'),
  $regexFindAll: refused('$regexFindAll'),
};
