/**
 * The admin API's contract: every path, request and answer of `/admin`, written once and used by
 * both sides — the server's routes (admin-api.ts) and the browser console (console/), which
 * imports this module's types only (`import type`), so nothing of Node reaches the bundle. It has
 * no imports itself, hence no cycle whoever imports it. Published as `@wxhub/local-cloud/admin-contract`.
 *
 * Conventions: query parameters for reads, JSON bodies (`content-type: application/json`) for
 * writes; an error is `AdminError` with a 4xx status. Secrets and token values never appear:
 * every answer is scrubbed of the apps' secrets and of every token the emulators issued.
 */

export const ADMIN_PREFIX = '/admin';
/** Where the console is served, on the local cloud's own port (`wxhub dev --open` opens it). */
export const CONSOLE_PATH = '/console';

/** A document as the console sees it: relaxed Extended JSON (a Date is `{"$date": "<ISO>"}`). */
export type DocumentJson = { readonly [field: string]: unknown };

export interface AdminError {
  readonly error: {
    readonly code: string;
    readonly message: string;
    /** Where a filter was refused (1-based, in the text the console sent). */
    readonly line?: number;
    readonly column?: number;
  };
}

/* ---- Environments and the database ---- */

export interface EnvSummary {
  readonly envId: string;
  readonly app: { readonly name: string; readonly appid: string } | null;
  readonly collections: ReadonlyArray<{ readonly name: string; readonly count: number }>;
  readonly functions: readonly string[];
}
export interface EnvsResponse {
  readonly envs: readonly EnvSummary[];
}

/** GET /admin/documents?env&collection[&filter][&offset][&limit] — `filter` is a `where(...)` argument. */
export interface DocumentsQuery {
  readonly env: string;
  readonly collection: string;
  /** The argument of `.where(...)` in the cloud database query language, e.g. `{age: _.gt(18)}`. */
  readonly filter?: string;
  readonly offset?: number;
  readonly limit?: number;
}
export interface DocumentsResponse {
  readonly env: string;
  readonly collection: string;
  /** Documents matching the filter (all of them without one). */
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly documents: readonly DocumentJson[];
}

/** POST /admin/documents: one new document (an `_id` in it is kept, else one is made). */
export interface AddDocumentRequest {
  readonly env: string;
  readonly collection: string;
  readonly document: DocumentJson;
}
export interface AddDocumentResponse {
  readonly id: string | number;
}

/** PUT /admin/documents: replaces the document `id` whole (its `_id` stays). */
export interface ReplaceDocumentRequest {
  readonly env: string;
  readonly collection: string;
  readonly id: string | number;
  readonly document: DocumentJson;
}
export interface ReplaceDocumentResponse {
  readonly id: string | number;
  readonly replaced: boolean;
}

/** DELETE /admin/documents?env&collection&id */
export interface DeleteDocumentResponse {
  readonly deleted: number;
}

/** POST /admin/collections; DELETE /admin/collections?env&name */
export interface CollectionRequest {
  readonly env: string;
  readonly name: string;
}
export interface CreateCollectionResponse {
  readonly created: string;
}
export interface DropCollectionResponse {
  readonly dropped: boolean;
}

/** POST /admin/collections/import: all inserted or none (a duplicate `_id` refuses the lot). */
export interface ImportRequest {
  readonly env: string;
  readonly collection: string;
  readonly documents: readonly DocumentJson[];
}
export interface ImportResponse {
  readonly inserted: number;
}
/** GET /admin/collections/export?env&name */
export interface ExportResponse {
  readonly env: string;
  readonly collection: string;
  readonly documents: readonly DocumentJson[];
}

/* ---- Storage ---- */

export interface StoredFileInfo {
  readonly fileId: string;
  readonly path: string;
  readonly size: number;
  readonly contentType: string;
  /** ISO time of the upload. */
  readonly uploadedAt: string;
}
/** GET /admin/storage?env */
export interface StorageListResponse {
  readonly env: string;
  readonly files: readonly StoredFileInfo[];
}
/** POST /admin/storage: the bytes as base64 inside JSON, so the upload is a same-origin JSON call. */
export interface UploadRequest {
  readonly env: string;
  readonly path: string;
  readonly contentBase64: string;
  readonly contentType?: string;
}
export interface UploadResponse {
  readonly fileId: string;
}
/** GET /admin/storage/download?fileId — the bytes with their content type. DELETE /admin/storage?env&fileId */
export interface DeleteFileResponse {
  readonly deleted: boolean;
}
/** POST /admin/storage/temp-url */
export interface TempUrlRequest {
  readonly env: string;
  readonly fileId: string;
  readonly maxAgeSeconds?: number;
}
export interface TempUrlResponse {
  readonly fileId: string;
  readonly url: string;
  readonly maxAge: number;
}

