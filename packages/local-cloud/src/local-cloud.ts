import type { Server } from 'node:http';
import { ConfigError, systemClock, type Clock } from '@wxhub/core';
import type { CollectionIndexSettings } from '@wxhub/project-config';
import { Router, type EmulatorRequest, type Service } from './http/router';
import { FaultPlan, type FaultEffect, type FaultTarget } from './faults/faults';
import { close, listen } from './http/server';
import { WECHAT_TOKEN_POLICY, type AppConfig, type BaiduClientConfig, type TokenPolicy } from './config';
import { WeChatEmulator } from './wechat/wechat-emulator';
import { LoginEmulator } from './wechat/login-emulator';
import { BaiduEmulator } from './baidu/baidu-emulator';
import { CloudBackend } from './sdk-backend/cloud-backend';
import { memoryStoreFactory, type DatabaseStore } from './sdk-backend/document-store';
import { sqliteStoreFactory } from './persistence/sqlite-store-factory';
import { registerFunctionActions } from './runtime/function-actions';
import { registerLegacyDatabaseActions } from './sdk-protocols/legacy-database';
import type { FunctionRuntimeOptions } from './runtime/function-runtime';
import { TcbHttpApi } from './tcb-http/tcb-http-api';
import { CloudStorage } from './storage/cloud-storage';
import { cosService } from './storage/cos-endpoints';
import type { BlobStoreFactory } from './storage/blob-store';
import { registerStorageActions } from './storage/storage-actions';
import { registerFileAuthorityAction } from './storage/file-authority';
import { ApiTokens } from './openapi/api-tokens';
import { registerOpenApiAction } from './openapi/openapi-action';
import { OpenApiService } from './openapi/openapi-service';
import { customSendService } from './openapi/custom-send-http';
import { TokenIssuingRuntime } from './openapi/token-issuing-runtime';
import { ResourceSharing, type ShareGrantInput } from './sharing/share-grants';
import { CrossAccountCredentials } from './sharing/cross-account-credentials';
import { crossAccountTokenApi, type CrossAccountTokenRequest } from './sharing/cross-account-token';
import { crossAccountGuard } from './sharing/cross-account-guard';
import { PagePermissions, type PagePermissionsOptions } from './permissions';

/**
 * A scripted failure of the cloud backend that wx-server-sdk calls (and of the storage URLs it
 * hands out): every call, or only one `action` (e.g. `database.getDocument`, `storage.getUploadMetadata`).
 */
export type BackendFault = Omit<FaultTarget, 'path' | 'when'> & {
  readonly action?: string;
  /** `''` (the default) is the backend itself; `/upload`, `/download` the storage URLs. */
  readonly path?: string;
} & FaultEffect;

export interface LocalCloudOptions {
  readonly apps: readonly AppConfig[];
  readonly baiduClients?: readonly BaiduClientConfig[];
  /**
   * Environments beyond the apps' own: env ids a WeChat project's code names
   * (`cloud.init({env: 'prod-1a2b'})`), each with its own database and storage.
   */
  readonly extraEnvIds?: readonly string[];
  /** Loopback port; 0 (the default) picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Host names (besides loopback ones and `host`) whose `Host` header is answered; see http/request-guard.ts. */
  readonly allowedHosts?: readonly string[];
  /** The emulator's notion of now (token expiry, server dates); tests pass a ManualClock. */
  readonly clock?: Clock;
  readonly tokenPolicy?: Partial<TokenPolicy>;
  /** How functions run (Node binary, time limits, instance counts). */
  readonly runtime?: Omit<FunctionRuntimeOptions, 'clock'>;
  /**
   * A folder where each environment's database and cloud files persist across restarts (one
   * SQLite file per environment, crash-safe). In memory when absent.
   */
  readonly dataDir?: string;
  /** Where each environment's cloud files live; in memory (or in `dataDir`) by default. */
  readonly blobStoreFactory?: BlobStoreFactory;
  /** Lifetime of temp URLs asked for without max_age, and of upload credentials (seconds). */
  readonly storage?: { readonly defaultMaxAgeSeconds?: number; readonly uploadTicketTtlSeconds?: number };
  /** Cross-account sharing (环境共享) grants at start: "A shares its env with B". */
  readonly sharing?: readonly ShareGrantInput[];
  /**
   * What pages may do in each environment (collections' modes or security rules, storage), and
   * wxhub's required settings with strict mode. By default every collection is PRIVATE and
   * storage READONLY, WeChat's defaults. Functions are never limited by it.
   */
  readonly permissions?: Omit<PagePermissionsOptions, 'envIds'>;
  /**
   * Per environment id: the indexes its collections have in WeChat's console (索引管理). Geo
   * queries that sort by distance need a 2dsphere index there, and here (collection-indexes.ts).
   */
  readonly indexes?: Readonly<Record<string, CollectionIndexSettings | undefined>>;
}

