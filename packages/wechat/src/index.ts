export { WeChatApiError, isTokenRejected, isTransientErrcode, type WeChatApiErrorInit } from './errors';
export { clientCredentialProvider, stableTokenProvider, type WeChatTokenOptions } from './token-providers';
export { WeChatClient, type TokenSource, type WeChatClientOptions, type WeChatQuery } from './client';
export { tokenSource, type KeyedTokenCache } from './token-source';
export {
  code2Session,
  decryptLoginData,
  getUserPhoneNumber,
  LOGIN_ERRCODES,
  LoginDataError,
  type Code2SessionOptions,
  type DecryptedUserData,
  type DecryptLoginDataParams,
  type LoginDataFailure,
  type LoginSession,
  type PhoneInfo,
  type PhoneNumberData,
  type UserInfoData,
  type Watermark,
} from './login';
