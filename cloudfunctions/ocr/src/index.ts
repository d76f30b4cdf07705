import cloud from 'wx-server-sdk';
import { ErrorCode, handler, ok, ReplyError } from '@wxhub/function-kit';
import { recognizeLines } from './baidu-ocr';
import { parseOcrRequest } from './request';
import { readOcrSettings } from './settings';
import { readBaiduToken } from './token';

// The typings declare `env` as a string, but the SDK documents the symbol for "this function's env".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/**
 * `wx.cloud.callFunction({name: 'ocr', data: {image}})` from B's pages: reads the text of the
 * image with Baidu OCR and answers `{words: [...]}`. The Baidu token stays on the server: it
 * is read from `setconfig`, where refresh_tokens keeps it fresh.
 */
export const main = handler<unknown>(async (event) => {
  const settings = readOcrSettings(process.env);
  const { OPENID } = cloud.getWXContext();
  if (typeof OPENID !== 'string' || OPENID === '') {
    throw new ReplyError(ErrorCode.NO_CALLER, 'ocr must be called from the mini program by a user (no caller OPENID)');
  }
  const request = parseOcrRequest(event, settings.maxImageChars);
  const token = await readBaiduToken(cloud.database(), settings.collection, settings.tokenName, Date.now());
  const words = await recognizeLines({ baseUrl: settings.baiduApiBase, token, image: request.image, timeoutMs: settings.timeoutMs });
  return ok({ words });
});
