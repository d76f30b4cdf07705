import { WxhubError } from '@wxhub/core';
import { ErrorCode, fail, ReplyError, type Reply } from './reply';

/** The context WeChat passes as `main`'s second argument (the parts we read). */
export interface FunctionContext {
  readonly request_id?: string;
  readonly function_name?: string;
}

export type Main<E> = (event: E, context: FunctionContext) => Promise<Reply>;

/**
 * Wraps a function's logic so that every outcome is a Reply: ReplyError answers as thrown,
 * typed wxhub errors answer with their message (already masked by the thrower), anything
 * else answers INTERNAL with the request id, and its stack goes to the function's log only.
 */
export function handler<E>(logic: Main<E>): (event: E, context?: FunctionContext) => Promise<Reply> {
  return async (event, context = {}) => {
    try {
      return await logic(event, context);
    } catch (error) {
      return toReply(error, context);
    }
  };
}

export function toReply(error: unknown, context: FunctionContext = {}): Reply {
  if (error instanceof ReplyError) return fail(error.errcode, error.errmsg, error.data);
  const requestId = context.request_id ?? 'unknown';
  if (error instanceof WxhubError) {
    console.error(`[${requestId}] ${error.name}: ${error.message}`);
    return fail(ErrorCode.INTERNAL, error.message);
  }
  console.error(`[${requestId}] unexpected failure`, error);
  return fail(ErrorCode.INTERNAL, `internal error (request ${requestId}); see the function log`);
}
