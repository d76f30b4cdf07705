import { ids, sdkCall, useConformanceCloud, type Doc } from './support/conformance-cloud';

// Update operators through the real wx-server-sdk's doc.update / where.update; the result is read
// back past the SDK so a wrong write cannot hide behind a matching wrong read. Each group cites
// the page of WeChat's documentation it follows (云开发 / SDK 文档 / 数据库 / ...).

const t = useConformanceCloud();

/** doc(id).update({data}) on one seeded document, then the stored document. */
async function afterUpdate(before: Doc, data: object): Promise<Doc | undefined> {
  t.seed([before]);
  const result = await sdkCall(t.items.doc(before._id as string).update({ data }));
  expect(result.stats.updated).toBe(1);
  return t.stored(before._id as string);
}

describe('field update operators', () => {
  // 数据库 / 更新指令 / Command.set: "以下方法只会更新 style.color 为 red，而不是将 style 更新为
  // { color: 'red' }，即不影响 style 中的其他字段"
  test('a plain object in update data changes only the named sub-fields', async () => {
    const after = await afterUpdate({ _id: 'k', style: { color: 'blue', size: 'large' } }, { style: { color: 'red' } });
    expect(after).toEqual({ _id: 'k', style: { color: 'red', size: 'large' } });
  });

  // 数据库 / 更新指令 / Command.set: "以下方法更新 style 为 { color: 'red', size: 'large' }"
  test('set replaces the whole value of a field, object included', async () => {
    const after = await afterUpdate(
      { _id: 'k', style: { color: 'blue', size: 'small', weight: 'bold' } },
      { style: t.db.command.set({ color: 'red', size: 'large' }) },
    );
    expect(after).toEqual({ _id: 'k', style: { color: 'red', size: 'large' } });
  });

  // 数据库 / 更新指令 / Command.remove
  test('remove deletes the field', async () => {
    const after = await afterUpdate({ _id: 'k', style: { color: 'red' }, keep: 1 }, { style: t.db.command.remove() });
    expect(after).toEqual({ _id: 'k', keep: 1 });
  });

  // 数据库 / 更新指令 / Command.inc
  test('inc adds to a number', async () => {
    expect(await afterUpdate({ _id: 'k', progress: 20 }, { progress: t.db.command.inc(10) })).toEqual({ _id: 'k', progress: 30 });
  });

  // 数据库 / 更新指令 / Command.inc: "原子性：多个用户同时写，对数据库来说都是将字段加一，不会有后来者覆写前者的情况"
  test('concurrent inc calls all count', async () => {
    t.seed([{ _id: 'k', count: 0 }]);
    const _ = t.db.command;
    await Promise.all(Array.from({ length: 12 }, () => sdkCall(t.items.doc('k').update({ data: { count: _.inc(1) } }))));
    expect(t.stored('k')).toEqual({ _id: 'k', count: 12 });
  });

  // 数据库 / 更新指令 / Command.mul
  test('mul multiplies a number', async () => {
    expect(await afterUpdate({ _id: 'k', progress: 20 }, { progress: t.db.command.mul(2) })).toEqual({ _id: 'k', progress: 40 });
  });

  // 数据库 / 更新指令 / Command.min: the field becomes the value only when the value is smaller
  test('min lowers the field only when the value is smaller', async () => {
    t.seed([
      { _id: 'high', progress: 80 },
      { _id: 'low', progress: 30 },
    ]);
    const _ = t.db.command;
    await sdkCall(t.items.doc('high').update({ data: { progress: _.min(50) } }));
    await sdkCall(t.items.doc('low').update({ data: { progress: _.min(50) } }));
    expect(t.stored('high')).toEqual({ _id: 'high', progress: 50 });
    expect(t.stored('low')).toEqual({ _id: 'low', progress: 30 });
  });

  // 数据库 / 更新指令 / Command.max: the field becomes the value only when the value is larger
  test('max raises the field only when the value is larger', async () => {
    t.seed([
      { _id: 'high', progress: 80 },
      { _id: 'low', progress: 30 },
    ]);
    const _ = t.db.command;
    await sdkCall(t.items.doc('high').update({ data: { progress: _.max(50) } }));
    await sdkCall(t.items.doc('low').update({ data: { progress: _.max(50) } }));
    expect(t.stored('high')).toEqual({ _id: 'high', progress: 80 });
    expect(t.stored('low')).toEqual({ _id: 'low', progress: 50 });
  });

  // 数据库 / 更新指令 / Command.rename: a nested field is renamed through its dot path
  test('rename moves a field, also a nested one given by its dot path', async () => {
    const _ = t.db.command;
    const after = await afterUpdate(
      { _id: 'k', progress: 50, someObject: { someField: 'v', other: 1 } },
      { progress: _.rename('totalProgress'), 'someObject.someField': _.rename('someObject.renamedField') },
    );
    expect(after).toEqual({ _id: 'k', totalProgress: 50, someObject: { renamedField: 'v', other: 1 } });
  });
});

