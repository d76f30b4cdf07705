// @ts-check
'use strict';
// Loaded with `--require` into every function process of a WeChat project (never compiled or
// bundled: plain JavaScript for Node 16.13 / 18.15). wx-server-sdk 0.x/1.x (tcb-admin-node) ignore
// TCB_CONTEXT_CNFG and post to fixed hosts when they see TENCENTCLOUD_RUNENV=SCF:
// http://tcb-admin.tencentyun.com/admin (database, storage, functions) and
// http://tcb-open.tencentyun.com/admin (openapi). This sends those requests to the local cloud's
// SDK backend instead (WXHUB_SDK_BACKEND), in this process only: the machine's DNS is untouched
// and no other host is affected.

const http = require('http');
const https = require('https');
const { URL } = require('url');

/** Node's own http.request, before any patch: where redirected requests go. */
/** @type {(...args: any[]) => import('http').ClientRequest} */
const plainRequest = http.request;

const FIXED_HOSTS = ['tcb-admin.tencentyun.com', 'tcb-open.tencentyun.com', 'tcb-admin.tencentcloudapi.com', 'tcb-open.tencentcloudapi.com'];

const backend = process.env.WXHUB_SDK_BACKEND ? new URL(process.env.WXHUB_SDK_BACKEND) : undefined;

/**
 * The request's host when it is one of the fixed hosts, else undefined.
 * @param {any} options
 */
function fixedHost(options) {
  if (!options || typeof options !== 'object') return undefined;
  const host = String(options.hostname || options.host || '').replace(/:\d+$/, '');
  return FIXED_HOSTS.indexOf(host) >= 0 ? host : undefined;
}

/**
 * Options aimed at the local cloud: its host and port, /admin turned into the backend's path,
 * the Host header its own (a server that checks Host must see a loopback one).
 * @param {any} options
 * @param {URL} target
 */
function redirected(options, target) {
  const path = String(options.path || '/').replace(/^\/admin(?=[/?]|$)/, '');
  const headers = Object.assign({}, options.headers);
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'host') delete headers[key];
  headers.host = target.host;
  return Object.assign({}, options, {
    protocol: 'http:',
    hostname: target.hostname,
    host: target.hostname,
    port: target.port,
    path: target.pathname.replace(/\/$/, '') + (path.charAt(0) === '/' || path.charAt(0) === '?' ? path : '/' + path),
    headers: headers,
    // An https agent cannot carry a plain http request.
    agent: undefined,
  });
}

/**
 * Wraps request/get of a module so that calls to the fixed hosts go to the local cloud over http.
 * @param {typeof http | typeof https} module
 * @param {URL} target
 */
function patch(module, target) {
  /** @type {(...args: any[]) => import('http').ClientRequest} */
  const originalRequest = module.request;
  /** @type {any} */
  const wrapped = function (/** @type {any[]} */ ...args) {
    const [first, second] = args;
    if (typeof first === 'string' || first instanceof URL) {
      const url = new URL(String(first));
      const fromUrl = { protocol: url.protocol, hostname: url.hostname, port: url.port, path: url.pathname + url.search };
      if (fixedHost(fromUrl)) {
        const options = typeof second === 'object' && second !== null && typeof second !== 'function' ? Object.assign(fromUrl, second) : fromUrl;
        const rest = options === fromUrl ? args.slice(1) : args.slice(2);
        return plainRequest.apply(http, [redirected(options, target)].concat(rest));
      }
    } else if (fixedHost(first)) {
      return plainRequest.apply(http, [redirected(first, target)].concat(args.slice(1)));
    }
    return originalRequest.apply(module, args);
  };
  module.request = wrapped;
  /** @type {any} */
  const get = function (/** @type {any[]} */ ...args) {
    const request = wrapped.apply(module, args);
    request.end();
    return request;
  };
  module.get = get;
}

if (backend) {
  patch(http, backend);
  patch(https, backend);
}
