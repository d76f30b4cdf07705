export { ErrorCode, fail, ok, ReplyError, type Failure, type Reply, type Success } from './reply';
export { handler, toReply, type FunctionContext, type Main } from './handler';
export { databaseErrorCode, isDuplicateKey, isMissingCollection } from './database-errors';
export { rowsOf, totalOf } from './sdk-results';
export { readOrEmpty, withCollection, type CollectionCreator } from './collections';
