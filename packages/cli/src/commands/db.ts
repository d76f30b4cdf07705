import type { Command } from '../command';
import type { QueryCommandName } from './db-run';

/** What `wxhub db …` does, loaded only when one of them runs: `--help` and `--version` load no command. */
function implementation(): typeof import('./db-run') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose (see above)
  return require('./db-run') as typeof import('./db-run');
}

const QUERY_NOTE =
  'The query is db.collection(…) text as in the mini program (_ = db.command, $ = db.command.aggregate); - reads it from stdin. It is parsed, never run as code.';

/** What sets one query command apart; the operand, the note and the exit code are the same for all. */
type QueryCommandSpec = Pick<Command, 'summary' | 'details'> & {
  readonly name: QueryCommandName;
  readonly example: string;
};

function queryCommand({ name, summary, details, example }: QueryCommandSpec): Command {
  return {
    name,
    summary,
    operands: '<query|->',
    details: [...details, QUERY_NOTE],
    options: [],
    examples: [example],
    run: (context) => implementation().runQuery(name, context),
  };
}

export const dbCommands: readonly Command[] = [
  queryCommand({
    name: 'db query',
    summary: 'read documents (tcb/databasequery)',
    details: ['Prints one document per line (JSON) and the paging on stderr. Without .limit() the API', 'returns 10 documents.'],
    example: `wxhub db query 'db.collection("users").where({age: _.gt(18)}).orderBy("age", "desc").limit(20).get()' --app A`,
  }),
  queryCommand({
    name: 'db add',
    summary: 'insert documents (tcb/databaseadd)',
    details: ["Prints the new documents' _ids, one per line."],
    example: `wxhub db add 'db.collection("todos").add({data: [{title: "a", due: new Date("2026-09-01")}, {title: "b", createdAt: db.serverDate()}]})' --app A`,
  }),
  queryCommand({
    name: 'db update',
    summary: 'update documents (tcb/databaseupdate)',
    details: ['where(…).update() changes every match; doc(id).update() one document; doc(id).set() replaces', 'one or creates it.'],
    example: `wxhub db update 'db.collection("users").where({vip: true}).update({data: {points: _.inc(10)}})' --app A`,
  }),
  queryCommand({
    name: 'db delete',
    summary: 'remove documents (tcb/databasedelete)',
    details: ['where(…).remove() removes every match; doc(id).remove() one document.'],
    example: `wxhub db delete 'db.collection("sessions").where({expiresAt: _.lt(new Date("2026-01-01"))}).remove()' --app A`,
  }),
  queryCommand({
    name: 'db count',
    summary: 'count documents (tcb/databasecount)',
    details: ['Prints the number of documents the where matches.'],
    example: `wxhub db count 'db.collection("users").where({city: "Shenzhen"}).count()' --app A`,
  }),
  queryCommand({
    name: 'db aggregate',
    summary: 'run an aggregation pipeline (tcb/databaseaggregate)',
    details: ['Prints one output document per line.'],
    example: `wxhub db aggregate 'db.collection("orders").aggregate().group({_id: "$city", total: $.sum("$amount")}).sort({total: -1}).end()' --app A`,
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
    run: (context) => implementation().collections(context),
  },
  {
    name: 'db create-collection',
    summary: 'create a collection (tcb/databasecollectionadd)',
    operands: '<name>',
    details: [],
    options: [],
    examples: ['wxhub db create-collection orders --app A'],
    run: (context) => implementation().createCollection(context),
  },
  {
    name: 'db drop-collection',
    summary: 'delete a collection and its documents (tcb/databasecollectiondelete)',
    operands: '<name>',
    details: [],
    options: [],
    examples: ['wxhub db drop-collection scratch --app A'],
    run: (context) => implementation().dropCollection(context),
  },
];
