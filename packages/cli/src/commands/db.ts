import { integerOption } from '../args';
import type { Command, CommandContext } from '../command';
import { ExitCode } from '../exit-codes';
import { expectOperands, operandText } from '../operands';
import { formatBytes, oneLine } from '../output';

const QUERY_NOTE =
  'The query is db.collection(…) text as in the mini program (_ = db.command, $ = db.command.aggregate); - reads it from stdin. It is parsed, never run as code.';

/** What sets one query command apart; the operand, the note and the exit code are the same for all. */
type QueryCommandSpec = Pick<Command, 'name' | 'summary' | 'details'> & {
  readonly example: string;
  /** Sends the query and prints the answer. */
  send(context: CommandContext, query: string): Promise<void>;
};

function queryCommand({ name, summary, details, example, send }: QueryCommandSpec): Command {
  return {
    name,
    summary,
    operands: '<query|->',
    details: [...details, QUERY_NOTE],
    options: [],
    examples: [example],
    async run(context) {
      expectOperands(context.operands, name, ['the query']);
      await send(context, await operandText(context.operands[0] as string, context.io));
      return ExitCode.OK;
    },
  };
}

export const dbCommands: readonly Command[] = [
  queryCommand({
    name: 'db query',
    summary: 'read documents (tcb/databasequery)',
    details: ['Prints one document per line (JSON) and the paging on stderr. Without .limit() the API', 'returns 10 documents.'],
    example: `wxhub db query 'db.collection("users").where({age: _.gt(18)}).orderBy("age", "desc").limit(20).get()' --app A`,
    async send(context, query) {
      const { data, pager } = await context.connect().cloud.query(query);
      context.out.result({ data, pager }, () => data.map(oneLine));
      context.out.note(`${data.length} of ${pager.total} document(s) (offset ${pager.offset}, limit ${pager.limit})`);
    },
  }),
  queryCommand({
    name: 'db add',
    summary: 'insert documents (tcb/databaseadd)',
    details: ["Prints the new documents' _ids, one per line."],
    example: `wxhub db add 'db.collection("todos").add({data: [{title: "a", due: new Date("2026-09-01")}, {title: "b", createdAt: db.serverDate()}]})' --app A`,
    async send(context, query) {
      const { ids } = await context.connect().cloud.add(query);
      context.out.result({ ids }, () => ids.map(String));
      context.out.note(`added ${ids.length} document(s)`);
    },
  }),
  queryCommand({
    name: 'db update',
    summary: 'update documents (tcb/databaseupdate)',
    details: ['where(…).update() changes every match; doc(id).update() one document; doc(id).set() replaces', 'one or creates it.'],
    example: `wxhub db update 'db.collection("users").where({vip: true}).update({data: {points: _.inc(10)}})' --app A`,
    async send(context, query) {
      const result = await context.connect().cloud.update(query);
      context.out.result(result, () => [
        `matched ${result.matched}, modified ${result.modified}${result.upsertedId !== undefined ? `, created ${String(result.upsertedId)}` : ''}`,
      ]);
    },
  }),
  queryCommand({
    name: 'db delete',
    summary: 'remove documents (tcb/databasedelete)',
    details: ['where(…).remove() removes every match; doc(id).remove() one document.'],
    example: `wxhub db delete 'db.collection("sessions").where({expiresAt: _.lt(new Date("2026-01-01"))}).remove()' --app A`,
    async send(context, query) {
      const result = await context.connect().cloud.delete(query);
      context.out.result(result, () => [`deleted ${result.deleted}`]);
    },
  }),
  queryCommand({
    name: 'db count',
    summary: 'count documents (tcb/databasecount)',
    details: ['Prints the number of documents the where matches.'],
    example: `wxhub db count 'db.collection("users").where({city: "Shenzhen"}).count()' --app A`,
    async send(context, query) {
      const count = await context.connect().cloud.count(query);
      context.out.result({ count }, () => [String(count)]);
    },
  }),
  queryCommand({
    name: 'db aggregate',
    summary: 'run an aggregation pipeline (tcb/databaseaggregate)',
    details: ['Prints one output document per line.'],
    example: `wxhub db aggregate 'db.collection("orders").aggregate().group({_id: "$city", total: $.sum("$amount")}).sort({total: -1}).end()' --app A`,
    async send(context, query) {
      const data = await context.connect().cloud.aggregate(query);
      context.out.result({ data }, () => data.map(oneLine));
      context.out.note(`${data.length} document(s)`);
    },
  }),
  {
    name: 'db collections',
    summary: 'list collections with counts and sizes (tcb/databasecollectionget)',
    operands: '',
    details: ['One collection per line: name, documents, data size.'],
    options: [
      ['limit', 'collections per page (default 10)'],
      ['offset', 'collections to skip (default 0)'],
    ],
    examples: ['wxhub db collections --app A --limit 100'],
    async run(context) {
      expectOperands(context.operands, 'db collections', []);
      const limit = integerOption(context.args, 'limit', 'db collections', { min: 1, max: 1000 });
      const offset = integerOption(context.args, 'offset', 'db collections', { min: 0, max: Number.MAX_SAFE_INTEGER });
      const list = await context.connect().cloud.listCollections({ ...(limit !== undefined ? { limit } : {}), ...(offset !== undefined ? { offset } : {}) });
      context.out.result(list, () => list.collections.map((c) => `${c.name}\t${c.count} document(s)\t${formatBytes(c.size)}`));
      context.out.note(`${list.collections.length} of ${list.pager.total} collection(s)`);
      return ExitCode.OK;
    },
  },
  {
    name: 'db create-collection',
    summary: 'create a collection (tcb/databasecollectionadd)',
    operands: '<name>',
    details: [],
    options: [],
    examples: ['wxhub db create-collection orders --app A'],
    async run(context) {
      expectOperands(context.operands, 'db create-collection', ['the collection name']);
      const name = context.operands[0] as string;
      await context.connect().cloud.createCollection(name);
      context.out.result({ created: name }, () => [`created ${name}`]);
      return ExitCode.OK;
    },
  },
  {
    name: 'db drop-collection',
    summary: 'delete a collection and its documents (tcb/databasecollectiondelete)',
    operands: '<name>',
    details: [],
    options: [],
    examples: ['wxhub db drop-collection scratch --app A'],
    async run(context) {
      expectOperands(context.operands, 'db drop-collection', ['the collection name']);
      const name = context.operands[0] as string;
      await context.connect().cloud.deleteCollection(name);
      context.out.result({ deleted: name }, () => [`deleted ${name}`]);
      return ExitCode.OK;
    },
  },
];