/* ---- Functions ---- */

export interface FunctionInfo {
  readonly envId: string;
  readonly name: string;
  /** The Node binary instances run on, e.g. `node 16.13` (or the local cloud's own). */
  readonly runtime: string;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly triggers: ReadonlyArray<{ readonly name: string; readonly type: 'timer'; readonly config: string }>;
  /** Cloud-call (openapi) permissions from config.json. */
  readonly permissions: readonly string[];
  readonly instances: { readonly total: number; readonly busy: number; readonly idle: number; readonly starting: number };
}
/** GET /admin/functions[?env] */
export interface FunctionsResponse {
  readonly functions: readonly FunctionInfo[];
}
/** POST /admin/functions/invoke: as a mini program user (`openid`) of the env's app, or as the server. */
export interface InvokeRequest {
  readonly env: string;
  readonly name: string;
  readonly event: DocumentJson;
  readonly openid?: string;
}
export type InvokeResponse =
  | { readonly ok: true; readonly requestId: string; readonly result: unknown; readonly durationMs: number; readonly coldStart: boolean }
  | { readonly ok: false; readonly requestId?: string; readonly errCode?: number; readonly errMsg: string };

/** One line of GET /admin/logs/stream (server-sent events, event `log`). */
export interface LogEvent {
  readonly envId: string;
  readonly name: string;
  readonly requestId: string | null;
  readonly instanceId: string;
  /** console method, stdout/stderr, or `runtime` (START/END lines with duration and outcome). */
  readonly level: string;
  readonly message: string;
  /** ISO time. */
  readonly at: string;
}
/** GET /admin/logs?env&name[&requestId] */
export interface LogsResponse {
  readonly env: string;
  readonly name: string;
  readonly requestId?: string;
  readonly logs: ReadonlyArray<Omit<LogEvent, 'envId' | 'name'>>;
}

/* ---- Timers ---- */

export interface TriggerRunInfo {
  readonly manual: boolean;
  readonly ok: boolean;
  readonly requestId?: string;
  readonly scheduledAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error?: { readonly errCode?: number; readonly errMsg: string };
}
export interface TriggerInfo {
  readonly envId: string;
  readonly functionName: string;
  readonly triggerName: string;
  /** WeChat's seven-field cron. */
  readonly config: string;
  /** ISO (UTC) time of the next run, null when none is left. */
  readonly nextFireAt: string | null;
  /** The same instant in UTC+8, as WeChat shows it: `2026-12-03 16:00:00`. */
  readonly nextFireAtUtc8: string | null;
  readonly running: number;
  readonly runs: number;
  readonly failures: number;
  readonly lastRun?: TriggerRunInfo;
}
/** GET /admin/triggers */
export interface TriggersResponse {
  readonly triggers: readonly TriggerInfo[];
}
/** POST /admin/triggers/fire */
export interface FireRequest {
  readonly env: string;
  readonly name: string;
}
export interface FireResponse {
  readonly run: TriggerRunInfo & { readonly triggerName: string; readonly functionName: string };
}

/* ---- Tokens ---- */

export interface WeChatTokenInfo {
  readonly app: string;
  readonly appid: string;
  readonly issued: { readonly cgiBinToken: number; readonly stableToken: number; readonly total: number };
  /** ISO expiry of the newest token, null before the first. */
  readonly currentExpiresAt: string | null;
  readonly lastIssuedAt: string | null;
  /** stable_token force_refresh: used today (Beijing day), WeChat's daily budget. */
  readonly forceRefresh: { readonly usedToday: number; readonly perDay: number; readonly lastAt: string | null };
}
export interface BaiduTokenInfo {
  readonly name: string;
  /** Masked. */
  readonly clientId: string;
  readonly issued: number;
  readonly currentExpiresAt: string | null;
}
/** A Baidu token as stored in an env's `setconfig`: the value masked. */
export interface SetconfigTokenInfo {
  readonly envId: string;
  readonly configName: string;
  readonly maskedValue: string | null;
  readonly expiresAt: string | null;
  readonly refreshedAt: string | null;
}
/** GET /admin/tokens */
export interface TokensResponse {
  readonly wechat: readonly WeChatTokenInfo[];
  readonly baidu: readonly BaiduTokenInfo[];
  readonly setconfig: readonly SetconfigTokenInfo[];
}

