import type { EmulatorReply } from '../http/router';
import { requiredString } from '../sdk-backend/action-params';
import type { ActionContext } from '../sdk-backend/action-types';
import { invalidParam } from '../sdk-backend/backend-error';
import type { CloudBackend } from '../sdk-backend/cloud-backend';
import type { ApiTokens, InvocationContext } from './api-tokens';
import { API_TYPE, decodeCommApiData, encodeCommOpenApiResp, type CommApiData, type CommOpenApiResp, type TokenApiData } from './comm-api';
import type { OpenApiMedia, OpenApiService } from './openapi-service';
import { ProtoError } from './proto-wire';

/** WeChat's refusals of a cloud call, as wx-server-sdk's table names them. */
export const OPENAPI_ERROR = {
  /** The API is not one WeChat offers as a cloud call. */
  NOT_FOUND: -604100,
  /** The calling function's config.json does not declare the API in permissions.openapi. */
  NO_PERMISSION: -604101,
  /** The call does not come from an invocation of a cloud function (no valid WX_API_TOKEN). */
  ILLEGAL_SOURCE: -604104,
} as const;

/**
 * The binary answers must not be sent as `application/json; charset=utf-8`: that exact type makes
 * @cloudbase/node-sdk JSON-parse the body instead of handing the protobuf to wx-server-sdk.
 */
const PROTOBUF_CONTENT_TYPE = 'application/octet-stream';
const WECHAT_JSON = 'application/json; charset=utf-8';

/**
 * `wx.openApi` (cloud.openapi.a.b(data)): a multipart POST with `apiName`, `requestData` (a
 * protobuf CommApiData) and the invocation's `wxCloudApiToken`, answered with a protobuf
 * CommOpenApiResp whose respData is WeChat's JSON. The token names the calling function, whose
 * config.json must declare the API.
 */
export function registerOpenApiAction(backend: CloudBackend, service: OpenApiService, tokens: ApiTokens, tokenApi?: TokenApiHandler): void {
  backend.registerRawAction('wx.openApi', (ctx) => openApi(ctx, service, tokens, tokenApi));
}

/**
 * A TOKEN_API call (`getCrossAccountToken`, what `new cloud.Cloud({resourceAppid, resourceEnv}).init()`
 * sends): answered by the sharing part, which the composition root passes in, as a CommOpenApiResp.
 */
export type TokenApiHandler = (request: {
  readonly envId: string;
  readonly tokenData: TokenApiData;
  readonly invocation: InvocationContext;
}) => Promise<CommOpenApiResp>;

async function openApi(ctx: ActionContext, service: OpenApiService, tokens: ApiTokens, tokenApi: TokenApiHandler | undefined): Promise<EmulatorReply> {
  const apiName = requiredString(ctx.params, 'apiName');
  const requestData = ctx.params.requestData;
  if (!Buffer.isBuffer(requestData)) throw invalidParam('requestData must be a binary form field');
  const invocation = tokens.resolve(ctx.params.wxCloudApiToken);
  if (!invocation) return protobufReply({ errorCode: OPENAPI_ERROR.ILLEGAL_SOURCE });
  let data: CommApiData;
  try {
    data = decodeCommApiData(requestData);
  } catch (error) {
    if (error instanceof ProtoError) throw invalidParam(`requestData is not a CommApiData message: ${error.message}`);
    throw error;
  }
  // The SDK's own token call is not a 云调用 a function declares in config.json.
  if (data.apiType === API_TYPE.TOKEN_API && tokenApi && data.tokenData) {
    return protobufReply(await tokenApi({ envId: ctx.envId, tokenData: data.tokenData, invocation }));
  }
  if (!invocation.openapi.includes(apiName)) return protobufReply({ errorCode: OPENAPI_ERROR.NO_PERMISSION });
  if (data.apiType !== API_TYPE.OPEN_API) return protobufReply({ errorCode: OPENAPI_ERROR.NOT_FOUND });
  const request: Record<string, unknown> = {};
  const media: Record<string, OpenApiMedia> = {};
  for (const pair of data.pairs) {
    if (pair.contentType !== undefined || pair.filename !== undefined) media[pair.key] = { value: pair.value, ...optional(pair) };
    else request[pair.key] = parseJsonValue(pair.value);
  }
  const response = service.call({
    envId: ctx.envId,
    appid: data.appid || service.appidOf(ctx.envId) || invocation.caller.appid || '',
    functionName: invocation.functionName,
    caller: invocation.caller,
    apiName,
    request,
    media,
  });
  return protobufReply({ respData: Buffer.from(JSON.stringify(response)), contentType: WECHAT_JSON, httpCode: 200 });
}

function protobufReply(resp: CommOpenApiResp): EmulatorReply {
  return { status: 200, headers: { 'content-type': PROTOBUF_CONTENT_TYPE }, body: encodeCommOpenApiResp(resp) };
}

/** Each pair's value is the JSON text of one field (json-bigint's; big integers lose precision here). */
function parseJsonValue(value: Buffer): unknown {
  const text = value.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function optional(pair: { contentType?: string; filename?: string }): { contentType?: string; filename?: string } {
  return { ...(pair.contentType !== undefined ? { contentType: pair.contentType } : {}), ...(pair.filename !== undefined ? { filename: pair.filename } : {}) };
}
