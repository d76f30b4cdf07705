import type { NewUser } from './user';

/**
 * One document per person: `unionid:<unionid>` when WeChat links the person across the apps of
 * one open-platform account, else `<appid>:<openid>` (an openid means something only within its
 * app). Documents written before (`_id` = openid, no `app`) keep their ids; users_add's look-up
 * by openid still finds them.
 */
export function userDocumentId(user: Pick<NewUser, 'app' | 'openid' | 'unionid'>): string {
  return user.unionid ? `unionid:${user.unionid}` : `${user.app}:${user.openid}`;
}
