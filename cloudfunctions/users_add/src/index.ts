import cloud from 'wx-server-sdk';
import { ErrorCode, handler, isDuplicateKey, ok, ReplyError, totalOf, withCollection } from '@wxhub/function-kit';
import { parseNewUser, type NewUser } from './user';

// The typings declare `env` as a string, but the SDK documents the symbol for "this function's env".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

const USERS = 'users';

/**
 * Adds a user of mini program A. The caller is A's own mini program (OPENID from the
 * context, which wins over anything in the event) or B's `api` function through WeChat's
 * invokecloudfunction, which carries no OPENID and passes the user's openid in the event.
 */
export const main = handler<Record<string, unknown>>(async (event) => {
  const { OPENID } = cloud.getWXContext();
  const user = parseNewUser({ ...event, openid: OPENID || event.openid });
  await insertOnce(user);
  return ok({ _id: user.openid, ...user });
});

/**
 * The document id is the openid, so the database itself refuses a second user for the same
 * openid even when two calls race; the look-up first catches users stored by older code
 * under random ids.
 */
async function insertOnce(user: NewUser): Promise<void> {
  const db = cloud.database();
  const users = db.collection(USERS);
  try {
    await withCollection(db, USERS, async () => {
      if (totalOf(await users.where({ openid: user.openid }).count()) > 0) throw exists();
      await users.add({ data: { _id: user.openid, ...user, created_at: db.serverDate() } });
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
