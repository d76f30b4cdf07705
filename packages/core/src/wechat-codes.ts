/**
 * One table of what WeChat's and its cloud's error codes mean, used by the API clients (what an
 * error says and whether it is worth retrying), the cloud functions (a missing collection) and
 * the local cloud (what it answers). Like WxJava's error-code enum: every literal code in wxhub
 * comes from here.
 *
 * `errmsg` is WeChat's own text, in English as the API sends it (without the trailing
 * ` rid: …`); `meaning` says in plain words what went wrong and what to do. In `meaning`,
 * `{app}` stands for " for appid wx12***ef" when the app is known, `{appid}` for " wx12***ef",
 * `{ip}` for " <the caller's IP>" when WeChat's message names it.
 */
export interface WeChatCodeInfo {
  readonly errmsg?: string;
  readonly meaning: string;
  /** The access token is no good: fetch a new one (forced) and try once more. */
  readonly tokenRejected?: true;
  /** Clears up by itself within a retry loop's backoff. */
  readonly transient?: true;
}

/** WeChat's server API (api.weixin.qq.com) codes, by name. */
export const WeChatErrcode = {
  SYSTEM_BUSY: -1,
  INVALID_CREDENTIAL: 40001,
  INVALID_GRANT_TYPE: 40002,
  INVALID_OPENID: 40003,
  INVALID_MESSAGE_TYPE: 40008,
  INVALID_APPID: 40013,
  INVALID_ACCESS_TOKEN: 40014,
  INVALID_CODE: 40029,
  INVALID_ARGS: 40097,
  MISSING_PARAMETER: 40101,
  INVALID_APPSECRET: 40125,
  CODE_USED: 40163,
  IP_NOT_WHITELISTED: 40164,
  USER_REFUSED: 40226,
  APPSECRET_FROZEN: 40243,
  ACCESS_TOKEN_MISSING: 41001,
  APPID_MISSING: 41002,
  APPSECRET_MISSING: 41004,
  CODE_MISSING: 41008,
  ACCESS_TOKEN_EXPIRED: 42001,
  POST_REQUIRED: 43002,
  EMPTY_POST_DATA: 44002,
  DAILY_QUOTA: 45009,
  MINUTE_QUOTA: 45011,
  REPLY_WINDOW_CLOSED: 45015,
  DATA_FORMAT_ERROR: 47001,
  ADMIN_CONFIRMATION_NEEDED: 89503,
} as const;

export type WeChatErrcodeValue = (typeof WeChatErrcode)[keyof typeof WeChatErrcode];

/**
 * The cloud's codes (wx-server-sdk / @cloudbase/node-sdk and the HTTP API's tcb/* answers), by
 * name. The SDK numbers the backend's string codes with its own table (see CLOUD_BACKEND_CODES).
 */
export const CloudErrcode = {
  /** A cloud call was refused before it ran (e.g. an environment the token's app does not own). */
  INVALID_ENV_OR_CALLER: -501000,
  RESOURCE_SYSTEM_ERROR: -501001,
  INVALID_PARAMETERS: -501007,
  /** A backend request whose origin the cloud does not accept (e.g. a cross-account credential it no longer honours). */
  INVALID_REQUEST_SOURCE: -501008,
  DATABASE_REQUEST_FAILED: -502001,
  DATABASE_QUERY_REFUSED: -502002,
  /** A page's request refused by the collection's permission or security rule. */
  DATABASE_PERMISSION_DENIED: -502003,
  COLLECTION_NOT_EXIST: -502005,
  STORAGE_PERMISSION_DENIED: -503002,
  STORAGE_FILE_NOT_EXIST: -503003,
  FUNCTION_REQUEST_FAILED: -504001,
  FUNCTION_EXECUTION_FAILED: -504002,
  FUNCTION_TIMED_OUT: -504003,
  /** Cross-account sharing (环境共享): the grant does not cover what was asked. */
  NO_PRIVILEGE: -601011,
  /** Cross-account sharing: the environment is not shared with the calling mini program (or does not exist). */
  UNAUTHORIZED_ENV: -601012,
  /** Cross-account sharing: the owner's `cloudbase_auth` answered without `errCode`. */
  CLOUDBASE_AUTH_EMPTY_ERRCODE: -601015,
  /** Cross-account sharing: no authorization came back from the owner (e.g. no `cloudbase_auth` function). */
  MISSING_ENV_AUTH_INFO: -601016,
  /** Cross-account sharing: the owner's `cloudbase_auth` refused (non-zero `errCode`). */
  CLOUDBASE_AUTH_REFUSED: -601017,
  OPENAPI_FAILED: -604100,
  OPENAPI_NOT_DECLARED: -604101,
  OPENAPI_INVALID_DATA: -604104,
} as const;

export type CloudErrcodeValue = (typeof CloudErrcode)[keyof typeof CloudErrcode];

