/**
 * The protobuf wire format, only as far as wx.openApi's two small messages need it: varints
 * and length-delimited fields, read and written by hand so the local cloud needs no protobuf
 * library. Unknown fields are skipped on reading, as protobuf requires.
 */

export class ProtoError extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

export type ProtoField =
  | { readonly field: number; readonly wireType: typeof WIRE_VARINT; readonly value: bigint }
  | { readonly field: number; readonly wireType: typeof WIRE_LENGTH_DELIMITED; readonly value: Buffer }
  | { readonly field: number; readonly wireType: typeof WIRE_FIXED64 | typeof WIRE_FIXED32; readonly value: Buffer };

export function readFields(buffer: Buffer): ProtoField[] {
  const fields: ProtoField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = buffer[at++];
      if (byte === undefined) throw new ProtoError('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new ProtoError('varint longer than 10 bytes');
  };
  const take = (length: number): Buffer => {
    if (at + length > buffer.length) throw new ProtoError('truncated field');
    const value = buffer.subarray(at, at + length);
    at += length;
    return value;
  };
  while (at < buffer.length) {
    const tag = varint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (field === 0) throw new ProtoError('field number 0');
    switch (wireType) {
      case WIRE_VARINT:
        fields.push({ field, wireType, value: varint() });
        break;
      case WIRE_LENGTH_DELIMITED:
        fields.push({ field, wireType, value: take(Number(varint())) });
        break;
      case WIRE_FIXED64:
        fields.push({ field, wireType, value: take(8) });
        break;
      case WIRE_FIXED32:
        fields.push({ field, wireType, value: take(4) });
        break;
      default:
        throw new ProtoError(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

/** An int32 from its varint: negative numbers travel as 64-bit two's complement. */
export function toInt32(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}

export class ProtoWriter {
  private readonly chunks: Buffer[] = [];

  bytes(field: number, value: Buffer): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.chunks.push(encodeVarint(BigInt(value.length)), value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  int32(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.chunks.push(encodeVarint(BigInt.asUintN(64, BigInt(value | 0))));
    return this;
  }

  uint32(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.chunks.push(encodeVarint(BigInt(value >>> 0)));
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private tag(field: number, wireType: number): void {
    this.chunks.push(encodeVarint((BigInt(field) << 3n) | BigInt(wireType)));
  }
}

function encodeVarint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0n);
  return Buffer.from(bytes);
}