/**
 * WeChat's servers and the cloud environments of several mini programs, on one loopback port:
 * - WeChat's server API at `wechatApiBase` (`/cgi-bin/token`, `/cgi-bin/stable_token`, `/tcb/...`)
 * - Baidu's OAuth at `baiduApiBase` (`/oauth/2.0/token`)
 * - the backend the real `wx-server-sdk` talks to at `sdkBackendUrl` (what `TCB_CONTEXT_CNFG` points to):
 *   database, storage, callFunction between functions, cloud calls (openapi)
 * - the COS-like endpoints storage hands out (upload URLs, temp download URLs) under `/tcb-storage`
 */
export class LocalCloud {
  readonly wechat: WeChatEmulator;
  /** wx.login codes, jscode2session, encryptedData and phone-number codes. */
  readonly login: LoginEmulator;
  readonly baidu: BaiduEmulator;
  readonly backend: CloudBackend;
  /** The function runtime (it also tells of every invocation: `functions.onInvocation`). */
  readonly functions: TokenIssuingRuntime;
  /** Cloud files of every environment (admin API: read, write, list). */
  readonly storage: CloudStorage;
  /** Cloud calls made by functions (what was sent), and canned answers. */
  readonly openapi: OpenApiService;
  /** The WX_API_TOKENs of invocations in progress; `issue` one to run the SDK in-process as a function. */
  readonly apiTokens: ApiTokens;
  /** Faults of the backend the SDK talks to; see injectBackendFault. */
  readonly backendFaults: FaultPlan;
  /** Cross-account sharing grants (环境共享): who may use whose environment; changeable while running. */
  readonly sharing: ResourceSharing;
  /** Every getCrossAccountToken call (cloud.Cloud({resourceAppid, resourceEnv}).init()), oldest first. */
  readonly crossAccountTokenRequests: CrossAccountTokenRequest[];
  /** What pages may do (the client database and storage endpoints check it; functions are not limited). */
  readonly permissions: PagePermissions;
  private readonly databaseStores: ReadonlyMap<string, DatabaseStore>;
  private readonly closeStores: () => void;

  private constructor(
    readonly url: string,
    readonly clock: Clock,
    readonly apps: readonly AppConfig[],
    private readonly server: Server,
    private readonly router: Router,
    parts: {
      wechat: WeChatEmulator;
      login: LoginEmulator;
      baidu: BaiduEmulator;
      backend: CloudBackend;
      functions: TokenIssuingRuntime;
      storage: CloudStorage;
      openapi: OpenApiService;
      apiTokens: ApiTokens;
      databaseStores: ReadonlyMap<string, DatabaseStore>;
      closeStores: () => void;
      backendFaults: FaultPlan;
      sharing: ResourceSharing;
      crossAccountTokenRequests: CrossAccountTokenRequest[];
      permissions: PagePermissions;
    },
  ) {
    this.permissions = parts.permissions;
    this.wechat = parts.wechat;
    this.login = parts.login;
    this.baidu = parts.baidu;
    this.backend = parts.backend;
    this.functions = parts.functions;
    this.storage = parts.storage;
    this.openapi = parts.openapi;
    this.apiTokens = parts.apiTokens;
    this.databaseStores = parts.databaseStores;
    this.backendFaults = parts.backendFaults;
    this.closeStores = parts.closeStores;
    this.sharing = parts.sharing;
    this.crossAccountTokenRequests = parts.crossAccountTokenRequests;
  }

