/**
 * The answers of `ocr` beyond function-kit's ErrorCode (which keeps -1001 invalid input,
 * -1002 no caller, -9998 internal). A page switches on these.
 */
export const OcrErrorCode = {
  /** setconfig holds no Baidu token yet (refresh_tokens has not stored one). */
  TOKEN_UNAVAILABLE: -4001,
  /** The stored token is expired, or Baidu rejected it (error_code 110/111). */
  TOKEN_REJECTED: -4002,
  /** Baidu failed or could not be reached; Baidu's error_code (or ours) is in `data`. */
  THIRD_PARTY_FAILED: -3002,
} as const;
