import { dedupeKey, MemoryDedupeStore, parseJsonBody, pushMessageFromEvent, PushMalformedError, toPushMessage } from '../src';

const base = { ToUserName: 'gh_0123456789ab', FromUserName: 'oUser', CreateTime: 1767225600, MsgType: 'text', Content: 'hi' };

describe('toPushMessage and pushMessageFromEvent', () => {
  it('normalises CreateTime to a number and MsgId to digits, keeping every other field', () => {
    expect(toPushMessage({ ...base, CreateTime: '1767225600', MsgId: '123', SessionFrom: 'wxapp' })).toEqual({ ...base, MsgId: '123', SessionFrom: 'wxapp' });
    expect(toPushMessage({ ...base, MsgId: 42 }).MsgId).toBe('42');
  });

  it('takes the event a cloud function receives (a plain object)', () => {
    const event = { ...base, MsgType: 'event', Event: 'user_enter_tempsession', SessionFrom: '', userInfo: { appId: 'wx1', openId: 'oUser' } };
    expect(pushMessageFromEvent(event)).toMatchObject({ Event: 'user_enter_tempsession', FromUserName: 'oUser' });
  });

  it.each([
    [{ ...base, FromUserName: null }, /FromUserName/],
    [{ ToUserName: 'gh', CreateTime: 1, MsgType: 'text' }, /FromUserName/],
    [{ ...base, FromUserName: '' }, /FromUserName/],
    [{ ...base, ToUserName: 7 }, /ToUserName/],
    [{ ...base, MsgType: ['text'] }, /MsgType/],
    [{ ...base, CreateTime: -1 }, /CreateTime/],
    [{ ...base, CreateTime: 1.5 }, /CreateTime/],
    [{ ...base, CreateTime: '17e8' }, /CreateTime/],
    [{ ...base, MsgId: 'abc' }, /MsgId/],
    [{ ...base, MsgId: -3 }, /MsgId/],
    [{ ...base, Event: 5 }, /Event/],
    [{ ...base, Content: { a: 1 } }, /Content/],
    [{ ...base, extra: () => 1 }, /function/],
    [{ ...base, extra: undefined }, /undefined/],
    ['a string', /not an object/],
    [null, /not an object/],
    [[base], /not an object/],
  ])('refuses %j', (event, reason) => {
    expect(() => pushMessageFromEvent(event)).toThrow(PushMalformedError);
    expect(() => pushMessageFromEvent(event)).toThrow(reason);
  });
});

describe('parseJsonBody', () => {
  it('keeps the digits of a MsgId too large for a double', () => {
    expect(parseJsonBody('{"MsgId": 6054768590064713728 , "A":1}').MsgId).toBe('6054768590064713728');
    expect(parseJsonBody('{"MsgId":9007199254740991}').MsgId).toBe(9007199254740991);
  });

  it('refuses nesting and sizes past the limits, and what is not JSON', () => {
    expect(() => parseJsonBody(`{"a":${'['.repeat(10)}${']'.repeat(10)}}`)).toThrow(/deeper than 6/);
    expect(() => parseJsonBody(`{"a":[${'1,'.repeat(600)}1]}`)).toThrow(/more than 512/);
    expect(() => parseJsonBody(`{"a":${'['.repeat(50_000)}`)).toThrow(/not valid JSON/);
    expect(() => parseJsonBody('{"a":1')).toThrow(/not valid JSON/);
  });
});

describe('dedupeKey', () => {
  it('is the user and MsgId for messages, the user, second and event for events', () => {
    expect(dedupeKey(toPushMessage({ ...base, MsgId: '99' }))).toBe('msg:oUser:99');
    expect(dedupeKey(toPushMessage({ ...base, MsgType: 'event', Event: 'user_enter_tempsession', Content: undefined as never }))).toBe(
      'event:oUser:1767225600:event:user_enter_tempsession',
    );
  });
});

describe('MemoryDedupeStore', () => {
  it('claims a key once until it expires, and again once released', () => {
    const store = new MemoryDedupeStore();
    expect(store.claim('k', 1000, 0)).toBe(true);
    expect(store.claim('k', 1000, 999)).toBe(false);
    expect(store.claim('k', 1000, 1000)).toBe(true);
    store.release('k');
    expect(store.claim('k', 1000, 1001)).toBe(true);
  });

  it('keeps at most maxEntries keys, dropping the oldest, and drops expired keys as it goes', () => {
    const store = new MemoryDedupeStore({ maxEntries: 2 });
    store.claim('a', 10_000, 0);
    store.claim('b', 10_000, 1);
    store.claim('c', 10_000, 2);
    expect(store.size).toBe(2);
    expect(store.claim('b', 10_000, 3)).toBe(false);
    expect(store.claim('a', 10_000, 3)).toBe(true);
    const expiring = new MemoryDedupeStore();
    for (let i = 0; i < 100; i += 1) expiring.claim(`k${i}`, 10, i);
    expect(expiring.size).toBeLessThan(15);
  });
});
