export { WeChatApiError, isTokenRejected, isTransientErrcode, type WeChatApiErrorInit } from './errors';
export { clientCredentialProvider, stableTokenProvider, type WeChatTokenOptions } from './token-providers';
export { WeChatClient, type TokenSource, type WeChatClientOptions, type WeChatQuery } from './client';
export { tokenSource, type KeyedTokenCache } from './token-source';
export * from './login';
