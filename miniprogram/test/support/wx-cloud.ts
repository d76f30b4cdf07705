/**
 * `wx.cloud` for page tests, answered by the local cloud through its client-call endpoint
 * (`POST /client/callFunction` with the user's openid), which runs the function as WeChat's
 * client would have it run: caller identity, `userInfo` in the event, the client SDK's
 * answer and failure shapes. `wx.cloud.database()` is the client SDK family's query builder
 * (@cloudbase/database) sending to the local cloud's client database endpoint as the same user,
 * where the collections' permissions apply; `wx.cloud.uploadFile / downloadFile / getTempFileURL /
 * deleteFile` go to the client storage endpoint, under the bucket's permission. This is the ONE
 * place that knows how a page's call travels.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callFunction, CallFunctionError, ClientCallApi, type LocalCloud, type ProjectCloud } from '@wxhub/local-cloud';
import { mountClientDatabase, mountClientStorage, PageDatabase, PageStorage } from '@wxhub/local-cloud/testing';

export interface CloudInitOptions {
  readonly env?: string | { readonly functions?: string; readonly database?: string; readonly storage?: string };
  readonly traceUser?: boolean;
}

export interface CallFunctionOptions {
  readonly name: string;
  readonly data?: Record<string, unknown>;
  /** A per-call environment, as `wx.cloud.callFunction({config: {env}})` takes. */
  readonly config?: { readonly env?: string };
  readonly success?: (result: CallFunctionResult) => void;
  readonly fail?: (error: CallFunctionFailure) => void;
  readonly complete?: (outcome: CallFunctionResult | CallFunctionFailure) => void;
}

export interface CallFunctionResult {
  readonly result: unknown;
  readonly errMsg: 'cloud.callFunction:ok';
  readonly requestID: string;
}

/** What `wx.cloud.callFunction` rejects with: WeChat's `errCode` and `errMsg`. */
export class CallFunctionFailure extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
  ) {
    super(errMsg);
    this.name = 'CallFunctionFailure';
  }
}

/** One `wx.cloud.callFunction` a page made. */
export interface ClientCall {
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly envId: string | undefined;
  readonly openid: string;
  /** What the page got: the result, or the failure it was rejected with. */
  readonly done: Promise<CallFunctionResult | CallFunctionFailure>;
}

/** The mini program the pages belong to, on a running local cloud that serves pages' requests. */
export interface WxCloudTarget {
  readonly cloud: LocalCloud;
  /** The mini program's appid. */
  readonly appid: string;
  /** The environments it may call (its own, and those it was given). */
  readonly envIds: readonly string[];
  /**
   * Set-up the platform does before the first call of function `name` is delivered (e.g. starting
   * the instances that call reaches, as provisioned concurrency): a test without such a call does
   * not pay for it.
   */
  readonly beforeFirstCall?: (name: string) => Promise<unknown>;
}

export interface WxCloudOptions {
  /** The app of the project configuration the mini program is (its appid and environments). */
  readonly app: string;
  /** The user: what getWXContext().OPENID says inside the function. */
  readonly openid: string;
  /** See WxCloudTarget.beforeFirstCall. */
  readonly beforeFirstCall?: (name: string) => Promise<unknown>;
}

export class LocalWxCloud {
  readonly calls: ClientCall[] = [];
  initOptions: CloudInitOptions | undefined;
  /** The user the next calls are made as. */
  openid: string;
  private readonly cloud: LocalCloud;
  private readonly appid: string;
  private readonly envIds: ReadonlySet<string>;
  private gate: Promise<void> | undefined;
  private transportFailure: string | undefined;
  private readonly callWaiters: Array<(call: ClientCall) => void> = [];
  private readonly beforeFirstCall: ((name: string) => Promise<unknown>) | undefined;
  private readonly setUp = new Map<string, Promise<unknown>>();

  /**
   * The pages of an app of this repository's project: the client endpoints are mounted on its
   * local cloud (a `wxhub dev` server has them already; use the constructor there).
   */
  static forProject(project: ProjectCloud, options: WxCloudOptions): LocalWxCloud {
    const app = project.config.apps[options.app];
    if (!app) throw new Error(`the project configuration has no app ${options.app}`);
    project.cloud.mount(new ClientCallApi({ apps: project.cloud.apps, runtime: project.cloud.functions }).service);
    mountClientDatabase(project.cloud);
    mountClientStorage(project.cloud);
    const target: WxCloudTarget = { cloud: project.cloud, appid: app.appid, envIds: [app.envId], beforeFirstCall: options.beforeFirstCall };
    return new LocalWxCloud(target, options.openid);
  }

  constructor(target: WxCloudTarget, openid: string) {
    this.cloud = target.cloud;
    this.appid = target.appid;
    this.envIds = new Set(target.envIds);
    this.openid = openid;
    this.beforeFirstCall = target.beforeFirstCall;
  }

