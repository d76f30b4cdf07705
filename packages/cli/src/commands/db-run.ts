import { integerOption } from '../args';
import type { CommandContext } from '../command';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { expectOperands, operandText } from '../operands';
import { formatBytes, oneLine } from '../output';

/** What the query commands do with their query (`wxhub db query|add|update|delete|count|aggregate`). */
const SENDS = {
  'db query': async (context: CommandContext, query: string) => {
    const { data, pager } = await context.connect().cloud.query(query);
    context.out.result({ data, pager }, () => data.map(oneLine));
    context.out.note(`${data.length} of ${pager.total} document(s) (offset ${pager.offset}, limit ${pager.limit})`);
  },
  'db add': async (context: CommandContext, query: string) => {
    const { ids } = await context.connect().cloud.add(query);
    context.out.result({ ids }, () => ids.map(String));
    context.out.note(`added ${ids.length} document(s)`);
  },
  'db update': async (context: CommandContext, query: string) => {
    const result = await context.connect().cloud.update(query);
    context.out.result(result, () => [
      `matched ${result.matched}, modified ${result.modified}${result.upsertedId !== undefined ? `, created ${String(result.upsertedId)}` : ''}`,
    ]);
  },
  'db delete': async (context: CommandContext, query: string) => {
    const result = await context.connect().cloud.delete(query);
    context.out.result(result, () => [`deleted ${result.deleted}`]);
  },
  'db count': async (context: CommandContext, query: string) => {
    const count = await context.connect().cloud.count(query);
    context.out.result({ count }, () => [String(count)]);
  },
  'db aggregate': async (context: CommandContext, query: string) => {
    const data = await context.connect().cloud.aggregate(query);
    context.out.result({ data }, () => data.map(oneLine));
    context.out.note(`${data.length} document(s)`);
  },
} satisfies Record<string, (context: CommandContext, query: string) => Promise<void>>;

export type QueryCommandName = keyof typeof SENDS;

/** Every query command: one operand, the query text (or - for stdin), sent as it is. */
export async function runQuery(name: QueryCommandName, context: CommandContext): Promise<ExitCodeValue> {
  const send = SENDS[name];
  expectOperands(context.operands, name, ['the query']);
  await send(context, await operandText(context.operands[0] as string, context.io));
  return ExitCode.OK;
}

export async function collections(context: CommandContext): Promise<ExitCodeValue> {
  expectOperands(context.operands, 'db collections', []);
  const limit = integerOption(context.args, 'limit', 'db collections', { min: 1, max: 1000 });
  const offset = integerOption(context.args, 'offset', 'db collections', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const list = await context.connect().cloud.listCollections({ ...(limit !== undefined ? { limit } : {}), ...(offset !== undefined ? { offset } : {}) });
  context.out.result(list, () => list.collections.map((c) => `${c.name}\t${c.count} document(s)\t${formatBytes(c.size)}`));
  context.out.note(`${list.collections.length} of ${list.pager.total} collection(s)`);
  return ExitCode.OK;
}

export async function createCollection(context: CommandContext): Promise<ExitCodeValue> {
  expectOperands(context.operands, 'db create-collection', ['the collection name']);
  const name = context.operands[0] as string;
  await context.connect().cloud.createCollection(name);
  context.out.result({ created: name }, () => [`created ${name}`]);
  return ExitCode.OK;
}

export async function dropCollection(context: CommandContext): Promise<ExitCodeValue> {
  expectOperands(context.operands, 'db drop-collection', ['the collection name']);
  const name = context.operands[0] as string;
  await context.connect().cloud.deleteCollection(name);
  context.out.result({ deleted: name }, () => [`deleted ${name}`]);
  return ExitCode.OK;
}