  static async start(options: LocalCloudOptions): Promise<LocalCloud> {
    const clock = options.clock ?? systemClock;
    const policy: TokenPolicy = { ...WECHAT_TOKEN_POLICY, ...options.tokenPolicy };
    const wechat = new WeChatEmulator({ apps: options.apps, clock, policy });
    const login = new LoginEmulator({ apps: options.apps, clock, wechat });
    const baidu = new BaiduEmulator({ clients: options.baiduClients ?? [], clock, policy });
    const envIds = [...new Set([...options.apps.map((app) => app.envId), ...(options.extraEnvIds ?? [])])];
    // First: a permission setting that cannot be used (a rule that does not parse, strict mode) stops the start.
    const permissions = new PagePermissions({ envIds, ...options.permissions });
    const persistence = options.dataDir === undefined ? undefined : sqliteStoreFactory({ dir: options.dataDir });
    const databaseStores = new Map<string, DatabaseStore>();
    const storeFactory = (envId: string): DatabaseStore => {
      const store = persistence ? persistence(envId) : memoryStoreFactory(envId);
      databaseStores.set(envId, store);
      return store;
    };
    const blobStoreFactory = options.blobStoreFactory ?? (persistence ? (envId: string) => persistence(envId).files() : undefined);
    const backend = new CloudBackend({ envIds, clock, storeFactory });
    for (const [envId, settings] of Object.entries(options.indexes ?? {})) {
      if (!settings) continue;
      if (!envIds.includes(envId)) throw new ConfigError(`indexes.${envId}`, 'names no environment of the local cloud');
      backend.database(envId).indexes.declare(settings);
    }
    const apiTokens = new ApiTokens();
    const functions = new TokenIssuingRuntime({ ...options.runtime, clock }, apiTokens);
    // Storage URLs point at this server, whose address is known once it listens.
    let publicUrl: string | undefined;
    const storage = new CloudStorage({
      envIds,
      clock,
      publicUrl: () => {
        if (publicUrl === undefined) throw new Error('the local cloud is not listening yet');
        return publicUrl;
      },
      ...(blobStoreFactory ? { blobStoreFactory } : {}),
      ...options.storage,
    });
    const openapi = new OpenApiService({ apps: options.apps, clock });
    registerStorageActions(backend, storage);
    registerFileAuthorityAction(backend, storage, permissions);
    registerLegacyDatabaseActions(backend);
    registerFunctionActions(backend, functions, { tokens: apiTokens });
    const sharing = new ResourceSharing(options.apps, options.sharing);
    const credentials = new CrossAccountCredentials(clock);
    const crossAccountTokenRequests: CrossAccountTokenRequest[] = [];
    const tokenApi = crossAccountTokenApi({ sharing, credentials, runtime: functions, record: (entry) => crossAccountTokenRequests.push(entry) });
    registerOpenApiAction(backend, openapi, apiTokens, tokenApi);
    backend.useCrossAccountCheck(crossAccountGuard(sharing, credentials));
    const tcbHttp = new TcbHttpApi({ wechat, runtime: functions, apps: options.apps, clock, storage, backend });
    const router = new Router();
    const backendFaults = new FaultPlan();
    for (const part of [wechat, login, tcbHttp, baidu]) router.mount(part.service);
    for (const service of [backend.service, cosService(storage)]) router.mount(backendFaults.wrapService(service));
    router.mount(customSendService({ wechat, openapi, apps: options.apps, clock }));
    let listening: { server: Server; url: string };
    try {
      listening = await listen(router, options.port ?? 0, options.host ?? '127.0.0.1', { allowedHosts: options.allowedHosts });
    } catch (error) {
      persistence?.close();
      throw error;
    }
    publicUrl = listening.url;
    return new LocalCloud(listening.url, clock, options.apps, listening.server, router, {
      backendFaults,
      permissions,
      wechat,
      login,
      baidu,
      backend,
      functions,
      storage,
      openapi,
      apiTokens,
      sharing,
      crossAccountTokenRequests,
      databaseStores,
      closeStores: () => persistence?.close(),
    });
  }

  get wechatApiBase(): string {
    return this.url;
  }

  get baiduApiBase(): string {
    return `${this.url}${BaiduEmulator.PREFIX}`;
  }

  get sdkBackendUrl(): string {
    return `${this.url}${CloudBackend.PREFIX}`;
  }

  /** Serves one more part (a client-call endpoint, an admin API) on the same port. */
  mount(service: Service): void {
    this.router.mount(service);
  }

  app(nameOrAppid: string): AppConfig {
    const app = this.apps.find((a) => a.name === nameOrAppid || a.appid === nameOrAppid);
    if (!app) throw new Error(`the local cloud has no app ${nameOrAppid}`);
    return app;
  }

  /**
   * Breaks the cloud backend for wx-server-sdk the way a bad day would: an HTTP status, latency
   * (`delayMs`), a hang; for every call or one `action`. `backendFaults.clear()` ends them.
   */
  injectBackendFault(fault: BackendFault): void {
    const { action, path = '', ...rest } = fault;
    this.backendFaults.inject({
      ...rest,
      path,
      ...(action ? { label: action, when: (request: EmulatorRequest) => sdkAction(request) === action } : {}),
    } as Parameters<FaultPlan['inject']>[0]);
  }

  /** The storage engine of one environment's database: for seed import and export. */
  databaseStore(envId: string): DatabaseStore {
    const store = this.databaseStores.get(envId);
    if (!store) throw new Error(`the local cloud has no environment ${envId}`);
    return store;
  }

  async stop(): Promise<void> {
    await this.functions.stop();
    await close(this.server);
    this.closeStores();
  }
}

/** The `action` of an SDK call: a field of its JSON body, or of its multipart form (wx.openApi). */
function sdkAction(request: EmulatorRequest): string | undefined {
  const text = request.body.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    const action = typeof parsed === 'object' && parsed !== null ? (parsed as { action?: unknown }).action : undefined;
    return typeof action === 'string' ? action : undefined;
  } catch {
    return /name="action"\r\n\r\n([^\r]+)/.exec(text)?.[1];
  }
}
