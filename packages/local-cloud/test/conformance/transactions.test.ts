import { COLLECTION, failure, sdkCall, useConformanceCloud, type CollectionRef, type Doc } from './support/conformance-cloud';

// Transactions through the real wx-server-sdk. Pages: 云开发 / SDK 文档 / 数据库 / Database.runTransaction,
// Database.startTransaction, Transaction.commit, Transaction.rollback. Where the WeChat pages are
// silent (isolation), the tests rely on the ACID guarantee Tencent documents for the same
// database ("云开发支持数据库事务，并保证事务的 ACID 特性") and nothing finer.

const t = useConformanceCloud();

/** What runTransaction's callback and startTransaction hand out (the SDK types them as any). */
interface Transaction {
  collection(name: string): CollectionRef;
  rollback(reason?: unknown): Promise<unknown>;
  commit(): Promise<unknown>;
}

function runTransaction<T>(callback: (transaction: Transaction) => Promise<T>, times?: number): Promise<T> {
  return (t.db.runTransaction as (run: (transaction: Transaction) => Promise<T>, retry?: number) => Promise<T>)(callback, times);
}

async function startTransaction(): Promise<Transaction> {
  return (await t.db.startTransaction()) as Transaction;
}

/** Settles a promise into its outcome, so a test can look at a rejection without try/catch. */
async function outcome<T>(promise: Promise<T> | void | string): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await sdkCall(promise) };
  } catch (error: unknown) {
    return { ok: false, error };
  }
}

beforeEach(() =>
  t.seed([
    { _id: 'aaa', amount: 100 },
    { _id: 'bbb', amount: 0 },
  ]),
);

describe('runTransaction', () => {
  // Database.runTransaction 返回值: "resolve 的结果为 callback 事务执行函数的返回值"; the SDK commits
  // when the callback returns
  test('commits every write of the callback and resolves with its return value', async () => {
    const _ = t.db.command;
    const result = await runTransaction(async (transaction) => {
      const account = transaction.collection(COLLECTION);
      const aaa = await sdkCall(account.doc('aaa').get());
      await sdkCall(account.doc('aaa').update({ data: { amount: _.inc(-10) } }));
      await sdkCall(account.doc('bbb').update({ data: { amount: _.inc(10) } }));
      await sdkCall(account.add({ data: { _id: 'receipt', amount: 10 } }));
      return { aaaAccount: ((aaa.data as Doc).amount as number) - 10 };
    });
    expect(result).toEqual({ aaaAccount: 90 });
    expect(t.admin.find(COLLECTION, {}, { order: { _id: 1 } })).toEqual([
      { _id: 'aaa', amount: 90 },
      { _id: 'bbb', amount: 10 },
      { _id: 'receipt', amount: 10 },
    ]);
  });

  // Database.runTransaction: "在函数中抛出的异常会作为 runTransaction 返回的 Promise reject 的值"
  test('a callback that throws rejects with that error and applies none of its writes', async () => {
    const _ = t.db.command;
    const thrown = new Error('insufficient funds');
    const result = await outcome(
      runTransaction(async (transaction) => {
        await sdkCall(
          transaction
            .collection(COLLECTION)
            .doc('aaa')
            .update({ data: { amount: _.inc(-500) } }),
        );
        await sdkCall(transaction.collection(COLLECTION).add({ data: { _id: 'receipt' } }));
        throw thrown;
      }),
    );
    expect(result).toEqual({ ok: false, error: thrown });
    expect(t.stored('aaa')).toEqual({ _id: 'aaa', amount: 100 });
    expect(t.stored('receipt')).toBeUndefined();
  });

  // Transaction.rollback(reason): "终止后，希望在 runTransaction 返回的 Promise reject 时接收到的值"
  test('transaction.rollback(value) rejects runTransaction with that value and applies nothing', async () => {
    const result = await outcome(
      runTransaction(async (transaction) => {
        await sdkCall(
          transaction
            .collection(COLLECTION)
            .doc('bbb')
            .set({ data: { amount: 999 } }),
        );
        await transaction.rollback(-100);
      }),
    );
    expect(result).toEqual({ ok: false, error: -100 });
    expect(t.stored('bbb')).toEqual({ _id: 'bbb', amount: 0 });
  });

  // ACID isolation: a transaction's writes are not visible outside it before commit
  test('writes inside a running transaction are invisible outside until it commits', async () => {
    const _ = t.db.command;
    let seenOutside: Doc | undefined;
    await runTransaction(async (transaction) => {
      await sdkCall(
        transaction
          .collection(COLLECTION)
          .doc('aaa')
          .update({ data: { amount: _.inc(-1) } }),
      );
      seenOutside = (await sdkCall(t.items.doc('aaa').get())).data as Doc;
    });
    expect(seenOutside).toEqual({ _id: 'aaa', amount: 100 });
    expect(t.stored('aaa')).toEqual({ _id: 'aaa', amount: 99 });
  });

  // Not spelled out by the WeChat pages; any transaction reads its own writes.
  test('a transaction reads its own writes', async () => {
    const _ = t.db.command;
    const seen = await runTransaction(async (transaction) => {
      const account = transaction.collection(COLLECTION);
      await sdkCall(account.doc('aaa').update({ data: { amount: _.inc(-30) } }));
      await sdkCall(account.add({ data: { _id: 'new', amount: 5 } }));
      await sdkCall(account.doc('bbb').remove());
      return {
        aaa: (await sdkCall(account.doc('aaa').get())).data,
        added: (await sdkCall(account.doc('new').get())).data,
      };
    });
    expect(seen).toEqual({ aaa: { _id: 'aaa', amount: 70 }, added: { _id: 'new', amount: 5 } });
  });

  // Database.runTransaction, times: "只有事务冲突时会重试" — a transaction whose commit conflicts (a
  // document it wrote was changed outside meanwhile) is re-run, and no update is lost. (A conflict
  // at a write inside the callback reaches runTransaction through wx-server-sdk's wrapper without
  // its code, so wx-server-sdk re-runs only commit-time conflicts; see the isolation tests below.)
  test('a transaction whose commit conflicts is re-run and no update is lost', async () => {
    const _ = t.db.command;
    let attempts = 0;
    await runTransaction(async (transaction) => {
      attempts += 1;
      const account = transaction.collection(COLLECTION);
      const current = ((await sdkCall(account.doc('bbb').get())).data as Doc).amount as number;
      await sdkCall(account.doc('bbb').set({ data: { amount: current + 1 } }));
      // First attempt only: a deposit outside the transaction lands before it commits.
      if (attempts === 1) await sdkCall(t.items.doc('bbb').update({ data: { amount: _.inc(10) } }));
    }, 5);
    expect(attempts).toBe(2);
    expect(t.stored('bbb')).toEqual({ _id: 'bbb', amount: 11 });
  });
});

