import { COLLECTION, expr, pipeline, sdkCall, useConformanceCloud, type Doc } from './support/conformance-cloud';

// Aggregation through the real wx-server-sdk (collection.aggregate()...end()). Each test cites the
// stage's page (云开发 / SDK 文档 / 数据库 / 聚合 / Aggregate.<stage>). Stages whose output order the
// docs leave open are followed by a sort, or compared as sets.

const t = useConformanceCloud();

const BOOKS: Doc[] = [
  { _id: 'b1', category: 'Web', title: 'The Web', sales: 400, author: 'stark', size: ['S', 'M'] },
  { _id: 'b2', category: 'Web', title: 'HTML', sales: 100, author: 'bob', size: [] },
  { _id: 'b3', category: 'Novel', title: 'Sea', sales: 250, author: 'stark', size: ['L'] },
  { _id: 'b4', category: 'Poem', title: 'Moon', sales: 50, author: 'li' },
];

type Aggregate = ReturnType<(typeof t)['items']['aggregate']>;

async function run(pipeline: Aggregate): Promise<Doc[]> {
  const result = await sdkCall(pipeline.end() as Promise<{ list: Doc[]; errMsg: string }> | void);
  expect(result.errMsg).toBe('collection.aggregate:ok');
  return result.list;
}

beforeEach(() => t.seed(BOOKS));

describe('filtering, ordering and paging stages', () => {
  // 数据库 / 聚合 / Aggregate.match (query operators as in where)
  test('match keeps the documents meeting the condition', async () => {
    const _ = t.db.command;
    const list = await run(t.items.aggregate().match({ author: 'stark', sales: _.gt(300) }));
    expect(list.map((doc) => doc._id)).toEqual(['b1']);
  });

  // 数据库 / 聚合 / Aggregate.sort, Aggregate.skip, Aggregate.limit
  test('sort, then skip and limit, page through the documents', async () => {
    const list = await run(t.items.aggregate().sort({ sales: -1 }).skip(1).limit(2));
    expect(list.map((doc) => doc._id)).toEqual(['b3', 'b2']);
  });
});

describe('grouping stages', () => {
  // 数据库 / 聚合 / Aggregate.group with $.sum and $.avg (聚合操作符 / sum, avg)
  test('group by a field computes sums and averages per group', async () => {
    const $ = t.db.command.aggregate;
    const list = await run(
      t.items
        .aggregate()
        .group({ _id: '$category', total: $.sum('$sales'), average: $.avg('$sales'), books: $.sum(1) })
        .sort({ _id: 1 }),
    );
    expect(list).toEqual([
      { _id: 'Novel', total: 250, average: 250, books: 1 },
      { _id: 'Poem', total: 50, average: 50, books: 1 },
      { _id: 'Web', total: 500, average: 250, books: 2 },
    ]);
  });

  // 数据库 / 聚合 / Aggregate.group: _id null puts every document in one group
  test('group with _id null aggregates the whole collection', async () => {
    const $ = t.db.command.aggregate;
    expect(await run(t.items.aggregate().group({ _id: null, total: $.sum('$sales') }))).toEqual([{ _id: null, total: 800 }]);
  });

  // 数据库 / 聚合 / Aggregate.count: one document {<name>: number of documents reaching the stage}
  test('count outputs one document holding the number of documents under the given name', async () => {
    const _ = t.db.command;
    expect(
      await run(
        t.items
          .aggregate()
          .match({ sales: _.gte(100) })
          .count('bestsellers'),
      ),
    ).toEqual([{ bestsellers: 3 }]);
  });

  // 数据库 / 聚合 / Aggregate.sortByCount: groups by the expression and sorts by count, descending
  test('sortByCount counts documents per value, most frequent first', async () => {
    const list = await run(t.items.aggregate().sortByCount('$author'));
    expect(list[0]).toEqual({ _id: 'stark', count: 2 });
    expect(list.slice(1).sort((a, b) => String(a._id).localeCompare(String(b._id)))).toEqual([
      { _id: 'bob', count: 1 },
      { _id: 'li', count: 1 },
    ]);
  });
});

