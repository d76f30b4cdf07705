import { replyOf } from './reply';

/** ocr's own codes (cloudfunctions/ocr/src/codes.ts). */
export const OCR_TOKEN_UNAVAILABLE = -4001;
export const OCR_TOKEN_REJECTED = -4002;
const INVALID_INPUT = -1001;

export type OcrOutcome = { readonly ok: true; readonly words: string[] } | { readonly ok: false; readonly message: string };

/** What `ocr` answered, for the user: the lines read, or why there are none. */
export function ocrOutcome(result: unknown): OcrOutcome {
  const reply = replyOf(result);
  if (!reply) return { ok: false, message: '服务暂时不可用，请稍后再试' };
  if (reply.errcode === 0) {
    const words = (reply.data as { words?: unknown } | undefined)?.words;
    if (Array.isArray(words)) return { ok: true, words: words.filter((line): line is string => typeof line === 'string') };
    return { ok: false, message: '服务暂时不可用，请稍后再试' };
  }
  if (reply.errcode === OCR_TOKEN_UNAVAILABLE || reply.errcode === OCR_TOKEN_REJECTED) {
    return { ok: false, message: `文字识别暂时不可用（识别服务的令牌未就绪），请稍后再试（错误码 ${reply.errcode}）` };
  }
  if (reply.errcode === INVALID_INPUT) return { ok: false, message: '这张图片无法识别，请换一张清晰的图片' };
  return { ok: false, message: `服务暂时不可用，请稍后再试（错误码 ${reply.errcode}）` };
}
