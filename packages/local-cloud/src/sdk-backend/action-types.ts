import type { EmulatorRequest } from '../http/router';
import type { LocalDatabase } from './local-database';
import type { PlainObject } from './documents';
import type { CrossAccountCaller } from './sdk-env';

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
  /** Set when the request came from another mini program through cross-account sharing (crossAuthorizationToken). */
  readonly crossAccount?: CrossAccountCaller;
}

/**
 * Checks a request's cross-account credential (`crossAuthorizationToken`) against the sharing
 * grants: the caller it stands for, undefined when the request carries none; throws a
 * CloudBackendError when the credential is unknown or does not cover the env and action.
 */
export type CrossAccountCheck = (request: {
  readonly action: string;
  readonly envId: string;
  readonly params: Readonly<PlainObject>;
}) => CrossAccountCaller | undefined;

/** Fields of the success answer besides `requestId`: usually `{data}`, `{transactionId}` for startTransaction. */
export type ActionReply = PlainObject;

export type ActionHandler = (context: ActionContext) => ActionReply | Promise<ActionReply>;
