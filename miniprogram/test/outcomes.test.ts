import { registerOutcome } from '../utils/register-outcome';
import { ocrOutcome } from '../utils/ocr-outcome';
import { tokenRows } from '../utils/token-rows';

const api = (data: unknown) => ({ errcode: 0, errmsg: 'success', data });

describe('registerOutcome: what api answered, for the user', () => {
  it.each([
    ['added', api({ errcode: 0, errmsg: 'success', data: { name: '李雷' } })],
    ['exists', api({ errcode: -2001, errmsg: 'user already exists' })],
    ['invalid', api({ errcode: -1001, errmsg: 'invalid tel: bad', data: { field: 'tel', reason: 'bad' } })],
    ['invalid', api({ errcode: -1001, errmsg: 'invalid openid: is missing', data: { field: 'openid', reason: 'is missing' } })],
    ['down', api({ errcode: -9999, errmsg: 'database error' })],
    ['down', api('not a reply')],
    ['down', { errcode: -3001, errmsg: 'calling users_add of mini program A failed', data: { errcode: -1 } }],
    ['down', { errcode: -1002, errmsg: 'no caller' }],
    ['down', { errcode: -9998, errmsg: 'internal' }],
    ['down', null],
    ['down', 'text'],
  ])('%s for %j', (kind, result) => {
    expect(registerOutcome(result, '李雷').kind).toBe(kind);
  });

  it("names users_add's refused field in the user's words", () => {
    const outcome = registerOutcome(api({ errcode: -1001, errmsg: 'invalid tel', data: { field: 'tel', reason: 'must be 11 digits' } }), '李雷');
    expect(outcome).toEqual({ kind: 'invalid', field: 'tel', text: '手机号有误：must be 11 digits' });
  });

  it('shows the code of a failure, so a user can report it', () => {
    expect(registerOutcome({ errcode: -3001, errmsg: 'x' }, '李雷').text).toContain('-3001');
  });
});

describe('ocrOutcome', () => {
  it.each([
    [
      { errcode: 0, errmsg: 'success', data: { words: ['a', 'b'] } },
      { ok: true, words: ['a', 'b'] },
    ],
    [
      { errcode: -4001, errmsg: 'x' },
      { ok: false, message: expect.stringContaining('-4001') },
    ],
    [
      { errcode: -4002, errmsg: 'x' },
      { ok: false, message: expect.stringContaining('令牌未就绪') },
    ],
    [
      { errcode: -1001, errmsg: 'invalid image' },
      { ok: false, message: expect.stringContaining('图片无法识别') },
    ],
    [
      { errcode: -3002, errmsg: 'x' },
      { ok: false, message: expect.stringContaining('-3002') },
    ],
    [
      { errcode: 0, errmsg: 'success', data: {} },
      { ok: false, message: expect.stringContaining('服务暂时不可用') },
    ],
  ])('%j', (result, expected) => {
    expect(ocrOutcome(result)).toEqual(expected);
  });
});

describe('tokenRows', () => {
  it('reads only the status fields, whatever else an answer carries', () => {
    const result = tokenRows(
      api({ tokens: [{ config_name: 'baidu_ocr', fresh: false, expires_at: null, refreshed_at: null, last_error_message: 'HTTP 503', value: 'leak' }] }),
    );
    expect(result).toEqual({ ok: true, rows: [{ name: 'baidu_ocr', fresh: false, state: '尚未获取', refreshed: '—', expires: '—', error: 'HTTP 503' }] });
    expect(JSON.stringify(result)).not.toContain('leak');
  });

  it('tells an expired token from one never fetched', () => {
    const result = tokenRows(api({ tokens: [{ config_name: 'a', fresh: false, expires_at: 1_000, refreshed_at: 500 }] }));
    expect(result.ok && result.rows[0]?.state).toBe('已过期');
  });

  it('reports a refused call with its code', () => {
    expect(tokenRows({ errcode: -1003, errmsg: 'not allowed' })).toEqual({ ok: false, message: expect.stringContaining('-1003') });
  });
});