const CODES: Readonly<Record<number, WeChatCodeInfo>> = {
  [WeChatErrcode.SYSTEM_BUSY]: { errmsg: 'system error', meaning: 'WeChat is busy (system error); try again shortly', transient: true },
  [WeChatErrcode.INVALID_CREDENTIAL]: {
    errmsg: 'invalid credential, access_token is invalid or not latest',
    meaning: 'access token rejected as invalid or not the latest{app} (a newer one was fetched elsewhere, or the appsecret is wrong)',
    tokenRejected: true,
  },
  [WeChatErrcode.INVALID_GRANT_TYPE]: { errmsg: 'invalid grant_type', meaning: 'grant_type must be client_credential' },
  [WeChatErrcode.INVALID_OPENID]: { errmsg: 'invalid openid', meaning: 'invalid openid (not a user of this mini program)' },
  [WeChatErrcode.INVALID_MESSAGE_TYPE]: { errmsg: 'invalid message type', meaning: 'invalid message type' },
  [WeChatErrcode.INVALID_APPID]: { errmsg: 'invalid appid', meaning: "invalid appid{appid} (check the AppID in the mini program's settings)" },
  [WeChatErrcode.INVALID_ACCESS_TOKEN]: { errmsg: 'invalid access_token', meaning: 'access token invalid{app}', tokenRejected: true },
  [WeChatErrcode.INVALID_CODE]: {
    errmsg: 'invalid code',
    meaning: 'invalid code (unknown, expired after 5 minutes, or from another mini program): call wx.login again',
  },
  [WeChatErrcode.INVALID_ARGS]: { errmsg: 'invalid args', meaning: 'invalid arguments' },
  [WeChatErrcode.MISSING_PARAMETER]: { errmsg: 'missing parameter', meaning: 'a required parameter is missing' },
  [WeChatErrcode.INVALID_APPSECRET]: {
    errmsg: 'invalid appsecret',
    meaning: "invalid appsecret{app} (reset or copy it again from the mini program's development settings)",
  },
  [WeChatErrcode.CODE_USED]: { errmsg: 'code been used', meaning: 'code already used: each wx.login code is exchanged once' },
  [WeChatErrcode.IP_NOT_WHITELISTED]: {
    errmsg: 'invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist',
    meaning: "caller IP{ip} not in the API IP whitelist{app} (add it in the mini program's settings: Development > Development settings > IP whitelist)",
  },
  [WeChatErrcode.USER_REFUSED]: { errmsg: 'risky user', meaning: 'WeChat refused this user (risk control)' },
  [WeChatErrcode.APPSECRET_FROZEN]: {
    errmsg: 'AppSecret has been frozen, unfreeze it on the platform and call again',
    meaning: 'appsecret frozen{app} (unfreeze it on the mini program platform)',
  },
  [WeChatErrcode.ACCESS_TOKEN_MISSING]: { errmsg: 'access_token missing', meaning: 'access_token missing from the request' },
  [WeChatErrcode.APPID_MISSING]: { errmsg: 'appid missing', meaning: 'appid missing from the request' },
  [WeChatErrcode.APPSECRET_MISSING]: { errmsg: 'appsecret missing', meaning: 'appsecret missing from the request' },
  [WeChatErrcode.CODE_MISSING]: { errmsg: 'missing code', meaning: 'code missing from the request' },
  [WeChatErrcode.ACCESS_TOKEN_EXPIRED]: { errmsg: 'access_token expired', meaning: 'access token expired{app}', tokenRejected: true },
  [WeChatErrcode.POST_REQUIRED]: { errmsg: 'require POST method', meaning: 'this API must be called with POST' },
  [WeChatErrcode.EMPTY_POST_DATA]: { errmsg: 'empty post data', meaning: 'the POST body is empty' },
  // Quotas do not clear up within a backoff: retrying within seconds spends more quota and fails the same way.
  [WeChatErrcode.DAILY_QUOTA]: { errmsg: 'reach max api daily quota limit', meaning: 'daily API quota reached{app} (resets at midnight Beijing time)' },
  [WeChatErrcode.MINUTE_QUOTA]: {
    errmsg: 'api minute-quota reach limit  mustslower  retry next minute',
    meaning: 'per-minute API quota reached{app}; slow down and retry next minute',
  },
  [WeChatErrcode.REPLY_WINDOW_CLOSED]: {
    errmsg: 'response out of time limit or subscription is canceled',
    meaning: 'the user has not written within 48 hours: no customer-service message can be sent',
  },
  [WeChatErrcode.DATA_FORMAT_ERROR]: { errmsg: 'data format error', meaning: 'malformed request body (WeChat expects JSON)' },
  [WeChatErrcode.ADMIN_CONFIRMATION_NEEDED]: {
    errmsg: 'this call from the ip needs the admin to confirm it',
    meaning: "calls from this IP need the administrator's confirmation{app} (approve it in the WeChat notification)",
  },
  [CloudErrcode.INVALID_ENV_OR_CALLER]: { meaning: 'the cloud refused the call before it ran (environment or caller not allowed)' },
  [CloudErrcode.RESOURCE_SYSTEM_ERROR]: { errmsg: 'resource system error', meaning: 'the cloud backend refused the request' },
  [CloudErrcode.INVALID_PARAMETERS]: { errmsg: 'invalid parameters', meaning: 'invalid parameters' },
  [CloudErrcode.INVALID_REQUEST_SOURCE]: {
    meaning: 'the cloud refused where the request came from (a cross-account credential that is unknown, expired or revoked)',
  },
  [CloudErrcode.NO_PRIVILEGE]: {
    errmsg: 'no privilege permission',
    meaning: "the shared environment's grant does not include this operation (widen it in the owner's console: 环境共享)",
  },
  [CloudErrcode.UNAUTHORIZED_ENV]: {
    errmsg: 'unauthorized env',
    meaning: 'the environment is not shared with this mini program (the owner adds it in the cloud console: 环境共享 > 添加共享), or it does not exist',
  },
  [CloudErrcode.CLOUDBASE_AUTH_EMPTY_ERRCODE]: {
    errmsg: 'access denied (cloudfunction cloudbase_auth returns empty errCode)',
    meaning: "the owner's cloudbase_auth function answered without errCode: it must return {errCode: 0, ...} to admit the caller",
  },
  [CloudErrcode.MISSING_ENV_AUTH_INFO]: {
    errmsg: 'missing env auth info',
    meaning: 'the owner gave no authorization (deploy the cloudbase_auth function in the shared environment)',
  },
  [CloudErrcode.CLOUDBASE_AUTH_REFUSED]: {
    errmsg: 'access denied (cloudbase_auth returns non-zero errCode)',
    meaning: "the owner's cloudbase_auth function refused this caller",
  },
  [CloudErrcode.DATABASE_REQUEST_FAILED]: { errmsg: 'database request fail', meaning: 'the database refused the operation (e.g. a duplicate _id)' },
  [CloudErrcode.DATABASE_QUERY_REFUSED]: { meaning: 'the query was refused (not a query the database language allows)' },
  [CloudErrcode.DATABASE_PERMISSION_DENIED]: {
    errmsg: 'database permission denied',
    meaning: "the collection's permission (or security rule) does not let a page do this; functions are not limited",
  },
  [CloudErrcode.COLLECTION_NOT_EXIST]: { errmsg: 'database collection not exists', meaning: 'the collection does not exist (create it first)' },
  [CloudErrcode.STORAGE_PERMISSION_DENIED]: { meaning: 'storage permission denied' },
  [CloudErrcode.STORAGE_FILE_NOT_EXIST]: { meaning: 'the cloud file does not exist' },
  [CloudErrcode.FUNCTION_REQUEST_FAILED]: { meaning: 'the cloud function could not be called (no such function?)' },
  [CloudErrcode.FUNCTION_EXECUTION_FAILED]: { meaning: 'the cloud function ran and failed (see its logs)' },
  [CloudErrcode.FUNCTION_TIMED_OUT]: { meaning: 'the cloud function timed out' },
  [CloudErrcode.OPENAPI_FAILED]: { meaning: 'the cloud call (openapi) failed' },
  [CloudErrcode.OPENAPI_NOT_DECLARED]: { meaning: "the cloud call is not declared in the function's config.json permissions.openapi" },
  [CloudErrcode.OPENAPI_INVALID_DATA]: { meaning: "the cloud call's data is invalid" },
};

