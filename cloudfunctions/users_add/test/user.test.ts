import { ErrorCode, ReplyError } from '@wxhub/function-kit';
import { parseNewUser } from '../src/user';

const valid = { name: '张三', age: 30, sex: 'male', tel: '13800138000', openid: 'oAbCdEfGhIjKlMnOpQrStUvWxYz1', app: 'wxa0000000000000a1' };

function failure(input: Record<string, unknown>): ReplyError {
  try {
    parseNewUser(input);
  } catch (error) {
    if (error instanceof ReplyError) return error;
    throw error;
  }
  throw new Error('expected the input to be refused');
}

describe('parseNewUser', () => {
  it('accepts a valid user and normalises it', () => {
    expect(parseNewUser({ ...valid, name: '  张三 ', age: '30', tel: '+86 138-0013-8000', sex: 1 })).toEqual(valid);
  });

  it.each([
    ['name', { name: undefined }, 'is required'],
    ['name', { name: '   ' }, 'must not be empty'],
    ['name', { name: 'x'.repeat(33) }, 'at most 32'],
    ['name', { name: 'a\u200bb' }, 'invisible'],
    ['age', { age: -1 }, 'from 0 to 150'],
    ['age', { age: 151 }, 'from 0 to 150'],
    ['age', { age: 18.5 }, 'whole number'],
    ['age', { age: '1e1' }, 'whole number'],
    ['sex', { sex: 'robot' }, "'male', 'female'"],
    ['sex', { sex: undefined }, "'male', 'female'"],
    ['tel', { tel: '12800138000' }, 'mainland China mobile'],
    ['tel', { tel: '1380013800' }, 'mainland China mobile'],
    ['tel', { tel: undefined }, 'is required'],
    ['openid', { openid: '' }, 'is missing'],
    ['openid', { openid: 'bad openid!' }, 'malformed'],
  ])('refuses a bad %s (%j) with -1001 naming the field', (field, patch, reason) => {
    const error = failure({ ...valid, ...patch });
    expect(error.errcode).toBe(ErrorCode.INVALID_INPUT);
    expect(error.errmsg).toContain(`invalid ${field}`);
    expect(error.errmsg).toContain(reason);
    expect(error.data).toMatchObject({ field });
  });

  it('maps the aliases of sex to one stored form', () => {
    expect(parseNewUser({ ...valid, sex: '女' }).sex).toBe('female');
    expect(parseNewUser({ ...valid, sex: 2 }).sex).toBe('female');
    expect(parseNewUser({ ...valid, sex: 'Unknown' }).sex).toBe('unknown');
  });
});
