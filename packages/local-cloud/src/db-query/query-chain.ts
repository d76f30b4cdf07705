import { MAX_LIMIT, STAGES, keyProblem } from '@wxhub/db-query-language';
import type { CallExpression, Expression, Identifier, Program } from 'acorn';
import { AstReader } from './ast-reader';
import { encodeFilter } from './filter-encoding';
import { isOneOf, type Ir } from './ir';
import { brief, type QuerySource } from './query-source';
import { encodeProjection, encodeStage } from './stage-encoding';
import { type DocumentId, type OrderBy, type ParsedQuery, type QueryObject } from './types';
import { encodeUpdate } from './update-encoding';
import { integer, objectArg, toData } from './value-encoding';

/** One `.name(args)` link of `db.collection(…).….get()`. */
interface Link {
  readonly name: string;
  readonly node: CallExpression;
  readonly nameNode: Identifier;
}

const CHAIN_METHODS: ReadonlySet<string> = new Set([
  'collection',
  'doc',
  'where',
  'orderBy',
  'skip',
  'limit',
  'field',
  'get',
  'count',
  'add',
  'update',
  'set',
  'remove',
  'aggregate',
  'end',
  ...STAGES,
]);

const MAX_COLLECTION_NAME = 128;

/** The program must be exactly one expression statement: a trailing `;` is fine, more code is not. */
export function queryExpression(source: QuerySource, program: Program): Expression {
  const [first, second] = program.body;
  if (second !== undefined) throw source.refused(second, 'only one statement is allowed; nothing may follow the query');
  if (first === undefined) throw source.invalid(0, 'the query is empty');
  if (first.type !== 'ExpressionStatement') throw source.refused(first, `a ${first.type} is not a query`);
  return first.expression;
}

/** `db.collection(…).….get()` as its list of calls, from `collection` on. */
function links(source: QuerySource, reader: AstReader, expression: Expression): Link[] {
  const out: Link[] = [];
  let node: Expression = expression;
  for (;;) {
    if (node.type !== 'CallExpression') {
      const root = rootIdentifier(node);
      if (root !== undefined && reader.name(root) !== 'db') throw source.refused(root, `the identifier '${brief(root.name)}' is not allowed`);
      throw source.refused(node, 'a query is a chain of calls that starts with db.collection(…)');
    }
    const callee = node.callee;
    if (callee.type !== 'MemberExpression') throw source.refused(callee, `calling '${source.snippet(callee)}' is not allowed`);
    if (node.optional || callee.optional) throw source.refused(callee, 'optional chaining is not allowed');
    if (callee.computed) throw source.refused(callee, 'computed member access ([…]) is not allowed');
    if (callee.property.type !== 'Identifier') throw source.refused(callee.property, 'unsupported method name');
    const name = reader.name(callee.property);
    out.push({ name, node, nameNode: callee.property });
    if (callee.object.type === 'Identifier') {
      const root = reader.name(callee.object);
      if (root !== 'db') throw source.refused(callee.object, `the identifier '${brief(root)}' is not allowed; a query starts with db.collection(…)`);
      break;
    }
    if (callee.object.type === 'Super') throw source.refused(callee.object, "'super' is not allowed");
    node = callee.object;
  }
  return out.reverse();
}

/** The identifier a member chain such as `process.mainModule.require` starts from. */
function rootIdentifier(node: Expression): Identifier | undefined {
  let current: Expression = node;
  while (current.type === 'MemberExpression' && current.object.type !== 'Super') current = current.object;
  return current.type === 'Identifier' ? current : undefined;
}

type Mode = 'collection' | 'query' | 'doc' | 'aggregate';

/**
 * Reads the chain as wx-server-sdk would run it, in a state machine: which call may follow
 * which, what each takes. Stricter than the SDK where the SDK would silently ignore something:
 * `where`, `skip`, `limit` and `field` may each appear once, and `count()`, `update()` and
 * `remove()` refuse `orderBy/skip/limit/field` (the SDK drops them, so `where(…).limit(1).remove()`
 * would remove every match).
 */
