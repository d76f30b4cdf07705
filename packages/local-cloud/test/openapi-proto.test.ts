import { decodeCommApiData, encodeCommOpenApiResp } from '../src/openapi/comm-api';
import { ProtoError, ProtoWriter, readFields, toInt32 } from '../src/openapi/proto-wire';

// The hand-written protobuf wire code of wx.openApi (the end-to-end tests run it against the SDK's own codec).

describe('proto-wire', () => {
  test('varints, negative int32s and length-delimited fields round-trip', () => {
    const bytes = new ProtoWriter()
      .uint32(1, 300)
      .int32(2, -604101)
      .string(3, '中文')
      .bytes(4, Buffer.from([0, 1, 2]))
      .finish();
    const fields = readFields(bytes);
    expect(fields.map((f) => [f.field, f.wireType])).toEqual([
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 2],
    ]);
    expect(fields[0]?.value).toBe(300n);
    expect(toInt32(fields[1]?.value as bigint)).toBe(-604101);
    expect((fields[2]?.value as Buffer).toString('utf8')).toBe('中文');
    expect(fields[3]?.value).toEqual(Buffer.from([0, 1, 2]));
  });

  test('a negative int32 takes ten bytes, as protobuf requires', () => {
    expect(new ProtoWriter().int32(3, -1).finish()).toEqual(Buffer.from([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
  });

  test('truncated input is an error, not a silent partial read', () => {
    const bytes = new ProtoWriter().string(1, 'hello').finish();
    expect(() => readFields(bytes.subarray(0, bytes.length - 1))).toThrow(ProtoError);
    expect(() => readFields(Buffer.from([0x08, 0x80]))).toThrow(/truncated varint/);
    expect(() => readFields(Buffer.from([0x0b]))).toThrow(/wire type 3/);
  });
});

describe('CommApiData / CommOpenApiResp', () => {
  const pair = (key: string, value: Buffer, extra: { contentType?: string; filename?: string } = {}): Buffer => {
    const writer = new ProtoWriter().string(1, key).bytes(2, value);
    if (extra.contentType) writer.string(3, extra.contentType);
    if (extra.filename) writer.string(4, extra.filename);
    return writer.finish();
  };

  test('decodes pairs, media pairs, appid and the tokenData of a TOKEN_API call, and skips fields it does not know', () => {
    const openapiData = new ProtoWriter()
      .bytes(1, pair('touser', Buffer.from('"o1"')))
      .bytes(1, pair('media', Buffer.from([9, 9]), { contentType: 'image/png', filename: 'media.png' }))
      .finish();
    const message = new ProtoWriter()
      .int32(1, 0)
      .bytes(2, openapiData)
      .bytes(5, new ProtoWriter().string(1, 'wxa0000000000000a1').string(2, 'a-env-0a1b2c').string(7, 'unknown').finish())
      .string(6, 'wx-other-app')
      .uint32(99, 7)
      .finish();
    expect(decodeCommApiData(message)).toEqual({
      apiType: 0,
      appid: 'wx-other-app',
      pairs: [
        { key: 'touser', value: Buffer.from('"o1"') },
        { key: 'media', value: Buffer.from([9, 9]), contentType: 'image/png', filename: 'media.png' },
      ],
      tokenData: { resourceAppid: 'wxa0000000000000a1', resourceEnv: 'a-env-0a1b2c' },
    });
  });

  test('encodes a response with its fields numbered 1-4 and leaves zero values out', () => {
    const encoded = encodeCommOpenApiResp({ respData: Buffer.from('{}'), contentType: 'application/json; charset=utf-8', httpCode: 200 });
    const fields = readFields(encoded);
    expect(fields.map((f) => f.field)).toEqual([1, 2, 4]);
    expect(fields[2]?.value).toBe(200n);
    expect(readFields(encodeCommOpenApiResp({ errorCode: -604101 })).map((f) => [f.field, toInt32(f.value as bigint)])).toEqual([[3, -604101]]);
  });
});