describe('startTransaction', () => {
  // Database.startTransaction + Transaction.commit
  test('commit applies the transaction’s writes', async () => {
    const _ = t.db.command;
    const transaction = await startTransaction();
    await sdkCall(
      transaction
        .collection(COLLECTION)
        .doc('aaa')
        .update({ data: { amount: _.inc(-20) } }),
    );
    await sdkCall(
      transaction
        .collection(COLLECTION)
        .doc('bbb')
        .update({ data: { amount: _.inc(20) } }),
    );
    expect(t.stored('aaa')).toEqual({ _id: 'aaa', amount: 100 });
    await transaction.commit();
    expect(t.stored('aaa')).toEqual({ _id: 'aaa', amount: 80 });
    expect(t.stored('bbb')).toEqual({ _id: 'bbb', amount: 20 });
  });

  // Database.startTransaction + Transaction.rollback ("终止并回滚事务")
  test('rollback discards the transaction’s writes', async () => {
    const transaction = await startTransaction();
    await sdkCall(transaction.collection(COLLECTION).doc('aaa').remove());
    await sdkCall(transaction.collection(COLLECTION).add({ data: { _id: 'ccc', amount: 1 } }));
    await transaction.rollback();
    expect(t.admin.find(COLLECTION, {}, { order: { _id: 1 } })).toEqual([
      { _id: 'aaa', amount: 100 },
      { _id: 'bbb', amount: 0 },
    ]);
  });

  // Two transactions writing the same record cannot both commit: whichever way the database
  // refuses the second (at its write or at its commit), the first one's write is what remains.
  test('of two transactions writing the same record only the first to commit succeeds', async () => {
    const first = await startTransaction();
    const second = await startTransaction();
    await sdkCall(
      first
        .collection(COLLECTION)
        .doc('aaa')
        .set({ data: { amount: 1 } }),
    );
    const secondWrite = await outcome(
      second
        .collection(COLLECTION)
        .doc('aaa')
        .set({ data: { amount: 2 } }),
    );
    await first.commit();
    const secondCommit = secondWrite.ok ? await outcome(second.commit()) : secondWrite;
    expect(secondCommit.ok).toBe(false);
    expect(t.stored('aaa')).toEqual({ _id: 'aaa', amount: 1 });
  });
});

