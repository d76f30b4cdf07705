import { MAX_NESTING_DEPTH, MAX_QUERY_BYTES, QueryErrcode, QueryParseError, parseDbQuery } from '../src/db-query';

/**
 * Each query here would do something other than describe a query if it were evaluated. The
 * parser must refuse every one of them without running anything: a global flag set by any
 * side effect proves nothing ran.
 */
declare global {
  var __dbQueryPwned: boolean | undefined;
}

function refusal(query: string): QueryParseError {
  try {
    parseDbQuery(query);
  } catch (error) {
    if (error instanceof QueryParseError) return error;
    throw error;
  }
  throw new Error(`accepted: ${query}`);
}

const PWN = 'globalThis.__dbQueryPwned = true';

beforeEach(() => {
  globalThis.__dbQueryPwned = undefined;
});

afterEach(() => {
  expect(globalThis.__dbQueryPwned).toBeUndefined();
});

describe('code is refused as a database command (-502002), pointing at what was refused', () => {
  test.each([
    ['db.collection("a").where({a: process.exit()}).get()', 'process', "the identifier 'process'"],
    ['constructor.constructor("return process")()', 'constructor', "calling 'constructor.constructor"],
    ['({}).__proto__', '(', 'starts with db.collection'],
    ['db["collection"]("a").get()', 'db[', 'computed member access'],
    ['db.collection("a")["get"]()', 'db.', 'computed member access'],
    ['db.collection("a").where({a: _["gt"](1)}).get()', '_[', 'computed member access'],
    ['db.collection("a").where({a: _.gt(1)["constructor"]}).get()', '_.gt(1)[', 'computed member access'],
    [`db.collection(\`a\${${PWN}}\`).get()`, '${', 'template literals'],
    [`(function(){ ${PWN} })()`, 'function', "the keyword 'function'"],
    [`(() => { ${PWN} })()`, '=>', "'=>'"],
    [`db.collection("a").get(); db.collection("a").remove()`, 'db.collection("a").remove', 'only one statement'],
    ['db.\\u0063ollection("a").get()', '\\u', '\\u escapes'],
    ['\\u0064b.collection("a").get()', '\\u', '\\u escapes'],
    ['db.collection("a").where({\\u0061: 1}).get()', '\\u', '\\u escapes'],
    ['db.collection("a").where({a: this}).get()', 'this', "the keyword 'this'"],
    ['db.collection("a").where({a: globalThis}).get()', 'globalThis', "the identifier 'globalThis'"],
    ['db.collection("a").where({a: eval("1")}).get()', 'eval', "calling 'eval'"],
    ['db.collection("a").where({a: Function("x")()}).get()', 'Function', 'calling \'Function("x")\''],
    ['db.collection("a").where({a: require("fs")}).get()', 'require', "calling 'require'"],
    ['db.collection("a").where({a: import("fs")}).get()', 'import', "the keyword 'import'"],
    ['db.collection("a").where({a: new Function("x")}).get()', 'new', "'new Function'"],
    ['db.collection("a").where({a: new db.constructor()}).get()', 'new', "'new db.constructor'"],
    ['db.collection("a").where({a: _.constructor("x")}).get()', '_.', "'_.constructor' is not an allowed"],
    ['db.collection("a").where({a: _.gt.call(null, 1)}).get()', '_.', "'_.gt.call' is not an allowed"],
    ['db.collection("a").where({a: _.gt(1).constructor("x")}).get()', '_.', "'.constructor()' cannot be called"],
    ['db.collection("a").where({a: db.serverDate.bind(db)()}).get()', 'db.serverDate', "calling 'db.serverDate.bind(db)'"],
    ['db.collection("a").where({a: _}).get()', '_}', "'_' can only be used"],
    ['db.collection("a").where({a: db}).get()', 'db}', "'db' can only be used"],
    ['db.collection("a").where({a: undefined}).get()', 'undefined', "the identifier 'undefined'"],
    ['db.collection("a").where({a: NaN}).get()', 'NaN', "the identifier 'NaN'"],
    ['db.collection("a").where({a: 1 + 1}).get()', '+', "'+'"],
    ['db.collection("a").where({a: 2 - 1}).get()', '- 1', "'-'"],
    ['db.collection("a").where({a: !1}).get()', '!', "'!'"],
    ['db.collection("a").where({a: +1}).get()', '+', "'+'"],
    ['db.collection("a").where({a: - -1}).get()', '- -', "'-'"],
    ['db.collection("a").where({a: typeof x}).get()', 'typeof', "the keyword 'typeof'"],
    ['db.collection("a").where({a: void 0}).get()', 'void', "the keyword 'void'"],
    ['db.collection("a").where({a: (x = 1)}).get()', '=', "'='"],
    ['db.collection("a").where({a: (1, 2)}).get()', '1, 2', 'comma-separated expressions'],
    ['db.collection("a").where({a: x ? 1 : 2}).get()', '?', "'?'"],
    ['db.collection("a").where({a: 1 || 2}).get()', '||', "'||'"],
    ['db.collection("a").where({a: x?.y}).get()', '?.', "'?.'"],
    ['db.collection("a").where({...x}).get()', '...', "'...'"],
    ['db.collection("a").where({a: [...x]}).get()', '...', "'...'"],
    ['db.collection("a").where({x}).get()', 'x}', 'shorthand property'],
    ['db.collection("a").where({get a() {}}).get()', 'get a', 'getters and setters'],
    ['db.collection("a").where({a() {}}).get()', 'a()', 'methods'],
    ['db.collection("a").where({[x]: 1}).get()', 'x]', 'computed keys'],
    ['db.collection("a").where({__proto__: {a: 1}}).get()', '__proto__', "'__proto__'"],
    ['db.collection("a").where({"__proto__": 1}).get()', '"__proto__"', "'__proto__'"],
    ['db.collection("a").where({["__proto__"]: 1}).get()', '"__proto__"', "'__proto__'"],
    ['db.collection("a").where({"__pro\\u0074o__": 1}).get()', '"__pro', "'__proto__'"],
    ['db.collection("a").where({"a.__proto__.b": 1}).get()', '"a.', "'__proto__'"],
    ['db.collection("a").add({data: {constructor: {prototype: 1}}})', 'constructor', "'constructor'"],
    ['db.collection("a").where({a: {prototype: 1}}).get()', 'prototype', "'prototype'"],
    ['db.collection("a").where({$where: "sleep(1000)"}).get()', '$where', "'$where' runs JavaScript"],
    ['db.collection("a").aggregate().project({x: {$function: {body: "x", args: [], lang: "js"}}}).end()', '$function', "'$function' runs JavaScript"],
    ['db.collection("a").add({data: {t: {$tcb_server_date: {offset: 0}}}})', '$tcb', 'reserved for db.serverDate()'],
    ['db.collection("a").orderBy("constructor", "asc").get()', '"constructor"', "'constructor'"],
    ['db.collection("a").where({a: tag`x`}).get()', 'tag', 'tagged templates'],
    ['db.collection("a").where({a: class {}}).get()', 'class', "the keyword 'class'"],
    ['db.collection("a").where({a: new new Date(1)}).get()', 'new', "'new' is only allowed"],
    ['db.collection("a").where({a: db.Geo.Point(1, 2)}).get()', 'db.Geo', "'db.Geo.Point' is not an allowed"],
    ['db.collection("a").where({a: new Date(1).getTime()}).get()', 'new', 'cannot be called into'],
    ['db.collection("a").where({a: /a/.source}).get()', '/a/', "property access '/a/.source'"],
    ['process.mainModule.require("child_process").execSync("id")', 'process', "the identifier 'process'"],
    ['x = db.collection("a").get()', '=', "'='"],
    ['var x = 1', 'var', "the keyword 'var'"],
    ['db.collection("a").get()\nwhile(1){}', 'while', "the keyword 'while'"],
    ['db.collection?.("a").get()', '?.', "'?.'"],
    ['db.collection("a").where({a: 1}).get`x`', 'db', 'a query is a chain of calls'],
    ['db.collection("a").doc("x").update({data: {a: _.set(async function () {})}})', 'function', "the keyword 'function'"],
  ])('%s', (query, marker, words) => {
    const error = refusal(query);
    expect(error.message).toContain(words);
    // The position points at the first occurrence of `marker` (single-line queries: column = offset + 1).
    expect(error.position?.offset).toBe(query.indexOf(marker));
    expect(error.errcode).toBe(QueryErrcode.INVALID_COMMAND);
  });
});

