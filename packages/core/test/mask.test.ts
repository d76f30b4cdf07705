import { mask, redactUrl, scrub } from '../src';

describe('mask', () => {
  test('keeps three leading and two trailing characters of a long value, hides a short one whole', () => {
    expect(mask('wx1234567890abcdef')).toBe('wx1***ef');
    expect(mask('12345678')).toBe('***');
    expect(mask('')).toBe('***');
  });
});

describe('redactUrl', () => {
  test('masks the secret query parameters, whatever their case, and keeps the others', () => {
    const url = 'https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1234567890abcdef&SECRET=0123456789abcdef0123456789abcdef';
    expect(redactUrl(url)).toBe('https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential&appid=wx1234567890abcdef&SECRET=012***ef');
    expect(redactUrl(new URL('http://127.0.0.1:1/x?access_token=ACCESS_TOKEN_VALUE_42&env=e1'))).toBe('http://127.0.0.1:1/x?access_token=ACC***42&env=e1');
  });

  test('drops credentials and the fragment, and never echoes what it cannot parse', () => {
    expect(redactUrl('https://user:password@example.com/p#frag')).toBe('https://example.com/p');
    expect(redactUrl('not a url secret=abc')).toBe('<unparseable url>');
  });
});

describe('scrub', () => {
  test('replaces every occurrence of each secret of four characters or more', () => {
    expect(scrub('token TOKEN-VALUE-123 again TOKEN-VALUE-123', ['TOKEN-VALUE-123'])).toBe('token TOK***23 again TOK***23');
    expect(scrub('id abc stays', ['abc', undefined, ''])).toBe('id abc stays');
  });
});
