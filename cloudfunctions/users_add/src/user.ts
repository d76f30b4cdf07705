import { ErrorCode, ReplyError } from '@wxhub/function-kit';

export type Sex = 'male' | 'female' | 'unknown';

/** A user as stored in A's `users` collection (plus `created_at`, set by the server). */
export interface NewUser {
  readonly name: string;
  readonly age: number;
  readonly sex: Sex;
  /** Mainland mobile number, 11 digits, no country code. */
  readonly tel: string;
  readonly openid: string;
  /** The mini program the user registered from (its appid). */
  readonly app: string;
  /** The person across the apps of one open-platform account, when WeChat gave it. */
  readonly unionid?: string;
}

export const LIMITS = { nameMaxLength: 32, ageMin: 0, ageMax: 150 } as const;

// WeChat's userInfo.gender uses 0/1/2; pages also send words. All map to one stored form.
const SEX_ALIASES: Readonly<Record<string, Sex>> = {
  male: 'male',
  female: 'female',
  unknown: 'unknown',
  '1': 'male',
  '2': 'female',
  '0': 'unknown',
  男: 'male',
  女: 'female',
  未知: 'unknown',
};

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;
// Control characters and zero-width characters make a name look empty or different from what it is.
const INVISIBLE = /[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202f\ufeff]/;

const APPID = /^wx[0-9a-f]{16}$/;
const UNIONID = /^[A-Za-z0-9_-]{6,64}$/;

function invalid(field: keyof NewUser, reason: string): never {
  throw new ReplyError(ErrorCode.INVALID_INPUT, `invalid ${field}: ${reason}`, { field, reason });
}

/** Checks and normalises an add-user request; throws a -1001 ReplyError naming the field. */
export function parseNewUser(input: Record<string, unknown>): NewUser {
  return {
    name: parseName(input.name),
    age: parseAge(input.age),
    sex: parseSex(input.sex),
    tel: parseTel(input.tel),
    openid: parseOpenid(input.openid),
    app: parseApp(input.app),
    ...(input.unionid === undefined ? {} : { unionid: parseUnionid(input.unionid) }),
  };
}

function parseApp(value: unknown): string {
  if (typeof value !== 'string' || !APPID.test(value)) return invalid('app', 'is missing or not an appid: the caller context names no mini program');
  return value;
}

function parseUnionid(value: unknown): string {
  if (typeof value !== 'string' || !UNIONID.test(value)) return invalid('unionid', 'is malformed');
  return value;
}

function parseName(value: unknown): string {
  if (typeof value !== 'string') return invalid('name', 'is required and must be a string');
  const name = value.trim();
  const length = [...name].length;
  if (length === 0) return invalid('name', 'must not be empty');
  if (length > LIMITS.nameMaxLength) return invalid('name', `must be at most ${LIMITS.nameMaxLength} characters (got ${length})`);
  if (INVISIBLE.test(name)) return invalid('name', 'must not contain control or invisible characters');
  return name;
}

function parseAge(value: unknown): number {
  // Form inputs arrive as strings; accept "18" but not "18.5", "", or "1e1".
  const age = typeof value === 'string' && /^\d{1,3}$/.test(value.trim()) ? Number(value) : value;
  if (typeof age !== 'number' || !Number.isInteger(age)) return invalid('age', 'is required and must be a whole number');
  if (age < LIMITS.ageMin || age > LIMITS.ageMax) return invalid('age', `must be from ${LIMITS.ageMin} to ${LIMITS.ageMax} (got ${age})`);
  return age;
}

function parseSex(value: unknown): Sex {
  const key = typeof value === 'number' || typeof value === 'string' ? String(value).trim().toLowerCase() : undefined;
  const sex = key === undefined ? undefined : SEX_ALIASES[key];
  return sex ?? invalid('sex', "must be 'male', 'female' or 'unknown' (or 1, 2, 0)");
}

function parseTel(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return invalid('tel', 'is required');
  const digits = String(value)
    .replace(/[\s-]/g, '')
    .replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
  if (!MAINLAND_MOBILE.test(digits)) return invalid('tel', 'must be a mainland China mobile number: 11 digits starting with 13-19');
  return digits;
}

function parseOpenid(value: unknown): string {
  if (typeof value !== 'string' || value === '') return invalid('openid', 'is missing: the call must come from a mini program user or carry the caller openid');
  if (!OPENID.test(value)) return invalid('openid', 'is malformed');
  return value;
}
