import { replyOf } from './reply';
import { FIELD_LABELS, isUserField, type UserField } from './user-form';

/** The four things a user can be told after tapping "submit". */
export type OutcomeKind = 'added' | 'exists' | 'invalid' | 'down';

export interface Outcome {
  readonly kind: OutcomeKind;
  readonly text: string;
  /** The field users_add refused, for 'invalid'. */
  readonly field?: UserField;
}

/** users_add's codes (cloudfunctions/users_add), as they come back inside api's `data`. */
export const USER_EXISTS = -2001;
export const INVALID_INPUT = -1001;

/**
 * What `api` answered, for the user. api answers `{errcode: 0, data: <users_add's reply>}` when it
 * reached A, so users_add's verdict is one level down; anything else (api's own -3001 when A
 * could not be reached, -1002..-1004, -9998, a malformed answer) means the service is down.
 */
export function registerOutcome(result: unknown, name: string): Outcome {
  const api = replyOf(result);
  if (!api || api.errcode !== 0) return serviceDown(api?.errcode);
  const reply = replyOf(api.data);
  if (!reply) return serviceDown(undefined);
  if (reply.errcode === 0) return { kind: 'added', text: `已添加：${name}` };
  if (reply.errcode === USER_EXISTS) return { kind: 'exists', text: '你已经登记过了，无需重复登记' };
  if (reply.errcode === INVALID_INPUT) {
    const data = typeof reply.data === 'object' && reply.data !== null ? (reply.data as { field?: unknown; reason?: unknown }) : {};
    if (isUserField(data.field)) {
      const reason = typeof data.reason === 'string' ? data.reason : '';
      return { kind: 'invalid', field: data.field, text: `${FIELD_LABELS[data.field]}有误${reason ? `：${reason}` : ''}` };
    }
    return { kind: 'invalid', text: `填写有误：${reply.errmsg}` };
  }
  return serviceDown(reply.errcode);
}

/** The call never got an answer (no network, the function failed to run). */
export function transportFailure(): Outcome {
  return { kind: 'down', text: '网络异常，服务暂时不可用，请稍后再试' };
}

function serviceDown(errcode: number | undefined): Outcome {
  const code = errcode === undefined ? '' : `（错误码 ${errcode}）`;
  return { kind: 'down', text: `服务暂时不可用，请稍后再试${code}` };
}
