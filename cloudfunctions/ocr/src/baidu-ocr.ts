import { buildUrl, scrub, WxhubError, requestJson, type JsonRequest } from '@wxhub/core';
import { ErrorCode, ReplyError } from '@wxhub/function-kit';
import { OcrErrorCode } from './codes';

export const GENERAL_BASIC = '/rest/2.0/ocr/v1/general_basic';

export interface OcrCall {
  readonly baseUrl: string;
  readonly token: string;
  /** Base64, no data-URL prefix. */
  readonly image: string;
  readonly timeoutMs: number;
  readonly dispatcher?: JsonRequest['dispatcher'];
}

// Baidu's answers about the token itself (https://ai.baidu.com/ai-doc/OCR/zkibizyhz).
const TOKEN_ERRORS = new Set([110, 111]);
// Answers about the image: the page should send another one, not try again.
const IMAGE_ERRORS = new Set([216100, 216101, 216200, 216201, 216202, 216630, 216631, 216633, 216634, 282810]);

/**
 * Baidu's general text recognition (`general_basic`): the image as the `image` form field, the
 * token in the query. Answers the recognised lines; every failure is a ReplyError whose
 * message names Baidu's error_code and never carries the token.
 */
export async function recognizeLines(call: OcrCall): Promise<string[]> {
  let body: unknown;
  try {
    const response = await requestJson(buildUrl(call.baseUrl, GENERAL_BASIC, { access_token: call.token }), {
      method: 'POST',
      form: { image: call.image },
      timeoutMs: call.timeoutMs,
      dispatcher: call.dispatcher,
    });
    body = response.body;
    if (response.status < 200 || response.status >= 300) {
      throw new ReplyError(OcrErrorCode.THIRD_PARTY_FAILED, `Baidu OCR answered HTTP ${response.status}`, { status: response.status });
    }
  } catch (error) {
    if (error instanceof ReplyError) throw error;
    if (error instanceof WxhubError) {
      throw new ReplyError(OcrErrorCode.THIRD_PARTY_FAILED, `Baidu OCR could not be reached: ${scrub(error.message, [call.token])}`, { code: error.code });
    }
    throw error;
  }
  return linesOf(body, call.token);
}

function linesOf(body: unknown, token: string): string[] {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (typeof record.error_code === 'number') {
    const code = record.error_code;
    const message = scrub(typeof record.error_msg === 'string' ? record.error_msg : 'no message', [token]);
    if (TOKEN_ERRORS.has(code)) {
      throw new ReplyError(
        OcrErrorCode.TOKEN_REJECTED,
        `OCR is not available right now: Baidu rejected the token (error_code ${code}: ${message}); refresh_tokens renews it`,
        { error_code: code },
      );
    }
    if (IMAGE_ERRORS.has(code)) {
      throw new ReplyError(ErrorCode.INVALID_INPUT, `invalid image: Baidu cannot read it (error_code ${code}: ${message})`, {
        field: 'image',
        reason: message,
        error_code: code,
      });
    }
    throw new ReplyError(OcrErrorCode.THIRD_PARTY_FAILED, `Baidu OCR failed (error_code ${code}: ${message})`, { error_code: code });
  }
  const results = record.words_result;
  if (!Array.isArray(results)) {
    throw new ReplyError(OcrErrorCode.THIRD_PARTY_FAILED, 'Baidu OCR answered without words_result');
  }
  return results.map((item: unknown) => {
    const words = typeof item === 'object' && item !== null ? (item as { words?: unknown }).words : undefined;
    return typeof words === 'string' ? words : '';
  });
}