// Snapshot isolation with write conflicts, as the real backend (MongoDB underneath) runs
// transactions; the expected codes are the ones @cloudbase/node-sdk's own tests expect of it
// (DATABASE_TRANSACTION_CONFLICT, which runTransaction retries on; DATABASE_TRANSACTION_FAIL with
// "[ResourceUnavailable.TransactionNotExist]" for a transaction that has ended).
describe('isolation and conflicts', () => {
  const _ = () => t.db.command;

  test('a write to a document another open transaction has written is a DATABASE_TRANSACTION_CONFLICT', async () => {
    const reader = await startTransaction();
    const writer = await startTransaction();
    await sdkCall(reader.collection(COLLECTION).doc('aaa').get());
    await sdkCall(
      writer
        .collection(COLLECTION)
        .doc('aaa')
        .update({ data: { amount: _().inc(1) } }),
    );
    const conflict = await failure(
      reader
        .collection(COLLECTION)
        .doc('aaa')
        .update({ data: { amount: _().inc(10) } }),
    );
    expect(`${conflict.code ?? ''} ${conflict.message}`).toMatch(/DATABASE_TRANSACTION_CONFLICT|TransactionConflict/);
    await writer.commit();
    expect(t.stored('aaa')).toEqual({ _id: 'aaa', amount: 101 });
  });

  test('a document changed outside after the transaction read it cannot be updated inside it', async () => {
    const transaction = await startTransaction();
    await sdkCall(transaction.collection(COLLECTION).doc('aaa').get());
    await sdkCall(t.items.doc('aaa').update({ data: { amount: 5 } }));
    const conflict = await failure(
      transaction
        .collection(COLLECTION)
        .doc('aaa')
        .update({ data: { amount: _().inc(10) } }),
    );
    expect(`${conflict.code ?? ''} ${conflict.message}`).toMatch(/DATABASE_TRANSACTION_CONFLICT|TransactionConflict/);
    expect(t.stored('aaa')).toEqual({ _id: 'aaa', amount: 5 });
  });

  test('reads see the snapshot taken at the first operation, in every collection', async () => {
    const transaction = await startTransaction();
    await sdkCall(transaction.collection(COLLECTION).doc('aaa').get());
    await sdkCall(t.items.doc('bbb').update({ data: { amount: 42 } }));
    const inside = await sdkCall(transaction.collection(COLLECTION).doc('bbb').get());
    expect(inside.data).toEqual({ _id: 'bbb', amount: 0 });
    await transaction.rollback();
  });

  test('a transaction used after commit fails with DATABASE_TRANSACTION_FAIL, TransactionNotExist', async () => {
    const transaction = await startTransaction();
    await sdkCall(transaction.collection(COLLECTION).doc('aaa').get());
    await transaction.commit();
    const error = await failure(transaction.collection(COLLECTION).doc('aaa').get());
    // wx-server-sdk reports the backend's message (its own errCode -501001 replaces the string code;
    // the code itself is checked on the wire in sdk-backend.test.ts).
    expect(error.message).toMatch(/\[ResourceUnavailable\.TransactionNotExist\]/);
  });

  test('after a conflict the transaction is over and its locks are free', async () => {
    const first = await startTransaction();
    const second = await startTransaction();
    await sdkCall(
      first
        .collection(COLLECTION)
        .doc('aaa')
        .set({ data: { amount: 1 } }),
    );
    await failure(
      second
        .collection(COLLECTION)
        .doc('aaa')
        .set({ data: { amount: 2 } }),
    );
    const ended = await failure(second.collection(COLLECTION).doc('bbb').get());
    expect(ended.message).toMatch(/TransactionNotExist/);
    await first.rollback();
    const third = await startTransaction();
    await sdkCall(
      third
        .collection(COLLECTION)
        .doc('aaa')
        .set({ data: { amount: 3 } }),
    );
    await third.commit();
    expect(t.stored('aaa')).toEqual({ _id: 'aaa', amount: 3 });
  });

  // Documented limit: a transaction is aborted by the server 30 s after it started (docs/wechat-facts.md, Corrections 6)
  test('a transaction older than 30 s no longer exists and none of its writes apply', async () => {
    const transaction = await startTransaction();
    await sdkCall(
      transaction
        .collection(COLLECTION)
        .doc('aaa')
        .set({ data: { amount: 7 } }),
    );
    t.env.clock.advance(30_001);
    const error = await failure(transaction.commit());
    expect(error.message).toMatch(/TransactionNotExist/);
    expect(t.stored('aaa')).toEqual({ _id: 'aaa', amount: 100 });
  });
});
