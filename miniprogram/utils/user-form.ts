/**
 * The register form and the checks it runs before anything is sent: the same rules as A's
 * users_add (cloudfunctions/users_add/src/user.ts), so a user hears about a typo at once
 * instead of after a round trip. users_add checks again; it is the authority.
 */

export type Sex = 'male' | 'female' | 'unknown';
export type UserField = 'name' | 'age' | 'sex' | 'tel';

/** What the inputs hold: text, as typed. */
export interface UserForm {
  name: string;
  age: string;
  sex: string;
  tel: string;
}

/** What users_add receives. */
export interface NewUser {
  readonly name: string;
  readonly age: number;
  readonly sex: Sex;
  readonly tel: string;
}

export type FieldErrors = Partial<Record<UserField, string>>;

export type FormCheck = { readonly ok: true; readonly user: NewUser } | { readonly ok: false; readonly errors: FieldErrors };

export const FIELD_LABELS: Readonly<Record<UserField, string>> = { name: '姓名', age: '年龄', sex: '性别', tel: '手机号' };

export const SEX_OPTIONS: ReadonlyArray<{ readonly value: Sex; readonly label: string }> = [
  { value: 'male', label: '男' },
  { value: 'female', label: '女' },
  { value: 'unknown', label: '不透露' },
];

export const LIMITS = { nameMaxLength: 32, ageMin: 0, ageMax: 150 } as const;

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
// Control and zero-width characters make a name look empty or different from what it is.
const INVISIBLE = /[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202f\ufeff]/;
const SEXES: readonly string[] = SEX_OPTIONS.map((option) => option.value);

export function emptyForm(): UserForm {
  return { name: '', age: '', sex: '', tel: '' };
}

/** Every field's problem at once, so the page can mark them all. */
export function checkForm(form: UserForm): FormCheck {
  const errors: FieldErrors = {};
  const name = form.name.trim();
  const nameLength = Array.from(name).length;
  if (nameLength === 0) errors.name = '请填写姓名';
  else if (nameLength > LIMITS.nameMaxLength) errors.name = `姓名最多 ${LIMITS.nameMaxLength} 个字（现在 ${nameLength} 个）`;
  else if (INVISIBLE.test(name)) errors.name = '姓名不能包含控制字符或不可见字符';

  const ageText = form.age.trim();
  const age = Number(ageText);
  if (ageText === '') errors.age = '请填写年龄';
  else if (!/^\d{1,3}$/.test(ageText)) errors.age = '年龄须为整数';
  else if (age < LIMITS.ageMin || age > LIMITS.ageMax) errors.age = `年龄须在 ${LIMITS.ageMin} 到 ${LIMITS.ageMax} 之间`;

  if (!SEXES.includes(form.sex)) errors.sex = '请选择性别';

  const tel = normaliseMobile(form.tel);
  if (form.tel.trim() === '') errors.tel = '请填写手机号';
  else if (!MAINLAND_MOBILE.test(tel)) errors.tel = '手机号须为 11 位中国大陆手机号（1 开头，第二位 3-9）';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, user: { name, age, sex: form.sex as Sex, tel } };
}

/** Spaces, dashes and a +86 / 0086 / 86 country prefix are accepted, as users_add does. */
export function normaliseMobile(text: string): string {
  return text.replace(/[\s-]/g, '').replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
}

export function isUserField(value: unknown): value is UserField {
  return value === 'name' || value === 'age' || value === 'sex' || value === 'tel';
}
