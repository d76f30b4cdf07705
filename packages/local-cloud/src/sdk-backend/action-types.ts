import type { EmulatorRequest } from '../http/router';
import type { LocalDatabase } from './local-database';
import type { PlainObject } from './documents';

/** What an action handler gets: the request's parameters, already checked to name a known env. */
export interface ActionContext {
  readonly action: string;
  readonly envId: string;
  /** The JSON body: `action`, the action's own parameters, and the SDK's envName/token fields. */
  readonly params: Readonly<PlainObject>;
  readonly request: EmulatorRequest;
  readonly database: LocalDatabase;
  /** The backend clock's time for this request (server dates). */
  readonly now: number;
}

/** Fields of the success answer besides `requestId`: usually `{data}`, `{transactionId}` for startTransaction. */
export type ActionReply = PlainObject;

export type ActionHandler = (context: ActionContext) => ActionReply | Promise<ActionReply>;