describe('array update operators', () => {
  // 数据库 / 更新指令 / Command.push 示例 1: 尾部添加元素
  test('push appends the given elements at the end', async () => {
    const after = await afterUpdate({ _id: 'k', tags: ['a'] }, { tags: t.db.command.push(['mini-program', 'cloud']) });
    expect(after).toEqual({ _id: 'k', tags: ['a', 'mini-program', 'cloud'] });
  });

  // 数据库 / 更新指令 / Command.push: "或字段原为空，则创建该字段并设数组为传入值"
  test('push onto a missing field creates the array', async () => {
    expect(await afterUpdate({ _id: 'k' }, { tags: t.db.command.push(['x', 'y']) })).toEqual({ _id: 'k', tags: ['x', 'y'] });
  });

  // 数据库 / 更新指令 / Command.push 示例 2 and "position 说明" (negative positions count from the end)
  test('push with each and position inserts at that index; a negative position counts from the end', async () => {
    const _ = t.db.command;
    t.seed([
      { _id: 'front', tags: ['a', 'b', 'c'] },
      { _id: 'back', tags: ['a', 'b', 'c'] },
      { _id: 'past', tags: ['a'] },
    ]);
    await sdkCall(t.items.doc('front').update({ data: { tags: _.push({ each: ['x', 'y'], position: 1 }) } }));
    await sdkCall(t.items.doc('back').update({ data: { tags: _.push({ each: ['x'], position: -1 }) } }));
    await sdkCall(t.items.doc('past').update({ data: { tags: _.push({ each: ['x'], position: 5 }) } }));
    expect(t.stored('front')?.tags).toEqual(['a', 'x', 'y', 'b', 'c']);
    expect(t.stored('back')?.tags).toEqual(['a', 'b', 'x', 'c']);
    expect(t.stored('past')?.tags).toEqual(['a', 'x']);
  });

  // 数据库 / 更新指令 / Command.push 示例 3: 排序 (插入后排序; each: [] 只排序; 对象数组按字段排序)
  test('push with sort orders the whole array after inserting, by value or by a field of the elements', async () => {
    const _ = t.db.command;
    t.seed([
      { _id: 'words', tags: ['m', 'c'] },
      { _id: 'only-sort', tags: [3, 1, 2] },
      {
        _id: 'records',
        people: [
          { name: 'b', age: 30 },
          { name: 'a', age: 20 },
        ],
      },
    ]);
    await sdkCall(t.items.doc('words').update({ data: { tags: _.push({ each: ['z', 'a'], sort: 1 }) } }));
    await sdkCall(t.items.doc('only-sort').update({ data: { tags: _.push({ each: [], sort: -1 }) } }));
    await sdkCall(t.items.doc('records').update({ data: { people: _.push({ each: [{ name: 'c', age: 25 }], sort: { age: 1 } }) } }));
    expect(t.stored('words')?.tags).toEqual(['a', 'c', 'm', 'z']);
    expect(t.stored('only-sort')?.tags).toEqual([3, 2, 1]);
    expect(t.stored('records')?.people).toEqual([
      { name: 'a', age: 20 },
      { name: 'c', age: 25 },
      { name: 'b', age: 30 },
    ]);
  });

  // 数据库 / 更新指令 / Command.push "slice 说明": 0 empties, n keeps the first n, -n keeps the last n
  test('push with slice keeps the first n, the last n, or none', async () => {
    const _ = t.db.command;
    t.seed([
      { _id: 'first', tags: [1, 2] },
      { _id: 'last', tags: [1, 2] },
      { _id: 'none', tags: [1, 2] },
    ]);
    await sdkCall(t.items.doc('first').update({ data: { tags: _.push({ each: [3, 4], slice: 3 }) } }));
    await sdkCall(t.items.doc('last').update({ data: { tags: _.push({ each: [3, 4], slice: -2 }) } }));
    await sdkCall(t.items.doc('none').update({ data: { tags: _.push({ each: [3], slice: 0 }) } }));
    expect(t.stored('first')?.tags).toEqual([1, 2, 3]);
    expect(t.stored('last')?.tags).toEqual([3, 4]);
    expect(t.stored('none')?.tags).toEqual([]);
  });

  // 数据库 / 更新指令 / Command.push (each, position, sort and slice together)
  test('push applies position, then sort, then slice', async () => {
    const after = await afterUpdate({ _id: 'k', scores: [50, 10] }, { scores: t.db.command.push({ each: [40, 30], position: 0, sort: -1, slice: 3 }) });
    expect(after).toEqual({ _id: 'k', scores: [50, 40, 30] });
  });

  // 数据库 / 更新指令 / Command.pop
  test('pop removes the last element', async () => {
    expect(await afterUpdate({ _id: 'k', tags: ['a', 'b', 'c'] }, { tags: t.db.command.pop() })).toEqual({ _id: 'k', tags: ['a', 'b'] });
  });

  // 数据库 / 更新指令 / Command.shift
  test('shift removes the first element', async () => {
    expect(await afterUpdate({ _id: 'k', tags: ['a', 'b', 'c'] }, { tags: t.db.command.shift() })).toEqual({ _id: 'k', tags: ['b', 'c'] });
  });

  // 数据库 / 更新指令 / Command.unshift
  test('unshift adds the given elements at the front, in order', async () => {
    const after = await afterUpdate({ _id: 'k', tags: ['a'] }, { tags: t.db.command.unshift(['mini-program', 'cloud']) });
    expect(after).toEqual({ _id: 'k', tags: ['mini-program', 'cloud', 'a'] });
  });

  // 数据库 / 更新指令 / Command.pull 示例 1 (常量) and 示例 2 (查询条件)
  test('pull removes every element equal to the value, or matching a condition', async () => {
    const _ = t.db.command;
    t.seed([
      { _id: 'value', tags: ['database', 'cloud', 'database', 'x'] },
      { _id: 'condition', tags: ['database', 'cloud', 'x'] },
    ]);
    await sdkCall(t.items.doc('value').update({ data: { tags: _.pull('database') } }));
    await sdkCall(t.items.doc('condition').update({ data: { tags: _.pull(_.in(['database', 'cloud'])) } }));
    expect(t.stored('value')?.tags).toEqual(['cloud', 'x']);
    expect(t.stored('condition')?.tags).toEqual(['x']);
  });

  // 数据库 / 更新指令 / Command.pull 示例 3: 对象数组时，根据查询条件匹配移除
  test('pull with an object condition removes the matching records of an array', async () => {
    const _ = t.db.command;
    const after = await afterUpdate(
      {
        _id: 'k',
        places: [
          { type: 'garden', area: 300, age: 1 },
          { type: 'theatre', area: 50, age: 1 },
          { type: 'museum', area: 200, age: 9 },
        ],
      },
      { places: _.pull({ area: _.gt(100), age: _.lt(2) }) },
    );
    expect(after).toEqual({
      _id: 'k',
      places: [
        { type: 'theatre', area: 50, age: 1 },
        { type: 'museum', area: 200, age: 9 },
      ],
    });
  });

  // 数据库 / 更新指令 / Command.pullAll
  test('pullAll removes every element equal to any of the given values', async () => {
    const after = await afterUpdate({ _id: 'k', tags: ['database', 'cloud', 'x', 'cloud'] }, { tags: t.db.command.pullAll(['database', 'cloud']) });
    expect(after).toEqual({ _id: 'k', tags: ['x'] });
  });

  // 数据库 / 更新指令 / Command.addToSet 示例 1 and 示例 2 ($each)
  test('addToSet adds an element only when absent, one or several', async () => {
    const _ = t.db.command;
    t.seed([
      { _id: 'one', tags: ['cloud'] },
      { _id: 'present', tags: ['database'] },
      { _id: 'many', tags: ['cloud'] },
    ]);
    await sdkCall(t.items.doc('one').update({ data: { tags: _.addToSet('database') } }));
    await sdkCall(t.items.doc('present').update({ data: { tags: _.addToSet('database') } }));
    await sdkCall(t.items.doc('many').update({ data: { tags: _.addToSet({ $each: ['database', 'cloud'] }) } }));
    expect(t.stored('one')?.tags).toEqual(['cloud', 'database']);
    expect(t.stored('present')?.tags).toEqual(['database']);
    expect(t.stored('many')?.tags).toEqual(['cloud', 'database']);
  });
});

