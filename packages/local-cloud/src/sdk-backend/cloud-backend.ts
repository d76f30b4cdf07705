import type { Clock } from '@wxhub/core';
import type { EmulatorReply, EmulatorRequest, Service } from '../http/router';
import type { ActionContext, ActionHandler, CrossAccountCheck } from './action-types';
import { BackendCode, CloudBackendError } from './backend-error';
import { LocalDatabase } from './local-database';
import { DATABASE_ACTIONS } from './database-actions';
import { memoryStoreFactory, type DatabaseStoreFactory } from './document-store';
import { isPlainObject, newRequestId, type PlainObject } from './documents';
import { formParams, MultipartError, multipartBoundary, parseMultipart } from '../http/multipart';

/** A handler that writes the whole HTTP answer itself: wx.openApi answers binary protobuf, not JSON. */
export type RawActionHandler = (context: ActionContext) => EmulatorReply | Promise<EmulatorReply>;

export interface CloudBackendOptions {
  readonly envIds: readonly string[];
  readonly clock: Clock;
  /** Storage engine per environment; in-memory by default. */
  readonly storeFactory?: DatabaseStoreFactory;
}

/**
 * The backend the real wx-server-sdk talks to: every SDK call is a POST of a JSON body
 * `{action, ...params, envName, ...}` to the URL in TCB_CONTEXT_CNFG plus `?env=<id>&seqId=<n>`.
 * It answers HTTP 200 with `{requestId, data}` (or `{requestId, transactionId}`) on success and
 * `{requestId, code, message}` on refusal. One database per environment id. Some actions
 * (wx.openApi) come as multipart/form-data instead: text fields become string parameters,
 * binary ones Buffers.
 *
 * Other parts of the local cloud (functions, storage) add their actions with `registerAction`.
 */
export class CloudBackend {
  static readonly PREFIX = '/sdk-backend';

  readonly service: Service;
  private readonly databases = new Map<string, LocalDatabase>();
  private readonly actions = new Map<string, ActionHandler>(Object.entries(DATABASE_ACTIONS));
  private readonly rawActions = new Map<string, RawActionHandler>();
  private readonly clock: Clock;
  private crossAccountCheck: CrossAccountCheck | undefined;

  constructor(options: CloudBackendOptions) {
    this.clock = options.clock;
    const factory = options.storeFactory ?? memoryStoreFactory;
    for (const envId of options.envIds) {
      if (!envId) throw new Error('CloudBackend: an environment id must not be empty');
      if (!this.databases.has(envId)) this.databases.set(envId, new LocalDatabase(envId, factory(envId), undefined, () => this.clock.now()));
    }
    this.service = {
      prefix: CloudBackend.PREFIX,
      routes: [{ method: 'POST', path: '', handler: (request) => this.handle(request) }],
    };
  }

  get envIds(): string[] {
    return [...this.databases.keys()];
  }

  /** The database of one environment: the admin API for tests and tools. */
  database(envId: string): LocalDatabase {
    const database = this.databases.get(envId);
    if (!database) throw new Error(`the local cloud has no environment ${envId}`);
    return database;
  }

  registerAction(action: string, handler: ActionHandler): void {
    if (this.actions.has(action) || this.rawActions.has(action)) throw new Error(`CloudBackend: action ${action} is already handled`);
    this.actions.set(action, handler);
  }

  /** An action whose handler answers the HTTP request itself (status, headers, body). */
  registerRawAction(action: string, handler: RawActionHandler): void {
    if (this.actions.has(action) || this.rawActions.has(action)) throw new Error(`CloudBackend: action ${action} is already handled`);
    this.rawActions.set(action, handler);
  }

  /** The sharing part's check of cross-account credentials, mounted by the composition root. */
  useCrossAccountCheck(check: CrossAccountCheck): void {
    this.crossAccountCheck = check;
  }

  private async handle(request: EmulatorRequest): Promise<EmulatorReply> {
    const requestId = newRequestId();
    try {
      const params = parseParams(request);
      const action = params.action;
      if (typeof action !== 'string' || action.length === 0) {
        throw new CloudBackendError(BackendCode.INVALID_PARAM, 'action is missing');
      }
      const envId = this.resolveEnv(request.query.get('env') ?? (typeof params.envName === 'string' ? params.envName : ''));
      const crossAccount = this.crossAccountCheck?.({ action, envId, params });
      const context: ActionContext = {
        action,
        envId,
        params,
        request,
        database: this.database(envId),
        now: this.clock.now(),
        ...(crossAccount ? { crossAccount } : {}),
      };
      const raw = this.rawActions.get(action);
      if (raw) return await raw(context);
      return { body: { ...(await this.run(context)), requestId } };
    } catch (error) {
      if (error instanceof CloudBackendError) return { body: { requestId, code: error.code, message: error.message } };
      throw error;
    }
  }

  /**
   * Runs one JSON action with admin rights, as a function's SDK call would: what another part
   * of the local cloud (the pages' client endpoint, once it has checked permissions) calls.
   * Answers the body the SDK would get: `{requestId, data}` or `{requestId, code, message}`.
   */
  async perform(envId: string, action: string, params: Readonly<PlainObject>, request: EmulatorRequest): Promise<PlainObject> {
    const requestId = newRequestId();
    try {
      const context: ActionContext = { action, envId, params, request, database: this.database(this.resolveEnv(envId)), now: this.clock.now() };
      return { ...(await this.run(context)), requestId };
    } catch (error) {
      if (error instanceof CloudBackendError) return { requestId, code: error.code, message: error.message };
      throw error;
    }
  }

  private async run(context: ActionContext): Promise<PlainObject> {
    const handler = this.actions.get(context.action);
    if (!handler) throw new CloudBackendError(BackendCode.INVALID_ACTION, `action ${context.action} is not supported by the local cloud`);
    return handler(context);
  }

  /** An empty env means "the first environment created", as the real backend treats it. */
  private resolveEnv(requested: string): string {
    if (requested === '') {
      const first = this.databases.keys().next();
      if (!first.done) return first.value;
    }
    if (!this.databases.has(requested)) {
      throw new CloudBackendError(BackendCode.INVALID_ENV, `env ${requested || '(none)'} does not exist in the local cloud`);
    }
    return requested;
  }
}

function parseParams(request: EmulatorRequest): PlainObject {
  try {
    const boundary = multipartBoundary(request.headers['content-type']);
    if (boundary !== undefined) return formParams(parseMultipart(request.body, boundary));
  } catch (error) {
    if (error instanceof MultipartError)
      throw new CloudBackendError(BackendCode.INVALID_PARAM, `request body is not valid multipart/form-data: ${error.message}`);
    throw error;
  }
  return parseBody(request.body);
}

function parseBody(body: Buffer): PlainObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new CloudBackendError(BackendCode.INVALID_PARAM, 'request body is not JSON');
  }
  if (!isPlainObject(parsed)) throw new CloudBackendError(BackendCode.INVALID_PARAM, 'request body must be a JSON object');
  return parsed;
}