/* ---- Faults ---- */

export type Upstream = 'wechat' | 'baidu' | 'backend';
/**
 * POST /admin/faults `{upstream, fault}`. `wechat`/`baidu`: the emulators' endpoints (`path`
 * below the upstream's prefix). `backend`: the SDK's backend — `action` (e.g.
 * `database.getDocument`) or every call, with `status`, `delayMs` or `hang`.
 */
export interface ArmFaultRequest {
  readonly upstream: Upstream;
  readonly fault: { readonly [field: string]: unknown };
}
export interface ArmedFault {
  readonly upstream: Upstream;
  readonly path: string;
  readonly action?: string;
  readonly method?: string;
  /** Hits left; null until cleared. */
  readonly remaining: number | null;
  readonly effect: string;
}
/** GET /admin/faults */
export interface FaultsResponse {
  readonly armed: readonly ArmedFault[];
}
export interface ArmFaultResponse {
  readonly armed: ArmFaultRequest;
}
/** DELETE /admin/faults[?upstream] */
export interface ClearFaultsResponse {
  readonly cleared: readonly Upstream[];
}

/** Every route, its method and what each side exchanges: the console's client is typed by it. */
export interface AdminRoutes {
  'GET /envs': { query: undefined; body: undefined; response: EnvsResponse };
  'GET /documents': { query: DocumentsQuery; body: undefined; response: DocumentsResponse };
  'POST /documents': { query: undefined; body: AddDocumentRequest; response: AddDocumentResponse };
  'PUT /documents': { query: undefined; body: ReplaceDocumentRequest; response: ReplaceDocumentResponse };
  'DELETE /documents': { query: { env: string; collection: string; id: string }; body: undefined; response: DeleteDocumentResponse };
  'POST /collections': { query: undefined; body: CollectionRequest; response: CreateCollectionResponse };
  'DELETE /collections': { query: CollectionRequest; body: undefined; response: DropCollectionResponse };
  'POST /collections/import': { query: undefined; body: ImportRequest; response: ImportResponse };
  'GET /collections/export': { query: CollectionRequest; body: undefined; response: ExportResponse };
  'GET /storage': { query: { env: string }; body: undefined; response: StorageListResponse };
  'POST /storage': { query: undefined; body: UploadRequest; response: UploadResponse };
  'DELETE /storage': { query: { env: string; fileId: string }; body: undefined; response: DeleteFileResponse };
  'POST /storage/temp-url': { query: undefined; body: TempUrlRequest; response: TempUrlResponse };
  'GET /functions': { query: { env?: string }; body: undefined; response: FunctionsResponse };
  'POST /functions/invoke': { query: undefined; body: InvokeRequest; response: InvokeResponse };
  'GET /logs': { query: { env: string; name: string; requestId?: string }; body: undefined; response: LogsResponse };
  'GET /triggers': { query: undefined; body: undefined; response: TriggersResponse };
  'POST /triggers/fire': { query: undefined; body: FireRequest; response: FireResponse };
  'GET /tokens': { query: undefined; body: undefined; response: TokensResponse };
  'GET /faults': { query: undefined; body: undefined; response: FaultsResponse };
  'POST /faults': { query: undefined; body: ArmFaultRequest; response: ArmFaultResponse };
  'DELETE /faults': { query: { upstream?: Upstream }; body: undefined; response: ClearFaultsResponse };
}
export type AdminRoute = keyof AdminRoutes;

/** The server-sent event stream of function logs (not JSON, hence not in AdminRoutes). */
export const LOG_STREAM_PATH = '/logs/stream';
export const STORAGE_DOWNLOAD_PATH = '/storage/download';
