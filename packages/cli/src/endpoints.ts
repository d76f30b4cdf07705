/**
 * Where the CLI talks to by default. A module of its own, without imports, so that `--help`
 * (which prints them) does not load the configuration reader that target.ts needs.
 */
/** The port `pnpm local-cloud` listens on (DEFAULT_DEV_PORT of @wxhub/local-cloud; a test keeps them equal). */
export const DEFAULT_LOCAL_CLOUD_PORT = 8780;
export const DEFAULT_LOCAL_CLOUD_URL = `http://127.0.0.1:${DEFAULT_LOCAL_CLOUD_PORT}`;
export const REAL_WECHAT_API = 'https://api.weixin.qq.com';
