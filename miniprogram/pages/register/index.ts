import { callCloudFunction } from '../../utils/cloud';
import { registerOutcome, transportFailure, type Outcome } from '../../utils/register-outcome';
import { checkForm, emptyForm, isUserField, SEX_OPTIONS, type FieldErrors, type UserForm } from '../../utils/user-form';
import { readOwnRegistration, recordRegistration, type OwnRegistration } from '../../utils/registrations';

interface RegisterData {
  form: UserForm;
  errors: FieldErrors;
  sexOptions: typeof SEX_OPTIONS;
  submitting: boolean;
  outcome: Outcome | null;
  /** The user's own earlier registration, read from B's database directly; null when there is none. */
  previous: OwnRegistration | null;
  /** Whether that read has finished (found or not). */
  previousRead: boolean;
}

const initialData: RegisterData = {
  form: emptyForm(),
  errors: {},
  sexOptions: SEX_OPTIONS,
  submitting: false,
  outcome: null,
  previous: null,
  previousRead: false,
};

// A page built with Component(): WeChat supports it for pages, and miniprogram-simulate tests it.
Component({
  data: initialData,
  lifetimes: {
    attached() {
      void readOwnRegistration().then((previous) => {
        this.setData({ previousRead: true, ...(previous ? { previous } : {}) });
      });
    },
  },
  methods: {
    onInput(event: WechatMiniprogram.Input) {
      const field: unknown = event.currentTarget.dataset.field;
      if (!isUserField(field)) return;
      this.setData({ [`form.${field}`]: event.detail.value, [`errors.${field}`]: '' });
    },

    onSexChange(event: WechatMiniprogram.RadioGroupChange) {
      this.setData({ 'form.sex': event.detail.value, 'errors.sex': '' });
    },

    /** Checks the form, then registers through B's `api` (→ A's users_add) as this user. */
    async submit() {
      if (this.data.submitting) return;
      const check = checkForm(this.data.form);
      if (!check.ok) {
        this.setData({ errors: check.errors, outcome: null });
        return;
      }
      this.setData({ submitting: true, errors: {}, outcome: null });
      const call = await callCloudFunction('api', { func: 'users_add', data: { ...check.user } });
      const outcome = call.ok ? registerOutcome(call.result, check.user.name) : transportFailure();
      if (!call.ok) console.warn(`register: api call failed: ${call.errMsg}`);
      if (outcome.kind === 'added') await recordRegistration(check.user.name);
      this.setData({
        submitting: false,
        outcome,
        errors: outcome.field ? { [outcome.field]: outcome.text } : {},
        ...(outcome.kind === 'added' ? { form: emptyForm(), previous: { name: check.user.name } } : {}),
      });
    },
  },
});
