import { ProtoError, ProtoWriter, readFields, toInt32, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './proto-wire';

/**
 * The messages of wx.openApi, as wx-server-sdk 4.0.2 bundles them (src/protobuf/openapi.js):
 *
 *   message KeyValuePair { string key = 1; bytes value = 2; string contenttype = 3; string filename = 4; }
 *   message OpenApiData { repeated KeyValuePair pairs = 1; }
 *   message CommApiData { ApiType apiType = 1; OpenApiData openapiData = 2; InnerApiData innerData = 3;
 *                         SvrkitApiData svrkitData = 4; TokenApiData tokenData = 5; string appid = 6; }
 *   enum ApiType { OPEN_API = 0; INNER_API = 1; SVRKIT_API = 2; TOKEN_API = 3; }
 *   message CommOpenApiResp { bytes respData = 1; string contentType = 2; int32 errorCode = 3;
 *                             uint32 httpCode = 4; repeated HttpHeader headers = 5; int32 svrkitErrorCode = 6; }
 *
 * For an OPEN_API call each pair is one top-level field of WeChat's JSON request, snake_cased,
 * its value JSON text; media fields (`{contentType, value: Buffer}`) travel as raw bytes with
 * contenttype and filename.
 */
export const API_TYPE = { OPEN_API: 0, INNER_API: 1, SVRKIT_API: 2, TOKEN_API: 3 } as const;

export interface KeyValuePair {
  readonly key: string;
  readonly value: Buffer;
  readonly contentType?: string;
  readonly filename?: string;
}

/** `message TokenApiData { string resourceAppid = 1; string resourceEnv = 2; }`: getCrossAccountToken's request. */
export interface TokenApiData {
  readonly resourceAppid: string;
  readonly resourceEnv: string;
}

export interface CommApiData {
  readonly apiType: number;
  readonly pairs: readonly KeyValuePair[];
  /** A TOKEN_API call's request (cross-account sharing). */
  readonly tokenData?: TokenApiData;
  /** Set when the call is made for another mini program (cloud.openapi({appid})). */
  readonly appid: string;
}

export interface CommOpenApiResp {
  readonly respData?: Buffer;
  readonly contentType?: string;
  /** Non-zero for WeChat's own refusals (-604101 no permission...); the SDK throws it as errCode. */
  readonly errorCode?: number;
  readonly httpCode?: number;
}

export function decodeCommApiData(buffer: Buffer): CommApiData {
  let apiType = 0;
  let appid = '';
  const pairs: KeyValuePair[] = [];
  let tokenData: TokenApiData | undefined;
  for (const field of readFields(buffer)) {
    if (field.field === 1 && field.wireType === WIRE_VARINT) apiType = toInt32(field.value);
    else if (field.field === 2 && field.wireType === WIRE_LENGTH_DELIMITED) pairs.push(...decodeOpenApiData(field.value));
    else if (field.field === 5 && field.wireType === WIRE_LENGTH_DELIMITED) tokenData = decodeTokenApiData(field.value);
    else if (field.field === 6 && field.wireType === WIRE_LENGTH_DELIMITED) appid = field.value.toString('utf8');
  }
  return { apiType, pairs, appid, ...(tokenData ? { tokenData } : {}) };
}

function decodeTokenApiData(buffer: Buffer): TokenApiData {
  let resourceAppid = '';
  let resourceEnv = '';
  for (const field of readFields(buffer)) {
    if (field.wireType !== WIRE_LENGTH_DELIMITED) continue;
    if (field.field === 1) resourceAppid = field.value.toString('utf8');
    else if (field.field === 2) resourceEnv = field.value.toString('utf8');
  }
  return { resourceAppid, resourceEnv };
}

function decodeOpenApiData(buffer: Buffer): KeyValuePair[] {
  return readFields(buffer)
    .filter((field) => field.field === 1)
    .map((field) => {
      if (field.wireType !== WIRE_LENGTH_DELIMITED) throw new ProtoError('OpenApiData.pairs is not a message');
      return decodeKeyValuePair(field.value);
    });
}

function decodeKeyValuePair(buffer: Buffer): KeyValuePair {
  let key = '';
  let value = Buffer.alloc(0);
  let contentType: string | undefined;
  let filename: string | undefined;
  for (const field of readFields(buffer)) {
    if (field.wireType !== WIRE_LENGTH_DELIMITED) continue;
    if (field.field === 1) key = field.value.toString('utf8');
    else if (field.field === 2) value = Buffer.from(field.value);
    else if (field.field === 3) contentType = field.value.toString('utf8');
    else if (field.field === 4) filename = field.value.toString('utf8');
  }
  return { key, value, ...(contentType ? { contentType } : {}), ...(filename ? { filename } : {}) };
}

export function encodeCommOpenApiResp(resp: CommOpenApiResp): Buffer {
  const writer = new ProtoWriter();
  if (resp.respData !== undefined) writer.bytes(1, resp.respData);
  if (resp.contentType !== undefined) writer.string(2, resp.contentType);
  if (resp.errorCode) writer.int32(3, resp.errorCode);
  if (resp.httpCode) writer.uint32(4, resp.httpCode);
  return writer.finish();
}