describe('reshaping stages', () => {
  // 数据库 / 聚合 / Aggregate.project: 1 keeps a field, 0 drops it (including _id), expressions compute
  test('project keeps, drops and computes fields', async () => {
    const $ = t.db.command.aggregate;
    const list = await run(
      t.items
        .aggregate()
        .match({ _id: 'b1' })
        .project({ _id: 0, title: 1, doubled: $.multiply(['$sales', 2]) }),
    );
    expect(list).toEqual([{ title: 'The Web', doubled: 800 }]);
  });

  // 数据库 / 聚合 / Aggregate.addFields: adds fields and keeps all existing ones
  test('addFields adds computed fields next to the existing ones', async () => {
    const $ = t.db.command.aggregate;
    const list = await run(
      t.items
        .aggregate()
        .match({ _id: 'b4' })
        .addFields({ revenue: $.multiply(['$sales', 3]), kind: 'book' }),
    );
    expect(list).toEqual([{ ...BOOKS[3], revenue: 150, kind: 'book' }]);
  });

  // 数据库 / 聚合 / Aggregate.unwind: one output document per array element; empty and missing arrays
  // produce nothing unless preserveNullAndEmptyArrays; includeArrayIndex names the index field
  test('unwind emits one document per array element, with the documented options', async () => {
    const plain = await run(t.items.aggregate().unwind('$size').project({ size: 1 }));
    expect(plain.map((doc) => `${String(doc._id)}:${String(doc.size)}`).sort()).toEqual(['b1:M', 'b1:S', 'b3:L']);
    const indexed = await run(t.items.aggregate().match({ _id: 'b1' }).unwind({ path: '$size', includeArrayIndex: 'index' }).project({ size: 1, index: 1 }));
    expect(indexed).toEqual([
      { _id: 'b1', size: 'S', index: 0 },
      { _id: 'b1', size: 'M', index: 1 },
    ]);
    const kept = await run(t.items.aggregate().unwind({ path: '$size', preserveNullAndEmptyArrays: true }).project({ size: 1 }));
    expect(kept.map((doc) => doc._id).sort()).toEqual(['b1', 'b1', 'b2', 'b3', 'b4']);
  });

  // 数据库 / 聚合 / Aggregate.lookup (localField / foreignField): matching documents of another
  // collection land in the `as` array, an empty array when none match
  test('lookup joins the matching documents of another collection', async () => {
    t.admin.createCollection('orders');
    t.admin.insert('orders', [
      { _id: 'o1', book: 'Sea', quantity: 2 },
      { _id: 'o2', book: 'Sea', quantity: 1 },
      { _id: 'o3', book: 'Moon', quantity: 5 },
    ]);
    const list = await run(
      t.db
        .collection('orders')
        .aggregate()
        .lookup({ from: COLLECTION, localField: 'book', foreignField: 'title', as: 'bookList' })
        .project({ bookList: { _id: 1 } })
        .sort({ _id: 1 }),
    );
    expect(list).toEqual([
      { _id: 'o1', bookList: [{ _id: 'b3' }] },
      { _id: 'o2', bookList: [{ _id: 'b3' }] },
      { _id: 'o3', bookList: [{ _id: 'b4' }] },
    ]);
    t.admin.insert('orders', [{ _id: 'o4', book: 'Nothing', quantity: 1 }]);
    const unmatched = await run(
      t.db.collection('orders').aggregate().match({ _id: 'o4' }).lookup({ from: COLLECTION, localField: 'book', foreignField: 'title', as: 'bookList' }),
    );
    expect(unmatched).toEqual([{ _id: 'o4', book: 'Nothing', quantity: 1, bookList: [] }]);
  });

  // 数据库 / 聚合 / Aggregate.lookup with several join conditions: let binds fields of the input document, the
  // pipeline ($.pipeline()...done()) filters the joined collection with them
  test('lookup with let and a pipeline joins on several conditions', async () => {
    t.admin.createCollection('orders');
    t.admin.insert('orders', [
      { _id: 'o1', title: 'Sea', quantity: 300 },
      { _id: 'o2', title: 'Sea', quantity: 100 },
    ]);
    const $ = t.db.command.aggregate;
    const list = await run(
      t.db
        .collection('orders')
        .aggregate()
        .lookup({
          from: COLLECTION,
          let: { orderTitle: '$title', orderQuantity: '$quantity' },
          pipeline: pipeline(t.db)
            .match(expr(t.db, $.and([$.eq(['$title', '$$orderTitle']), $.gte(['$sales', '$$orderQuantity'])])))
            .project({ _id: 1 })
            .done(),
          as: 'fulfilledBy',
        })
        .sort({ _id: 1 }),
    );
    expect(list).toEqual([
      { _id: 'o1', title: 'Sea', quantity: 300, fulfilledBy: [] },
      { _id: 'o2', title: 'Sea', quantity: 100, fulfilledBy: [{ _id: 'b3' }] },
    ]);
  });

  // The stages chain: each stage's output is the next one's input (数据库 / 聚合 / Aggregate)
  test('a pipeline of match, unwind, group and sort feeds each stage the previous output', async () => {
    const $ = t.db.command.aggregate;
    const list = await run(
      t.items
        .aggregate()
        .match({ author: 'stark' })
        .unwind('$size')
        .group({ _id: '$size', sales: $.sum('$sales') })
        .sort({ sales: -1, _id: 1 }),
    );
    expect(list).toEqual([
      { _id: 'M', sales: 400 },
      { _id: 'S', sales: 400 },
      { _id: 'L', sales: 250 },
    ]);
  });
});
