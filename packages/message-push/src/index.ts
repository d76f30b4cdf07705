export {
  createPushHandler,
  type PushErrorContext,
  type PushHandler,
  type PushHandlerOptions,
  type PushHttpResponse,
  type PushMode,
  type PushOutcome,
} from './push-handler';
export type { PushHttpRequest, BodyFormat } from './http-request';
export { MemoryDedupeStore, type DedupeStore, type MemoryDedupeStoreOptions } from './dedupe-store';
export { dedupeKey, pushMessageFromEvent, toPushMessage, type PushMessage } from './push-message';
export { renderReply, type PassiveReply, type RenderedReply, type ReplyFormats } from './passive-reply';
export { parseWechatXml } from './xml-parser';
export { toWechatXml } from './xml-writer';
export { asPushRecord, parseJsonBody } from './json-body';
export { DEFAULT_STRUCTURE_LIMITS, type PushRecord, type PushValue, type StructureLimits } from './push-value';
export {
  PushBodyTooLargeError,
  PushMalformedError,
  PushMediaTypeError,
  PushMethodError,
  PushModeError,
  PushReplayError,
  PushRequestError,
  PushSignatureError,
  PushWrongAppError,
} from './errors';