  /** Puts this client at `wx.cloud`. */
  install(wx: Record<string, unknown>): void {
    wx.cloud = {
      init: (options?: CloudInitOptions) => {
        this.initOptions = options ?? {};
      },
      callFunction: (options: CallFunctionOptions) => this.callFunction(options),
      database: (options?: { env?: string }) => this.database(options),
      uploadFile: (options: { cloudPath: string; filePath: string }) =>
        this.storage().uploadFile({ cloudPath: options.cloudPath, content: readFileSync(options.filePath) }),
      downloadFile: async (options: { fileID: string }) => {
        const { content, statusCode } = await this.storage().downloadFile(options);
        // A page gets a temporary file holding the bytes, as on a device.
        const tempFilePath = join(mkdtempSync(join(tmpdir(), 'wx-download-')), 'file');
        writeFileSync(tempFilePath, content);
        return { tempFilePath, statusCode, errMsg: 'cloud.downloadFile:ok' };
      },
      getTempFileURL: (options: { fileList: Array<string | { fileID: string; maxAge?: number }> }) => this.storage().getTempFileURL(options),
      deleteFile: (options: { fileList: string[] }) => this.storage().deleteFile(options),
    };
  }

  /** The page's storage calls: as this client's current user, in the environment init chose for storage. */
  storage(): PageStorage {
    const init = this.initOptions?.env;
    const env = typeof init === 'string' ? init : init?.storage;
    return new PageStorage({ url: this.cloud.url, appid: this.appid, ...(env ? { env } : {}), openid: () => this.openid });
  }

  /** `wx.cloud.database()`: as this client's current user, in the environment init chose (or `options.env`). */
  database(options: { env?: string } = {}): PageDatabase {
    const init = this.initOptions?.env;
    const env = options.env ?? (typeof init === 'string' ? init : init?.database);
    return new PageDatabase({ url: this.cloud.url, appid: this.appid, ...(env ? { env } : {}), openid: () => this.openid });
  }

  /** Calls made from now on wait until the returned function is called (to see a page mid-call). */
  hold(): () => void {
    let release = (): void => undefined;
    this.gate = new Promise<void>((resolve) => {
      release = () => {
        this.gate = undefined;
        resolve();
      };
    });
    return release;
  }

  /** The next call fails before reaching the cloud, as with no network. */
  failNextCall(errMsg = 'cloud.callFunction:fail request:fail network unreachable'): void {
    this.transportFailure = errMsg;
  }

  /** Resolves with the next call a page makes. */
  nextCall(): Promise<ClientCall> {
    return new Promise((resolve) => this.callWaiters.push(resolve));
  }

  private callFunction(options: CallFunctionOptions): Promise<CallFunctionResult> | void {
    const data = { ...(options.data ?? {}) };
    const envId = options.config?.env ?? this.functionsEnv();
    const done = this.deliver(options.name, data, envId);
    const call: ClientCall = { name: options.name, data, envId, openid: this.openid, done: done.catch((error: unknown) => toFailure(error)) };
    this.calls.push(call);
    for (const waiter of this.callWaiters.splice(0)) waiter(call);
    if (!options.success && !options.fail && !options.complete) return done;
    done.then(
      (result) => {
        options.success?.(result);
        options.complete?.(result);
      },
      (error: unknown) => {
        const failure = toFailure(error);
        options.fail?.(failure);
        options.complete?.(failure);
      },
    );
    return undefined;
  }

  private functionsEnv(): string | undefined {
    const env = this.initOptions?.env;
    return typeof env === 'string' ? env : env?.functions;
  }

  private async deliver(name: string, data: Record<string, unknown>, envId: string | undefined): Promise<CallFunctionResult> {
    const openid = this.openid;
    if (this.gate) await this.gate;
    if (this.transportFailure !== undefined) {
      const errMsg = this.transportFailure;
      this.transportFailure = undefined;
      throw new CallFunctionFailure(-1, errMsg);
    }
    if (this.initOptions === undefined) throw new CallFunctionFailure(-1, 'cloud.callFunction:fail wx.cloud.init has not been called');
    if (envId === undefined || !this.envIds.has(envId)) {
      throw new CallFunctionFailure(-404011, `cloud.callFunction:fail env ${String(envId)} is not an environment of ${this.appid}`);
    }
    if (this.beforeFirstCall) {
      if (!this.setUp.has(name)) this.setUp.set(name, this.beforeFirstCall(name));
      await this.setUp.get(name);
    }
    try {
      const { result, requestID } = await callFunction(this.cloud.url, { appid: this.appid, env: envId, name, data, openid });
      return { result, errMsg: 'cloud.callFunction:ok', requestID };
    } catch (error) {
      if (error instanceof CallFunctionError) throw new CallFunctionFailure(error.errCode, error.errMsg);
      throw error;
    }
  }
}

function toFailure(error: unknown): CallFunctionFailure {
  return error instanceof CallFunctionFailure ? error : new CallFunctionFailure(-1, `cloud.callFunction:fail ${String(error)}`);
}
