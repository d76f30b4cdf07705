export { BaiduApiError, type BaiduApiErrorInit } from './errors';
export { baiduOAuthProvider, type BaiduOAuthOptions } from './oauth-provider';
