import cloud from 'wx-server-sdk';
import { ErrorCode, handler, isDuplicateKey, ok, ReplyError, totalOf, withCollection } from '@wxhub/function-kit';
import { registeringCaller, type WXContextFields } from './caller';
import { parseNewUser, type NewUser } from './user';
import { userDocumentId } from './user-id';

// The typings declare `env` as a string, but the SDK documents the symbol for "this function's env".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

const USERS = 'users';

/**
 * Adds a user of mini program A. The caller is A's own page (OPENID from the context, which wins
 * over anything in the event), another mini program through cross-account sharing (FROM_OPENID),
 * or B's `api` through WeChat's invokecloudfunction, which carries no user and passes the user's
 * openid in the event. See caller.ts for the order.
 */
export const main = handler<Record<string, unknown>>(async (event) => {
  const caller = registeringCaller(cloud.getWXContext() as WXContextFields, event, process.env.USERS_HTTP_SOURCE_APPID);
  const { via: _via, ...identity } = caller;
  void _via;
  const { unionid: _sent, ...fields } = event;
  void _sent;
  const user = parseNewUser({ ...fields, ...identity });
  const _id = userDocumentId(user);
  await insertOnce(_id, user);
  return ok({ _id, ...user });
});

/**
 * The document id is derived from the person (unionid when known, else app and openid), so the
 * database itself refuses a second user even when two calls race; the look-up first catches
 * users stored by older code under other ids (`_id` = openid, or random ids).
 */
async function insertOnce(_id: string, user: NewUser): Promise<void> {
  const db = cloud.database();
  const users = db.collection(USERS);
  try {
    await withCollection(db, USERS, async () => {
      if (totalOf(await users.where({ openid: user.openid }).count()) > 0) throw exists();
      if (user.unionid && totalOf(await users.where({ unionid: user.unionid }).count()) > 0) throw exists();
      await users.add({ data: { _id, ...user, created_at: db.serverDate() } });
    });
  } catch (error) {
    if (error instanceof ReplyError) throw error;
    if (isDuplicateKey(error)) throw exists();
    console.error('users_add: database failure', error);
    throw new ReplyError(ErrorCode.DATABASE, 'database error, please try again later');
  }
}

function exists(): ReplyError {
  return new ReplyError(ErrorCode.USER_EXISTS, 'user already exists');
}
