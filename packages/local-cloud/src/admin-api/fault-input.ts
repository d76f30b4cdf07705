import type { BaiduFault } from '../baidu/baidu-emulator';
import type { BackendFault } from '../local-cloud';
import type { WeChatFault } from '../wechat/wechat-emulator';
import type { Upstream } from './contract';

export type { Upstream };

export type ParsedFault =
  | { readonly upstream: 'wechat'; readonly fault: WeChatFault }
  | { readonly upstream: 'baidu'; readonly fault: BaiduFault }
  | { readonly upstream: 'backend'; readonly fault: BackendFault };

/** Longest delay a JSON fault may ask for: long enough for any client timeout, short enough not to pin a server. */
const MAX_DELAY_MS = 120_000;

type Fields = Record<string, unknown>;

/**
 * A fault sent as JSON to `POST /admin/faults`: `{upstream: 'wechat'|'baidu', fault: {...}}`.
 * The fault is the emulators' own shape minus functions: `path` (below the upstream's prefix),
 * optional `method`, `times`, (`appid` for WeChat), and exactly one effect:
 * - WeChat `{errcode, errmsg?}`; Baidu `{error, error_description, status?}` or `{error_code, error_msg}`;
 * - `{status, body?, headers?}`, `{delayMs}`, `{hang: true}` for either.
 * Returns the parsed fault or what is wrong with it.
 */
export function parseFaultInput(input: unknown): ParsedFault | string {
  if (!isObject(input)) return 'the body must be a JSON object {upstream, fault}';
  const { upstream, fault } = input;
  if (upstream !== 'wechat' && upstream !== 'baidu' && upstream !== 'backend') return 'upstream must be "wechat", "baidu" or "backend"';
  if (!isObject(fault)) return 'fault must be an object';
  if (upstream === 'backend') return parseBackendFault(fault);
  const target = parseTarget(fault, upstream);
  if (typeof target === 'string') return target;
  const effect = upstream === 'wechat' ? parseWeChatEffect(fault) : parseBaiduEffect(fault);
  if (typeof effect === 'string') return effect;
  const unknown = Object.keys(fault).filter((key) => !target.keys.has(key) && !effect.keys.has(key));
  if (unknown.length > 0) return `fault has unknown fields: ${unknown.join(', ')}`;
  return upstream === 'wechat'
    ? { upstream, fault: { ...target.value, ...effect.value } as WeChatFault }
    : { upstream, fault: { ...target.value, ...effect.value } as BaiduFault };
}

/**
 * A fault of the backend wx-server-sdk talks to: `action` (e.g. `database.getDocument`) or
 * every call, optional `path` (`/upload`, `/download` for the storage URLs) and `times`, and one
 * transport effect (`status`, `delayMs`, `hang`).
 */
function parseBackendFault(fault: Fields): ParsedFault | string {
  const { action, path, times } = fault;
  if (action !== undefined && (typeof action !== 'string' || !/^[A-Za-z]+\.[A-Za-z]+$/.test(action)))
    return 'fault.action must name an SDK action, e.g. database.getDocument';
  if (path !== undefined && path !== '' && (typeof path !== 'string' || !path.startsWith('/')))
    return 'fault.path must be empty (the backend) or start with "/"';
  if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) return 'fault.times must be a positive integer';
  const effect = parseTransportEffect(fault);
  if (typeof effect === 'string') return effect;
  const target = new Set(['action', 'path', 'times']);
  const unknown = Object.keys(fault).filter((key) => !target.has(key) && !effect.keys.has(key));
  if (unknown.length > 0) return `fault has unknown fields: ${unknown.join(', ')}`;
  const value: Fields = { ...effect.value };
  if (action !== undefined) value.action = action;
  if (path !== undefined) value.path = path;
  if (times !== undefined) value.times = times;
  return { upstream: 'backend', fault: value as BackendFault };
}

interface Part {
  readonly value: Fields;
  readonly keys: ReadonlySet<string>;
}

function parseTarget(fault: Fields, upstream: Upstream): Part | string {
  const { path, method, times, appid } = fault;
  if (typeof path !== 'string' || !path.startsWith('/')) return 'fault.path must be a path starting with "/" (below the upstream\'s prefix)';
  if (method !== undefined && (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method))) return 'fault.method must be an HTTP method';
  if (times !== undefined && (!Number.isInteger(times) || (times as number) < 1)) return 'fault.times must be a positive integer';
  if (appid !== undefined && (upstream !== 'wechat' || typeof appid !== 'string')) return 'fault.appid is a string, for wechat faults only';
  const value: Fields = { path };
  if (method !== undefined) value.method = method;
  if (times !== undefined) value.times = times;
  if (appid !== undefined) value.appid = appid;
  return { value, keys: new Set(['path', 'method', 'times', 'appid']) };
}

function parseWeChatEffect(fault: Fields): Part | string {
  if ('errcode' in fault) {
    if (!Number.isInteger(fault.errcode)) return 'fault.errcode must be an integer';
    if (fault.errmsg !== undefined && typeof fault.errmsg !== 'string') return 'fault.errmsg must be a string';
    return only(fault, ['errcode', 'errmsg']);
  }
  return parseTransportEffect(fault);
}

function parseBaiduEffect(fault: Fields): Part | string {
  if ('error' in fault) {
    if (typeof fault.error !== 'string' || typeof fault.error_description !== 'string') return 'fault.error and fault.error_description must be strings';
    if (fault.status !== undefined && !isHttpStatus(fault.status)) return 'fault.status must be an HTTP status (100-599)';
    return only(fault, ['error', 'error_description', 'status']);
  }
  if ('error_code' in fault) {
    if (!Number.isInteger(fault.error_code) || typeof fault.error_msg !== 'string') return 'fault.error_code must be an integer and fault.error_msg a string';
    return only(fault, ['error_code', 'error_msg']);
  }
  return parseTransportEffect(fault);
}

function parseTransportEffect(fault: Fields): Part | string {
  if ('status' in fault) {
    if (!isHttpStatus(fault.status)) return 'fault.status must be an HTTP status (100-599)';
    if (fault.headers !== undefined && !(isObject(fault.headers) && Object.values(fault.headers).every((v) => typeof v === 'string'))) {
      return 'fault.headers must map names to strings';
    }
    return only(fault, ['status', 'body', 'headers']);
  }
  if ('delayMs' in fault) {
    const delay = fault.delayMs;
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_MS) {
      return `fault.delayMs must be an integer from 0 to ${MAX_DELAY_MS}`;
    }
    return only(fault, ['delayMs']);
  }
  if ('hang' in fault) {
    if (fault.hang !== true) return 'fault.hang must be true';
    return only(fault, ['hang']);
  }
  return 'fault needs one effect: errcode (wechat), error or error_code (baidu), status, delayMs or hang';
}

function only(fault: Fields, keys: readonly string[]): Part {
  const value: Fields = {};
  for (const key of keys) if (fault[key] !== undefined) value[key] = fault[key];
  return { value, keys: new Set(keys) };
}

function isHttpStatus(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
