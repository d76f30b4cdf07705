import { ErrorCode, ReplyError } from '@wxhub/function-kit';
import { parseForwardRequest } from '../src/request';

const allowed = new Set(['users_add']);

function errcodeOf(event: unknown, maxBytes = 1024): number {
  try {
    parseForwardRequest(event, allowed, maxBytes);
  } catch (error) {
    if (error instanceof ReplyError) return error.errcode;
    throw error;
  }
  return 0;
}

describe('parseForwardRequest', () => {
  it('passes an allowed function with its data', () => {
    expect(parseForwardRequest({ func: 'users_add', data: { name: 'a' } }, allowed, 1024)).toEqual({ func: 'users_add', data: { name: 'a' } });
  });

  it('refuses a function that is not on the allow-list', () => {
    expect(errcodeOf({ func: 'users_delete', data: {} })).toBe(ErrorCode.NOT_ALLOWED);
  });

  it('refuses malformed requests as invalid input', () => {
    expect(errcodeOf(null)).toBe(ErrorCode.INVALID_INPUT);
    expect(errcodeOf({ data: {} })).toBe(ErrorCode.INVALID_INPUT);
    expect(errcodeOf({ func: '../users_add' })).toBe(ErrorCode.INVALID_INPUT);
    expect(errcodeOf({ func: 'users_add', data: [1, 2] })).toBe(ErrorCode.INVALID_INPUT);
  });

  it('refuses data over the size bound', () => {
    expect(errcodeOf({ func: 'users_add', data: { blob: 'x'.repeat(2000) } })).toBe(ErrorCode.TOO_LARGE);
  });
});
