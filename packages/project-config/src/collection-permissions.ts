import type { ProjectConfig } from './project-config';

/**
 * The four simple permission modes of a collection or of storage, by CloudBase's API names:
 * READONLY = all users read, the creator writes; PRIVATE = creator only; ADMINWRITE = all users
 * read, only functions write; ADMINONLY = pages can do nothing (functions can do everything).
 */
export const PERMISSION_MODES = ['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** What the console calls each mode (WeChat's words), to say what to set there. */
export const PERMISSION_MODE_LABELS: Readonly<Record<PermissionMode, string>> = {
  READONLY: '所有用户可读，仅创建者可读写 (all users read, creator writes)',
  PRIVATE: '仅创建者可读写 (creator only)',
  ADMINWRITE: '所有用户可读 (all users read, admin writes)',
  ADMINONLY: '所有用户不可读写 (admin only)',
};

/** A collection's (or storage's) setting as written in the configuration: a mode, or custom security rules. */
export type PermissionSettingInput = PermissionMode | Readonly<Record<string, boolean | string>>;

/** What an environment's permissions are set to (what the console shows), per app. */
export interface AppPermissionSettings {
  /** Collection name → its setting; a collection not listed has WeChat's default for new collections (PRIVATE). */
  readonly database: Readonly<Record<string, PermissionSettingInput>>;
  /** The storage bucket's setting; WeChat's default is READONLY. */
  readonly storage?: PermissionSettingInput;
}

/** One of wxhub's own collections (or one a page of ours reads), with the permission it must have in the console. */
export interface RequiredPermission {
  readonly app: string;
  readonly envId: string;
  readonly collection: string;
  readonly mode: PermissionMode;
  /** What it holds, and so why. */
  readonly holds: string;
  /** The functions that use it. */
  readonly usedBy: readonly string[];
}

interface ProductCollection {
  /** The function whose app's environment holds the collection. */
  readonly function: string;
  /** Who uses it, when not that function (a page). */
  readonly user?: string;
  /** The function's variable that renames the collection, if any. */
  readonly variable?: string;
  readonly name: string;
  readonly mode: PermissionMode;
  readonly holds: string;
}

/**
 * wxhub's own collections. No page of ours reads any of them directly (pages go through
 * functions), and two hold secrets: with "all users read", any user of B could read A's access
 * token or the Baidu token from a page. So every one is admin only.
 */
const PRODUCT_COLLECTIONS: readonly ProductCollection[] = [
  { function: 'api', variable: 'TOKEN_COLLECTION', name: 'token', mode: 'ADMINONLY', holds: "A's access token (the token cache's shared store)" },
  { function: 'refresh_tokens', variable: 'SETCONFIG_COLLECTION', name: 'setconfig', mode: 'ADMINONLY', holds: 'third-party tokens (Baidu AI)' },
  { function: 'token_status', variable: 'SETCONFIG_COLLECTION', name: 'setconfig', mode: 'ADMINONLY', holds: 'third-party tokens (Baidu AI)' },
  { function: 'ocr', variable: 'SETCONFIG_COLLECTION', name: 'setconfig', mode: 'ADMINONLY', holds: 'third-party tokens (Baidu AI)' },
  { function: 'users_add', name: 'users', mode: 'ADMINONLY', holds: "A's registered users (name, phone number); pages reach them only through users_add" },
  { function: 'push_reply', name: 'push_dedupe', mode: 'ADMINONLY', holds: 'ids of message pushes already answered' },
  // Read and written by B's register page itself (wx.cloud.database()): each user sees only his own record.
  {
    function: 'api',
    name: 'registrations',
    mode: 'PRIVATE',
    holds: "each user's own registration record, which B's register page reads and adds directly",
    user: 'miniprogram/pages/register',
  },
];

/** The permissions wxhub's own collections need in each environment the configured functions are deployed to. */
export function requiredPermissions(config: ProjectConfig): RequiredPermission[] {
  const byKey = new Map<string, { required: Omit<RequiredPermission, 'usedBy'>; usedBy: string[] }>();
  for (const product of PRODUCT_COLLECTIONS) {
    const fn = config.functions[product.function];
    const app = fn && config.apps[fn.app];
    if (!fn || !app) continue;
    const collection = (product.variable && fn.env[product.variable]) || product.name;
    const key = `${app.envId}/${collection}`;
    const entry = byKey.get(key) ?? { required: { app: app.name, envId: app.envId, collection, mode: product.mode, holds: product.holds }, usedBy: [] };
    entry.usedBy.push(product.user ?? product.function);
    byKey.set(key, entry);
  }
  return [...byKey.values()].map(({ required, usedBy }) => ({ ...required, usedBy }));
}

/** One collection whose permission must be set by hand in the console. */
export interface PermissionStep extends RequiredPermission {
  /** What the configuration says the environment is set to (`apps.<app>.permissions.database`), if anything. */
  readonly configured: PermissionSettingInput | undefined;
}

export interface PermissionsPlan {
  readonly steps: readonly PermissionStep[];
  /** Configured settings that differ from the required ones: a deploy refuses to go on. */
  readonly problems: readonly string[];
}

/**
 * What to set in the console for wxhub's own collections in `app`'s environment. miniprogram-ci
 * (and the devtools CLI) cannot set permissions, so the deploy's dry run lists them; and when the project
 * configuration records a different setting (what the environment is set to, the same the local
 * cloud runs with), that is a problem: e.g. `token` with "all users read" lets any user of B read
 * A's access token from a page.
 */
export function planPermissions(config: ProjectConfig, app: string): PermissionsPlan {
  const settings = config.apps[app]?.permissions?.database ?? {};
  const steps = requiredPermissions(config)
    .filter((required) => required.app === app)
    .map((required) => ({ ...required, configured: settings[required.collection] }));
  const problems = steps.filter((step) => step.configured !== undefined && !permissionMatches(step.configured, step.mode)).map(describeMismatch);
  return { steps, problems };
}

/** The same rule as the local cloud's strict mode: the mode itself, or (for ADMINONLY) rules that allow nothing. */
export function permissionMatches(setting: PermissionSettingInput, mode: RequiredPermission['mode']): boolean {
  if (typeof setting === 'string') return setting === mode;
  return mode === 'ADMINONLY' && Object.values(setting).every((rule) => rule === false);
}

function describeMismatch(step: PermissionStep): string {
  return (
    `permission of collection ${step.collection} (${step.app}, ${step.envId}): the configuration sets ${JSON.stringify(step.configured)}, ` +
    `but it must be ${step.mode} — ${PERMISSION_MODE_LABELS[step.mode]} — because it holds ${step.holds}`
  );
}
