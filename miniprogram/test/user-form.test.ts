import fc from 'fast-check';
import { ReplyError } from '@wxhub/function-kit';
import { parseNewUser } from '@wxhub/fn-users_add/user';
import { checkForm, type UserForm } from '../utils/user-form';

const OPENID = 'oB_form_rules_01';
/** The calling mini program, which users_add takes from the caller context (not from the form). */
const APPID = 'wxb0000000000000b2';

/** users_add's verdict on what the page would send for `form`. */
function serverVerdict(form: UserForm): { ok: true; user: Record<string, unknown> } | { ok: false; field: string } {
  try {
    const {
      openid: _openid,
      app: _app,
      ...user
    } = parseNewUser({
      ...form,
      age: /^\d{1,3}$/.test(form.age.trim()) ? Number(form.age.trim()) : form.age,
      openid: OPENID,
      app: APPID,
    });
    return { ok: true, user };
  } catch (error) {
    if (error instanceof ReplyError) return { ok: false, field: String((error.data as { field?: unknown }).field) };
    throw error;
  }
}

const nameText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('李雷', '  韩梅梅 ', 'a\u200bb', '\t', 'x'.repeat(32), 'x'.repeat(33), '😀'.repeat(32), '😀'.repeat(33)),
);
const ageText = fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.constantFrom('', ' 18 ', '18.5', '1e1', '0', '150', '151', '007', 'abc'));
const sexText = fc.constantFrom('male', 'female', 'unknown', '', 'robot');
const telText = fc.oneof(
  fc.stringMatching(/^1[0-9]{10}$/),
  fc.constantFrom(
    '',
    '138 0013 8000',
    '+86 13800138000',
    '0086-138-0013-8000',
    '8613800138000',
    '12800138000',
    '1380013800',
    '138001380001',
    '+8613800138000x',
  ),
  fc.string({ maxLength: 14 }),
);

describe('the register form checks the same rules as users_add', () => {
  it('accepts exactly what users_add accepts, and sends the same normalised user', () => {
    fc.assert(
      fc.property(nameText, ageText, sexText, telText, (name, age, sex, tel) => {
        const form = { name, age, sex, tel };
        const client = checkForm(form);
        const server = serverVerdict(form);
        expect(client.ok).toBe(server.ok);
        if (client.ok && server.ok) expect({ ...client.user }).toEqual(server.user);
        // users_add names the first field it refuses; the page marks that one (among others).
        if (!client.ok && !server.ok) expect(Object.keys(client.errors)).toContain(server.field);
      }),
      { numRuns: 2000 },
    );
  });

  it('marks every wrong field at once', () => {
    const check = checkForm({ name: '', age: 'x', sex: '', tel: '1' });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(Object.keys(check.errors).sort()).toEqual(['age', 'name', 'sex', 'tel']);
  });
});