describe('updating inside arrays and nested objects', () => {
  // 数据库 / 查询、更新数组/嵌套对象 / 匹配数组第 n 项元素: "更新也是类似 ... 'numbers.1': 30"
  test("'field.index' in update data sets that element of the array", async () => {
    expect(await afterUpdate({ _id: 'test', numbers: [10, 20, 30] }, { 'numbers.1': 30 })).toEqual({ _id: 'test', numbers: [10, 30, 30] });
  });

  // 数据库 / 查询、更新数组/嵌套对象 / 匹配并更新数组中的元素: where the array matches a value,
  // 'field.$' updates the first matching element
  test("'field.$' updates the first element the query matched, in every matched document", async () => {
    t.seed([
      { _id: 'one', numbers: [10, 20, 30] },
      { _id: 'two', numbers: [20, 20, 40] },
      { _id: 'none', numbers: [1] },
    ]);
    const result = await sdkCall(t.items.where({ numbers: 20 }).update({ data: { 'numbers.$': 25 } }));
    expect(result.stats.updated).toBe(2);
    expect(t.stored('one')?.numbers).toEqual([10, 25, 30]);
    expect(t.stored('two')?.numbers).toEqual([25, 20, 40]);
    expect(t.stored('none')?.numbers).toEqual([1]);
  });

  // 数据库 / 查询、更新数组/嵌套对象 / 匹配多重嵌套的数组和对象 (更新操作也是类似)
  test('a dot path with indexes updates deep inside nested arrays and objects', async () => {
    const after = await afterUpdate(
      { _id: 'k', root: { objects: [{ numbers: [10, 20, 30] }, { numbers: [50, 60, 70] }] } },
      { 'root.objects.1.numbers.2': 80 },
    );
    expect(after).toEqual({ _id: 'k', root: { objects: [{ numbers: [10, 20, 30] }, { numbers: [50, 60, 80] }] } });
  });

  // 数据库 / Collection / Query.update ("批量更新"): where.update changes every matching document
  test('where.update applies the operators to every matching document and counts them', async () => {
    t.seed([
      { _id: 'a', done: false, progress: 10 },
      { _id: 'b', done: false, progress: 20 },
      { _id: 'c', done: true, progress: 30 },
    ]);
    const result = await sdkCall(t.items.where({ done: false }).update({ data: { progress: t.db.command.inc(10) } }));
    expect(result.stats.updated).toBe(2);
    const all = await sdkCall(t.items.orderBy('_id', 'asc').get());
    expect(all.data.map((doc: Doc) => [doc._id, doc.progress])).toEqual([
      ['a', 20],
      ['b', 30],
      ['c', 30],
    ]);
    expect(ids(all.data)).toEqual(['a', 'b', 'c']);
  });
});