describe('inputs built to exhaust the parser are refused before parsing (-501007)', () => {
  const nest = (levels: number, open: string, close: string, inner = '1') => `${open.repeat(levels)}${inner}${close.repeat(levels)}`;

  test(`nesting up to ${MAX_NESTING_DEPTH} levels is accepted, one more is not`, () => {
    // add( { {x: open three levels before the arrays.
    const at = (arrays: number) => `db.collection("a").add({data: {x: ${nest(arrays, '[', ']')}}})`;
    expect(parseDbQuery(at(MAX_NESTING_DEPTH - 3))).toMatchObject({ op: 'add' });
    const error = refusal(at(MAX_NESTING_DEPTH - 2));
    expect(error.errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(error.message).toContain(`deeper than ${MAX_NESTING_DEPTH}`);
    // The refusal points at the bracket that goes one level too deep.
    expect(error.position?.offset).toBe(at(0).indexOf('1') + MAX_NESTING_DEPTH - 3);
  });

  test.each([
    ['arrays', nest(30_000, '[', ']')],
    ['objects', nest(15_000, '{a:', '}')],
    ['parentheses', nest(30_000, '(', ')')],
    ['commands', nest(9_000, '_.not(', ')')],
  ])('very deep %s', (_kind, value) => {
    const error = refusal(`db.collection("a").where({a: ${value}}).get()`);
    expect(error.errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(error.message).toContain('deeper than');
  });

  test.each([
    ['additions', `1${'+1'.repeat(30_000)}`, "'+'"],
    ['negations', `${'- '.repeat(30_000)}1`, "'-'"],
    ['unary nots', `${'!'.repeat(60_000)}1`, "'!'"],
    ['news', `${'new '.repeat(15_000)}Date(1)`, "'new' is only allowed"],
  ])('long chains of %s', (_kind, value, words) => {
    const error = refusal(`db.collection("a").where({a: ${value}}).get()`);
    expect(error.errcode).toBe(QueryErrcode.INVALID_COMMAND);
    expect(error.message).toContain(words);
  });

  test('a long key over many nested fields cannot expand into megabytes of dotted paths', () => {
    const fields = Array.from({ length: 4_000 }, (_unused, index) => `f${index}: 1`).join(', ');
    const query = `db.collection("a").where({"${'k'.repeat(20_000)}": {${fields}}}).get()`;
    expect(Buffer.byteLength(query)).toBeLessThan(MAX_QUERY_BYTES);
    const error = refusal(query);
    expect(error.errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(error.message).toContain('too long');
    // The same fields under a short key are fine.
    expect(parseDbQuery(`db.collection("a").where({k: {${fields}}}).count()`)).toMatchObject({ where: { 'k.f3999': 1 } });
  });

  test('a long but flat chain of calls is fine', () => {
    const query = `db.collection("a")${'.orderBy("a", "asc")'.repeat(2_000)}.get()`;
    expect(parseDbQuery(query)).toMatchObject({ orderBy: [{ field: 'a', direction: 'asc' }] });
  });

  test(`inputs over ${MAX_QUERY_BYTES} bytes are refused, measured in UTF-8`, () => {
    const prefix = 'db.collection("a").add({data: {s: "';
    const suffix = '"}})';
    const fits = `${prefix}${'x'.repeat(MAX_QUERY_BYTES - prefix.length - suffix.length)}${suffix}`;
    expect(Buffer.byteLength(fits)).toBe(MAX_QUERY_BYTES);
    expect(parseDbQuery(fits)).toMatchObject({ op: 'add' });
    const tooLong = `${prefix}${'x'.repeat(MAX_QUERY_BYTES)}${suffix}`;
    expect(refusal(tooLong).errcode).toBe(QueryErrcode.INVALID_PARAM);
    // 3 bytes each in UTF-8: fewer characters than the limit, more bytes.
    const wide = `${prefix}${'张'.repeat(MAX_QUERY_BYTES / 3)}${suffix}`;
    expect(wide.length).toBeLessThan(MAX_QUERY_BYTES);
    expect(refusal(wide).message).toContain('bytes');
  });

  test('a huge input of garbage is refused without a stack overflow', () => {
    const error = refusal('(['.repeat(30_000));
    expect(error.errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(error.message).toContain('deeper than');
  });
});

describe('what is not even JavaScript is a syntax error (-501007)', () => {
  test.each([
    ['#!/usr/bin/env node\ndb.collection("a").get()', 1],
    ['db.collection("a".get()', 23],
    ['db.collection("a).get()', 14],
    ['db.collection("a").where({a: 1,, b: 2}).get()', 31],
  ])('%s', (query, offset) => {
    const error = refusal(query);
    expect(error.errcode).toBe(QueryErrcode.INVALID_PARAM);
    expect(error.message).toMatch(/^syntax error: /);
    expect(error.position?.offset).toBe(offset);
  });

  test('an empty statement after the query is a second statement', () => {
    const error = refusal('db.collection("a").get();;');
    expect(error.errcode).toBe(QueryErrcode.INVALID_COMMAND);
    expect(error.message).toContain('only one statement');
    expect(error.position?.offset).toBe(25);
  });
});

describe('data that looks like code stays data', () => {
  test('strings holding code, quotes, markup and template syntax are strings', () => {
    const query =
      'db.collection("a").add({data: {s: "\\"); process.exit(); (\\"", ' + `t: '${PWN}', ` + 'u: "</script><script>1</script>", v: "${x}", w: `\\${x}`}})';
    expect(query).toContain('w: `\\${x}`');
    expect(parseDbQuery(query)).toEqual({
      op: 'add',
      collection: 'a',
      data: [{ s: '"); process.exit(); ("', t: PWN, u: '</script><script>1</script>', v: '$' + '{x}', w: '$' + '{x}' }],
    });
  });

  test('keys that name commands or globals are only keys', () => {
    expect(parseDbQuery('db.collection("a").add({data: {process: 1, _: 2, $: 3, db: 4, eval: 5, "$set": 6}})')).toEqual({
      op: 'add',
      collection: 'a',
      data: [{ process: 1, _: 2, $: 3, db: 4, eval: 5, $set: 6 }],
    });
  });
});
