import { ErrorCode, ReplyError } from '@wxhub/function-kit';
import { parseOcrRequest } from '../src/request';

function refusal(event: unknown, max = 100): ReplyError {
  try {
    parseOcrRequest(event, max);
  } catch (error) {
    if (error instanceof ReplyError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseOcrRequest', () => {
  it('takes base64, with or without a data-URL prefix or line breaks', () => {
    const image = Buffer.from('hello world').toString('base64');
    expect(parseOcrRequest({ image }, 100)).toEqual({ image });
    expect(parseOcrRequest({ image: `data:image/png;base64,${image}` }, 100)).toEqual({ image });
    expect(parseOcrRequest({ image: `${image.slice(0, 4)}\n${image.slice(4)}` }, 100)).toEqual({ image });
  });

  it.each([
    ['missing', {}],
    ['not a string', { image: 42 }],
    ['empty', { image: '' }],
    ['not base64', { image: 'abc$' }],
    ['badly padded', { image: 'abcde' }],
    ['too large', { image: 'A'.repeat(104) }],
    ['not an object', null],
  ])('refuses an image that is %s, naming the field', (_why, event) => {
    const error = refusal(event);
    expect(error.errcode).toBe(ErrorCode.INVALID_INPUT);
    expect(error.data).toMatchObject({ field: 'image' });
  });
});
