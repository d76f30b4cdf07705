import { createHash } from 'node:crypto';
import type { AppConfig } from '../config';

/** How one person appears to one mini program: an openid of that app, and a unionid when WeChat links apps. */
export interface AppUser {
  readonly openid: string;
  readonly unionid?: string;
}

/**
 * The identity WeChat gives `person` in `app`, as WeChat does it: an openid per app (the same
 * person has different openids in A and B), and one unionid per person across every app bound to
 * the same open-platform account (`openPlatform`), none for an app bound to none. Derived by
 * hashing, so the same person gets the same ids in every run and on every instance.
 */
export function appUser(app: Pick<AppConfig, 'appid' | 'openPlatform'>, person: string): AppUser {
  if (!person) throw new Error('appUser: person is empty');
  const openid = `o${digest(`openid\n${app.appid}\n${person}`)}`;
  return app.openPlatform ? { openid, unionid: `u${digest(`unionid\n${app.openPlatform}\n${person}`)}` } : { openid };
}

/** 27 URL-safe characters, the length of WeChat's openids after their first letter. */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 27);
}
