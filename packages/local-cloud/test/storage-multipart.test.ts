import { formParams, MultipartError, multipartBoundary, parseMultipart } from '../src/http/multipart';

// The byte-exact multipart/form-data reader behind wx.openApi and COS form uploads.

const CRLF = '\r\n';

function body(boundary: string, parts: Array<{ headers: string[]; data: Buffer | string }>, extra: { preamble?: string; epilogue?: string } = {}): Buffer {
  const chunks: Buffer[] = [Buffer.from(extra.preamble ?? '')];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}${CRLF}${part.headers.map((h) => h + CRLF).join('')}${CRLF}`));
    chunks.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data));
    chunks.push(Buffer.from(CRLF));
  }
  chunks.push(Buffer.from(`--${boundary}--${extra.epilogue ?? ''}`));
  return Buffer.concat(chunks);
}

describe('multipartBoundary', () => {
  test('reads plain and quoted boundaries of multipart/form-data only', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----abc123')).toBe('----abc123');
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('application/json')).toBeUndefined();
    expect(multipartBoundary(undefined)).toBeUndefined();
    expect(() => multipartBoundary('multipart/form-data')).toThrow(MultipartError);
  });
});

describe('parseMultipart', () => {
  test('keeps binary parts byte for byte, even when they contain CRLF and dashes', () => {
    const binary = Buffer.concat([Buffer.from([0, 255, 13, 10, 45, 45]), Buffer.from('--b\r\n--'), Buffer.from([128, 129])]);
    const parts = parseMultipart(
      body('b0undary', [
        { headers: ['Content-Disposition: form-data; name="action"'], data: 'wx.openApi' },
        { headers: ['Content-Disposition: form-data; name="requestData"', 'Content-Type: application/octet-stream'], data: binary },
        { headers: ['Content-Disposition: form-data; name="file"; filename="a \\"q\\".png"', 'Content-Type: image/png'], data: '' },
      ]),
      'b0undary',
    );
    expect(parts.map((part) => part.name)).toEqual(['action', 'requestData', 'file']);
    expect(parts[1]?.data.equals(binary)).toBe(true);
    expect(parts[1]?.contentType).toBe('application/octet-stream');
    expect(parts[2]).toMatchObject({ filename: 'a "q".png', contentType: 'image/png' });
    expect(parts[2]?.data.length).toBe(0);
  });

  test('ignores a preamble and an epilogue; `name` is not read out of `filename`', () => {
    const parts = parseMultipart(
      body('x', [{ headers: ['Content-Disposition: form-data; filename="f.txt"; name="upload"'], data: 'content' }], {
        preamble: 'This is a preamble.\r\n',
        epilogue: '\r\nepilogue',
      }),
      'x',
    );
    expect(parts).toEqual([{ name: 'upload', filename: 'f.txt', data: Buffer.from('content') }]);
  });

  test('formParams gives text parts as strings and binary or file parts as Buffers', () => {
    const params = formParams(
      parseMultipart(
        body('y', [
          { headers: ['Content-Disposition: form-data; name="envName"'], data: '环境-1' },
          { headers: ['Content-Disposition: form-data; name="note"', 'Content-Type: text/plain; charset=utf-8'], data: 'plain' },
          { headers: ['Content-Disposition: form-data; name="requestData"', 'Content-Type: application/octet-stream'], data: Buffer.from([1, 2]) },
        ]),
        'y',
      ),
    );
    expect(params).toEqual({ envName: '环境-1', note: 'plain', requestData: Buffer.from([1, 2]) });
  });

  test('refuses bodies that are not well-formed', () => {
    expect(() => parseMultipart(Buffer.from('no boundary here'), 'z')).toThrow(/no multipart boundary/);
    expect(() => parseMultipart(Buffer.from('--z\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated'), 'z')).toThrow(/closing boundary/);
    expect(() => parseMultipart(Buffer.from('--z\r\nX-Other: 1\r\n\r\nv\r\n--z--'), 'z')).toThrow(/Content-Disposition/);
    expect(() => parseMultipart(Buffer.from('--z\r\nContent-Disposition: form-data\r\n\r\nv\r\n--z--'), 'z')).toThrow(/without a name/);
    expect(() => parseMultipart(Buffer.from('--zjunk\r\n'), 'z')).toThrow(/delimiter/);
  });
});