export function readQuery(source: QuerySource, expression: Expression): ParsedQuery {
  const reader = new AstReader(source);
  const chain = links(source, reader, expression);
  const [head, ...rest] = chain;
  if (head === undefined || head.name !== 'collection') {
    throw source.invalid(head?.node ?? expression, 'a query starts with db.collection(…)');
  }
  const collection = collectionName(source, reader, head);
  let mode: Mode = 'collection';
  let docId: DocumentId | undefined;
  let where: QueryObject | undefined;
  const orderBy: OrderBy[] = [];
  let skip: number | undefined;
  let limit: number | undefined;
  let field: QueryObject | undefined;
  const stages: QueryObject[] = [];
  let result: ParsedQuery | undefined;
  const shaped = () => orderBy.length > 0 || skip !== undefined || limit !== undefined || field !== undefined;
  const target = () => ({ collection, ...(docId !== undefined ? { docId } : {}), ...(where !== undefined ? { where } : {}) });

  for (const link of rest) {
    const { name, node } = link;
    if (!CHAIN_METHODS.has(name)) throw source.refused(link.nameNode, `'.${brief(name)}()' is not an allowed database command`);
    if (result !== undefined) throw source.invalid(link.nameNode, `nothing may follow .${result.op === 'aggregate' ? 'end' : result.op}()`);
    const args = reader.readArgs(node);
    const [arg] = args;
    const misplaced = () =>
      source.invalid(link.nameNode, `.${name}() cannot be used ${mode === 'doc' ? 'after .doc()' : mode === 'aggregate' ? 'in an aggregation' : 'here'}`);
    const noShape = () => {
      if (shaped()) throw source.invalid(link.nameNode, `.${name}() does not take orderBy/skip/limit/field`);
    };
    const arity = (count: number) => reader.arity(node, args, count, count, `.${name}()`);

    if (mode === 'aggregate') {
      if (name === 'end') {
        arity(0);
        result = { op: 'aggregate', collection, stages };
      } else if (isOneOf(STAGES, name)) {
        stages.push(encodeStage(source, { name, args, at: node }));
      } else {
        throw misplaced();
      }
      continue;
    }

    switch (name) {
      case 'doc':
        if (mode !== 'collection') throw misplaced();
        arity(1);
        docId = documentId(source, arg, node);
        mode = 'doc';
        break;
      case 'where':
        if (mode === 'doc') throw misplaced();
        if (where !== undefined) throw source.invalid(link.nameNode, '.where() may appear only once');
        arity(1);
        where = encodeFilter(source, arg as Ir, '.where()');
        mode = 'query';
        break;
      case 'orderBy':
        if (mode === 'doc') throw misplaced();
        reader.arity(node, args, 2, 2, '.orderBy()');
        addOrder(source, orderBy, args);
        mode = 'query';
        break;
      case 'skip':
      case 'limit':
        if (mode === 'doc') throw misplaced();
        arity(1);
        if ((name === 'skip' ? skip : limit) !== undefined) throw source.invalid(link.nameNode, `.${name}() may appear only once`);
        if (name === 'skip') skip = integer(source, arg as Ir, '.skip()', 0);
        else limit = integer(source, arg as Ir, '.limit()', 1, MAX_LIMIT);
        mode = 'query';
        break;
      case 'field':
        if (field !== undefined) throw source.invalid(link.nameNode, '.field() may appear only once');
        arity(1);
        field = encodeProjection(source, arg, node);
        if (mode !== 'doc') mode = 'query';
        break;
      case 'get':
        arity(0);
        result = {
          op: 'get',
          ...target(),
          ...(orderBy.length > 0 ? { orderBy } : {}),
          ...(skip !== undefined ? { skip } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(field !== undefined ? { field } : {}),
        };
        break;
      case 'count':
        if (mode === 'doc') throw misplaced();
        arity(0);
        noShape();
        result = { op: 'count', ...target() };
        break;
      case 'remove':
        arity(0);
        noShape();
        result = { op: 'remove', ...target() };
        break;
      case 'update':
        arity(1);
        noShape();
        result = { op: 'update', ...target(), data: encodeUpdate(source, dataOf(source, arg, node, '.update()'), node) };
        break;
      case 'set': {
        if (mode !== 'doc' || docId === undefined) throw misplaced();
        arity(1);
        noShape();
        result = { op: 'set', collection, docId, data: setDocument(source, dataOf(source, arg, node, '.set()'), node) };
        break;
      }
      case 'add':
        if (mode !== 'collection') throw misplaced();
        arity(1);
        result = { op: 'add', collection, data: addDocuments(source, dataOf(source, arg, node, '.add()'), node) };
        break;
      case 'aggregate':
        if (mode !== 'collection') throw misplaced();
        arity(0);
        mode = 'aggregate';
        break;
      default:
        throw misplaced();
    }
  }
  if (result === undefined) {
    throw source.invalid(expression.end, 'the query must end with .get(), .count(), .add(), .update(), .set(), .remove() or, after .aggregate(), .end()');
  }
  return result;
}

function collectionName(source: QuerySource, reader: AstReader, head: Link): string {
  const args = reader.readArgs(head.node);
  reader.arity(head.node, args, 1, 1, 'db.collection()');
  const [arg] = args as [Ir];
  const value = arg.kind === 'literal' ? arg.value : undefined;
  if (typeof value !== 'string' || value === '' || value.length > MAX_COLLECTION_NAME) {
    throw source.invalid(arg.at, `db.collection() takes a collection name (1 to ${MAX_COLLECTION_NAME} characters)`);
  }
  return value;
}

function documentId(source: QuerySource, arg: Ir | undefined, node: CallExpression): DocumentId {
  const value = arg?.kind === 'literal' ? arg.value : undefined;
  if ((typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw source.invalid(arg?.at ?? node, '.doc() takes a document id (a non-empty string or a number)');
}

function addOrder(source: QuerySource, orderBy: OrderBy[], args: readonly Ir[]): void {
  const [fieldArg, directionArg] = args as [Ir, Ir];
  const field = fieldArg.kind === 'literal' ? fieldArg.value : undefined;
  if (typeof field !== 'string' || field === '') throw source.invalid(fieldArg.at, '.orderBy() takes a field path first');
  const problem = keyProblem(field);
  if (problem !== undefined) throw source.refused(fieldArg.at, problem);
  const direction = directionArg.kind === 'literal' ? directionArg.value : undefined;
  if (direction !== 'asc' && direction !== 'desc') throw source.invalid(directionArg.at, ".orderBy() direction must be 'asc' or 'desc'");
  // The SDK keeps one direction per field, in the position the field first appeared.
  const existing = orderBy.findIndex((entry) => entry.field === field);
  if (existing >= 0) orderBy[existing] = { field, direction };
  else orderBy.push({ field, direction });
}

/** The `data` of `{data: …}`, the only option wx-server-sdk's add/update/set take over HTTP. */
function dataOf(source: QuerySource, arg: Ir | undefined, node: CallExpression, what: string): Ir {
  const options = objectArg(source, arg, node, what);
  let data: Ir | undefined;
  for (const entry of options.entries) {
    if (entry.key !== 'data') throw source.invalid(entry.keyAt, `${what} takes {data: …}, not '${brief(entry.key)}'`);
    data = entry.value;
  }
  if (data === undefined) throw source.invalid(options.at, `${what} takes {data: …}`);
  return data;
}

function addDocuments(source: QuerySource, data: Ir, node: CallExpression): QueryObject[] {
  const items = data.kind === 'array' ? data.items : [data];
  if (items.length === 0) throw source.invalid(data.at, '.add() needs at least one document');
  return items.map((item) => {
    const document = toData(source, objectArg(source, item, node, '.add() data'), '.add() data') as QueryObject;
    const id = document._id;
    if (id !== undefined && !((typeof id === 'string' && id !== '') || typeof id === 'number')) {
      throw source.invalid(item.at, 'a document _id must be a non-empty string or a number');
    }
    return document;
  });
}

function setDocument(source: QuerySource, data: Ir, node: CallExpression): QueryObject {
  const document = objectArg(source, data, node, '.set() data');
  const id = document.entries.find((entry) => entry.key === '_id');
  if (id !== undefined) throw source.invalid(id.keyAt, 'the _id of a document cannot be updated (不能更新_id的值)');
  return toData(source, document, '.set() data') as QueryObject;
}