/** What `errcode` means, or undefined for a code the table does not know. */
export function wechatCode(errcode: number): WeChatCodeInfo | undefined {
  return CODES[errcode];
}

/** 40001 / 40014 / 42001: the access token is no good; fetch a new one and try once more. */
export function isTokenRejected(errcode: number): boolean {
  return CODES[errcode]?.tokenRejected === true;
}

/** Only "system busy" clears up by itself within a retry loop's backoff. */
export function isTransientErrcode(errcode: number): boolean {
  return CODES[errcode]?.transient === true;
}

/**
 * The cloud backend's string codes: the `code` of its `{requestId, code, message}` refusals (and of
 * each entry of a storage batch answer), as @cloudbase/node-sdk's own tests expect them of the
 * real backend (settled in docs/wechat-facts.md, Corrections 7).
 */
export const CloudBackendCode = {
  INVALID_PARAM: 'INVALID_PARAM',
  /** wx-server-sdk's table spells its entry INVALIID_ENV, so a real invalid env shows as -501001. */
  INVALID_ENV: 'INVALID_ENV',
  INVALID_ACTION: 'INVALID_ACTION',
  DATABASE_REQUEST_FAILED: 'DATABASE_REQUEST_FAILED',
  DATABASE_COLLECTION_NOT_EXIST: 'DATABASE_COLLECTION_NOT_EXIST',
  DATABASE_COLLECTION_ALREADY_EXIST: 'DATABASE_COLLECTION_ALREADY_EXIST',
  /** @cloudbase/database's runTransaction retries (up to 3 times) on exactly this code. */
  DATABASE_TRANSACTION_CONFLICT: 'DATABASE_TRANSACTION_CONFLICT',
  /** A transaction that no longer exists (committed, aborted, or expired) was used. */
  DATABASE_TRANSACTION_FAIL: 'DATABASE_TRANSACTION_FAIL',
  /** callFunction of a function the environment does not have. */
  FUNCTION_NOT_FOUND: 'FUNCTION_NOT_FOUND',
  /** The function ran and failed: threw, timed out, crashed, returned something that is not JSON. */
  FUNCTIONS_EXECUTE_FAIL: 'FUNCTIONS_EXECUTE_FAIL',
  STORAGE_FILE_NONEXIST: 'STORAGE_FILE_NONEXIST',
  STORAGE_EXCEED_AUTHORITY: 'STORAGE_EXCEED_AUTHORITY',
  /** A cross-account credential the cloud does not honour (unknown, revoked, another env). UNCERTAIN which code WeChat uses. */
  INVALID_REQUEST_SOURCE: 'INVALID_REQUEST_SOURCE',
  /** A page's request refused by permissions (only the pages' client endpoint answers these). */
  DATABASE_PERMISSION_DENIED: 'DATABASE_PERMISSION_DENIED',
  STORAGE_PERMISSION_DENIED: 'STORAGE_PERMISSION_DENIED',
} as const;

