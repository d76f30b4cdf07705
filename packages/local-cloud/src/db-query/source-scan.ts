import { MAX_NESTING_DEPTH, MAX_QUERY_BYTES } from '@wxhub/db-query-language';
import { parse, tokenizer, tokTypes as tt, type Options, type Program, type Token, type TokenType } from 'acorn';
import { QueryErrcode, QueryParseError } from './errors';
import { QuerySource } from './query-source';

/** ES2022 script: no modules, no hashbang, nothing version-dependent in what we accept. */
export const ACORN_OPTIONS: Options = { ecmaVersion: 2022, sourceType: 'script', allowHashBang: false };

const OPENERS: ReadonlySet<TokenType> = new Set([tt.parenL, tt.bracketL, tt.braceL]);
const CLOSERS: ReadonlySet<TokenType> = new Set([tt.parenR, tt.bracketR, tt.braceR]);
const PLAIN: ReadonlySet<TokenType> = new Set([tt.num, tt.string, tt.regexp, tt.name, tt.template, tt.backQuote, tt.comma, tt.colon, tt.dot, tt.semi, tt.eof]);
const VALUE_KEYWORDS: ReadonlySet<TokenType> = new Set([tt._new, tt._true, tt._false, tt._null]);
/** Tokens after which `-5` is a value, not a subtraction. */
const BEFORE_NEGATIVE: ReadonlySet<TokenType> = new Set([tt.parenL, tt.bracketL, tt.comma, tt.colon]);
const BEFORE_KEY: ReadonlySet<TokenType> = new Set([tt.braceL, tt.comma]);

/**
 * Checks size, then every token, before acorn builds a tree: only the punctuation, literals and
 * names a query needs get through, nesting stays within {@link MAX_NESTING_DEPTH}, and so the
 * (recursive) parser never meets input that could exhaust the stack — `1+1+…` or `- - - 1`
 * chains are refused here as operators.
 */
export function scanSource(text: unknown): QuerySource {
  if (typeof text !== 'string') {
    throw new QueryParseError(QueryErrcode.INVALID_PARAM, 'the query must be a string');
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_QUERY_BYTES) {
    throw new QueryParseError(QueryErrcode.INVALID_PARAM, `the query is ${bytes} bytes long; at most ${MAX_QUERY_BYTES} are accepted`);
  }
  if (text.trim() === '') throw new QueryParseError(QueryErrcode.INVALID_PARAM, 'the query is empty');
  const source = new QuerySource(text);
  checkTokens(source, readTokens(source));
  return source;
}

/** The whole text as one program; the tokens were vetted, so only grammar errors remain. */
export function parseProgram(source: QuerySource): Program {
  try {
    return parse(source.text, ACORN_OPTIONS);
  } catch (error) {
    throw syntaxError(source, error);
  }
}

function readTokens(source: QuerySource): Token[] {
  const tokens: Token[] = [];
  try {
    for (const token of tokenizer(source.text, ACORN_OPTIONS)) tokens.push(token);
  } catch (error) {
    throw syntaxError(source, error);
  }
  return tokens;
}

function checkTokens(source: QuerySource, tokens: readonly Token[]): void {
  let depth = 0;
  tokens.forEach((token, index) => {
    const type = token.type;
    const previous = tokens[index - 1]?.type;
    const next = tokens[index + 1]?.type;
    if (OPENERS.has(type)) {
      depth += 1;
      if (depth > MAX_NESTING_DEPTH) throw source.invalid(token, `the query nests deeper than ${MAX_NESTING_DEPTH} levels`);
      return;
    }
    if (CLOSERS.has(type)) {
      depth -= 1;
      return;
    }
    if (type === tt._new && next !== tt.name) throw source.refused(token, "'new' is only allowed as new Date(…) or new db.Geo.Point(…)");
    if (PLAIN.has(type) || VALUE_KEYWORDS.has(type)) return;
    if (type === tt.dollarBraceL) throw source.refused(token, 'template literals with ${…} substitutions are not allowed');
    if (type === tt.plusMin && source.text[token.start] === '-' && next === tt.num && (previous === undefined || BEFORE_NEGATIVE.has(previous))) return;
    if (type.keyword !== undefined) {
      // Keywords are fine as names: `_.in(…)`, `{new: 1}`.
      if (previous === tt.dot || (next === tt.colon && previous !== undefined && BEFORE_KEY.has(previous))) return;
      throw source.refused(token, `the keyword '${type.keyword}' is not allowed`);
    }
    throw source.refused(token, `'${source.snippet(token)}' is not allowed in a query`);
  });
}

interface AcornSyntaxError {
  pos: number;
  message: string;
}

function isAcornSyntaxError(error: unknown): error is SyntaxError & AcornSyntaxError {
  return error instanceof SyntaxError && typeof (error as Partial<AcornSyntaxError>).pos === 'number';
}

function syntaxError(source: QuerySource, error: unknown): QueryParseError {
  if (isAcornSyntaxError(error)) {
    // acorn appends "(line:column)"; ours says it in its own words.
    return source.invalid(error.pos, `syntax error: ${error.message.replace(/\s*\(\d+:\d+\)$/, '')}`);
  }
  if (error instanceof RangeError) {
    return new QueryParseError(QueryErrcode.INVALID_PARAM, 'the query is too complex to parse');
  }
  throw error;
}
