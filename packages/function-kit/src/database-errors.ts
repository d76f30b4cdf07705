/**
 * How a function tells wx-server-sdk's database errors apart: the one table in @wxhub/core
 * (numbers and words of WeChat's cloud), re-exported where functions look for it.
 */
export { databaseErrorCode, isDuplicateKey, isMissingCollection } from '@wxhub/core';
