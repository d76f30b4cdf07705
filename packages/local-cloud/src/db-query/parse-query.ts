import { QueryErrcode, QueryParseError } from './errors';
import { queryExpression, readQuery } from './query-chain';
import { parseProgram, scanSource } from './source-scan';
import type { ParsedQuery } from './types';

/**
 * The grammar accepted (`_` is `db.command`, `$` is `db.command.aggregate`, also `_.aggregate`):
 *
 *   query    := db.collection(NAME) ( read | .doc(ID) doc | .add({data: DOC | [DOC, …]})
 *               | .aggregate() stage* .end() ) [;]
 *   read     := ( .where(FILTER) | .orderBy(PATH, 'asc'|'desc') | .skip(INT>=0)
 *               | .limit(1..1000) | .field(PROJECTION) )*  ( .get() | .count() | .update({data: UPDATE})
 *               | .remove() )   — where/skip/limit/field once each; count/update/remove unshaped
 *   doc      := [.field(PROJECTION)] .get() | .update({data: UPDATE}) | .set({data: DOC}) | .remove()
 *   stage    := .match(FILTER) | .limit(INT>=1) | .skip(INT>=0) | .count(NAME) | .unwind('$path' | {…})
 *               | .sortByCount(EXPR) | .project | .group | .sort | .addFields | .lookup | .replaceRoot
 *               | .sample | .bucket | .bucketAuto ({…})
 *   value    := STRING | `template without ${}` | NUMBER | -NUMBER | true | false | null
 *               | /regex/[imsu] | [value, …] | {KEY: value, …} | new Date(NUMBER | STRING)
 *               | db.serverDate([{offset: NUMBER}]) | db.RegExp({regexp, options}) | new db.Geo.Point(lng, lat)
 *               | command
 *   KEY      := name | STRING | [STRING]  — not __proto__/constructor/prototype, $where/$function/
 *               $accumulator or $tcb_server_date
 *   command  := _.eq|neq|gt|gte|lt|lte|in|nin|all|elemMatch|exists|size|mod(…) [.and|.or(…) | .eq|…|.nin(…)]*
 *               | _.and|or|nor|not(…) [.and|.or(…)]* | _.expr(EXPR)
 *               | _.set|remove|inc|mul|max|min|rename|bit|push|pop|shift|unshift|pull|pullAll|addToSet(…)
 *               | _.project.slice|elemMatch(…) | $.OPERATOR(EXPR) | $.pipeline() stage* .done()
 *
 * Comments and whitespace are free; nothing else (no other identifier, operator, function,
 * statement, spread, getter, computed access or escaped identifier) is.
 *
 * Parses the `query` string of WeChat's cloud HTTP API (`databasequery`, `databaseadd`, …) —
 * `db.collection("users").where({age: _.gt(18)}).limit(10).get()` — into a description the
 * local cloud can run. The text is never evaluated: it is tokenised and parsed by acorn, and
 * only a whitelist of literals, object/array literals and database calls is understood;
 * anything else throws a {@link QueryParseError} naming what was refused and where.
 */
export function parseDbQuery(text: string): ParsedQuery {
  const source = scanSource(text);
  const program = parseProgram(source);
  try {
    return readQuery(source, queryExpression(source, program));
  } catch (error) {
    // The token scan bounds nesting, so this is a second line of defence, not a path in use.
    if (error instanceof RangeError) throw new QueryParseError(QueryErrcode.INVALID_PARAM, 'the query is too complex to read');
    throw error;
  }
}
