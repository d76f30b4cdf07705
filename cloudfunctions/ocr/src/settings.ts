import { numberEnv, optionalEnv, type Env } from '@wxhub/core';

export interface OcrSettings {
  /** The `setconfig` entry refresh_tokens keeps the Baidu OCR token in. */
  readonly tokenName: string;
  readonly collection: string;
  readonly baiduApiBase: string;
  readonly timeoutMs: number;
  /** Longest base64 text accepted for `image` (Baidu's own limit is 10 MB; callFunction's is lower). */
  readonly maxImageChars: number;
}

export function readOcrSettings(env: Env): OcrSettings {
  return {
    tokenName: optionalEnv(env, 'OCR_TOKEN_NAME', 'baidu_ocr'),
    collection: optionalEnv(env, 'SETCONFIG_COLLECTION', 'setconfig'),
    baiduApiBase: optionalEnv(env, 'BAIDU_API_BASE', 'https://aip.baidubce.com'),
    // The function's own limit is 10 s (config.json); leave room for the answer.
    timeoutMs: numberEnv(env, 'UPSTREAM_TIMEOUT_MS', 8000),
    maxImageChars: numberEnv(env, 'OCR_MAX_IMAGE_CHARS', 4 * 1024 * 1024),
  };
}
