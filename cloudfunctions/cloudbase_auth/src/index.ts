import cloud from 'wx-server-sdk';
import { admit, type AuthAnswer } from './admission';

// The typings declare `env` as a string, but the SDK documents the symbol for "this function's env".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/**
 * Run by WeChat when another mini program's `new cloud.Cloud({resourceAppid, resourceEnv}).init()`
 * asks for A's environment: answers whether that app may come in.
 */
export async function main(): Promise<AuthAnswer> {
  const context = cloud.getWXContext() as { FROM_APPID?: unknown };
  const answer = admit(context.FROM_APPID, process.env);
  if (answer.errCode !== 0) console.warn(`cloudbase_auth: refused: ${answer.errMsg}`);
  return answer;
}
