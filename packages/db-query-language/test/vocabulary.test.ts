import { AGGREGATE_OPERATOR_NAMES, LOGIC_COMMANDS, MAX_LIMIT, QUERY_COMMANDS, SERVER_DATE_KEY, STAGES, UPDATE_COMMANDS, keyProblem } from '../src';

type WxServerSdk = typeof import('wx-server-sdk');

/** The real wx-server-sdk's query language objects (building them makes no request). */
function sdkLanguage(): { command: Record<string, unknown>; aggregate: Record<string, unknown>; pipeline: Record<string, unknown> } {
  const previous = process.env.TENCENTCLOUD_RUNENV;
  process.env.TENCENTCLOUD_RUNENV = 'SCF'; // keeps the SDK from probing the cloud's metadata host
  try {
    const cloud = require('wx-server-sdk') as WxServerSdk;
    cloud.init({ env: 'vocabulary-env' });
    const db = cloud.database();
    const command = db.command as unknown as Record<string, unknown>;
    return {
      command,
      aggregate: command.aggregate as Record<string, unknown>,
      pipeline: db.collection('any').aggregate() as unknown as Record<string, unknown>,
    };
  } finally {
    if (previous === undefined) delete process.env.TENCENTCLOUD_RUNENV;
    else process.env.TENCENTCLOUD_RUNENV = previous;
  }
}

describe("the vocabulary is wx-server-sdk's", () => {
  const sdk = sdkLanguage();
  const missing = (names: readonly string[], on: Record<string, unknown>) => names.filter((name) => typeof on[name] !== 'function');

  test('every query, logic and update command is a function of db.command', () => {
    expect(missing([...QUERY_COMMANDS, ...LOGIC_COMMANDS, ...UPDATE_COMMANDS], sdk.command)).toEqual([]);
  });

  test('every stage is a method of an aggregation, every aggregate operator one of db.command.aggregate', () => {
    expect(missing(STAGES, sdk.pipeline)).toEqual([]);
    expect(missing(AGGREGATE_OPERATOR_NAMES, sdk.aggregate)).toEqual([]);
  });

  test('no name is listed twice', () => {
    for (const list of [QUERY_COMMANDS, LOGIC_COMMANDS, UPDATE_COMMANDS, STAGES, AGGREGATE_OPERATOR_NAMES]) expect(new Set(list).size).toBe(list.length);
  });

  test('the limit is the HTTP API documented one', () => {
    expect(MAX_LIMIT).toBe(1000);
  });
});

describe('keyProblem', () => {
  test.each([
    ['name', undefined],
    ['address.city', undefined],
    ['$gt', undefined],
    [SERVER_DATE_KEY, "the key '$tcb_server_date' is reserved for db.serverDate()"],
    ['$where', "the operator '$where' runs JavaScript and is not allowed"],
    ['$function', "the operator '$function' runs JavaScript and is not allowed"],
    ['__proto__', "the key '__proto__' is not allowed"],
    ['a.constructor.prototype', "the key 'constructor' is not allowed"],
    ['profile.prototype', "the key 'prototype' is not allowed"],
  ])('%s', (key, problem) => {
    expect(keyProblem(key)).toBe(problem);
  });
});