export type CloudBackendCodeValue = (typeof CloudBackendCode)[keyof typeof CloudBackendCode];

/**
 * The cloud backend's string codes as wx-server-sdk numbers them (its own table), so a refusal
 * reads the same through `tcb/database*` as through `db.collection(…)` in a function. Codes that
 * table lacks (an invalid env, a collection that already exists, a transaction conflict…)
 * surface as -501001, as they do against the real backend.
 */
export const CLOUD_BACKEND_CODES: Readonly<Record<string, CloudErrcodeValue>> = {
  [CloudBackendCode.INVALID_PARAM]: CloudErrcode.INVALID_PARAMETERS,
  [CloudBackendCode.DATABASE_REQUEST_FAILED]: CloudErrcode.DATABASE_REQUEST_FAILED,
  [CloudBackendCode.DATABASE_COLLECTION_NOT_EXIST]: CloudErrcode.COLLECTION_NOT_EXIST,
  [CloudBackendCode.INVALID_REQUEST_SOURCE]: CloudErrcode.INVALID_REQUEST_SOURCE,
  [CloudBackendCode.DATABASE_PERMISSION_DENIED]: CloudErrcode.DATABASE_PERMISSION_DENIED,
  [CloudBackendCode.STORAGE_PERMISSION_DENIED]: CloudErrcode.STORAGE_PERMISSION_DENIED,
};

/** The numeric code of a backend string code (-501001 for one wx-server-sdk's table lacks). */
export function cloudErrcodeOf(backendCode: string): CloudErrcodeValue {
  return CLOUD_BACKEND_CODES[backendCode] ?? CloudErrcode.RESOURCE_SYSTEM_ERROR;
}

/**
 * The database code of an error thrown by wx-server-sdk, whose message carries the number
 * (`collection.add:fail -502001 ... E11000 duplicate key`), sometimes also `errCode`.
 */
export function databaseErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { errCode?: unknown; message?: unknown; errMsg?: unknown };
  if (typeof record.errCode === 'number') return record.errCode;
  const text = `${String(record.errMsg ?? '')} ${String(record.message ?? '')}`;
  const match = /(-50[1-5]\d{3})/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether a database error says the collection does not exist: -502005, or the backend's own
 * words (DATABASE_COLLECTION_NOT_EXIST, "collection not exist") where the SDK reports another
 * number (it reports some backend errors as -1 with the string code in the message).
 */
export function isMissingCollection(error: unknown): boolean {
  if (databaseErrorCode(error) === CloudErrcode.COLLECTION_NOT_EXIST) return true;
  const text = error instanceof Error ? error.message : String((error as { errMsg?: unknown } | undefined)?.errMsg ?? error);
  return /DATABASE_COLLECTION_NOT_EXIST|collection not exist/i.test(text);
}

/** Whether a database error is a duplicate key (E11000): a second document with the same `_id`. */
export function isDuplicateKey(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String((error as { errMsg?: unknown } | undefined)?.errMsg ?? '');
  return /E11000|duplicate key/i.test(text);
}
