// @ts-check
'use strict';
// The process inside one cloud function instance. Plain JavaScript that runs unchanged on
// Node 16.13 and 18.15 (WeChat's runtimes): it is forked as is, never compiled or bundled.
// Protocol: see protocol.ts (its types check this file: tsc's checkJs). One invocation at a time, because the caller's identity lives in
// process.env (WX_OPENID, ...), which wx-server-sdk reads when getWXContext() is called.

const util = require('util');

/** @typedef {import('./protocol').InvokeMessage} InvokeMessage */
/** @typedef {import('./protocol').RunnerMessage} RunnerMessage */
/** @typedef {import('./protocol').WarmupMessage} WarmupMessage */

const bundlePath = process.argv[2];
/** Bytes of JSON a result may take (the runtime passes its limit; its depth it checks itself). */
const maxResultBytes = Number(process.argv[3]) || 6 * 1024 * 1024;
/** The bundle's exports, loaded before the runner reports ready (the cold start). */
/** @type {{ main?: unknown } | null} */
let handlerModule = null;
/** The request id of the invocation in progress, null between invocations. */
/** @type {string | null} */
let current = null;
/** Variables the current invocation changed, with the values to put back afterwards. */
/** @type {Record<string, string | undefined>} */
let saved = {};

/**
 * @param {RunnerMessage} message
 * @param {() => void} [done]
 */
function send(message, done) {
  if (process.connected && process.send) process.send(message, undefined, undefined, done);
  else if (done) done();
}

// Console output is tagged with the invocation that printed it, so logs can be read per request.
/** @param {string} level */
function capture(level) {
  return function (/** @type {unknown[]} */ ...args) {
    send({ type: 'log', requestId: current, level: level, text: util.format(...args) });
  };
}
console.log = capture('log');
console.info = capture('info');
console.warn = capture('warn');
console.error = capture('error');
console.debug = capture('debug');
console.trace = function (/** @type {unknown[]} */ ...args) {
  const err = new Error(util.format(...args));
  send({ type: 'log', requestId: current, level: 'trace', text: 'Trace: ' + String(err.stack).split('\n').slice(1).join('\n') });
};
console.dir = function (/** @type {unknown} */ value, /** @type {import('util').InspectOptions | undefined} */ options) {
  send({ type: 'log', requestId: current, level: 'log', text: util.inspect(value, options) });
};

// wx-server-sdk, which every WeChat function gets, loads with the instance (the platform's cold
// start, bounded by the start timeout), not inside the first invocation's time limit: loading it
// takes seconds on a busy machine, and a platform's own start-up must not count against the
// function. The bundle's require('wx-server-sdk') then finds it in the module cache (same
// NODE_PATH). A function without the SDK installed is unaffected.
try {
  require('wx-server-sdk');
} catch (e) {
  // Not installed where NODE_PATH points: the bundle resolves (or fails to resolve) its own at invocation.
}

// Direct writes too (process.stdout.write), so they are tagged with their invocation as well.
/**
 * @param {string} level
 * @returns {typeof process.stdout.write}
 */
function captureStream(level) {
  /**
   * @param {string | Uint8Array} chunk
   * @param {unknown} [encoding]
   * @param {unknown} [callback]
   */
  return function (chunk, encoding, callback) {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? /** @type {BufferEncoding} */ (encoding) : 'utf8');
    send({ type: 'log', requestId: current, level: level, text: text.replace(/\n$/, '') });
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  };
}
process.stdout.write = captureStream('stdout');
process.stderr.write = captureStream('stderr');

/** @param {InvokeMessage['env']} patch */
function applyEnv(patch) {
  for (const key of Object.keys(patch)) {
    if (!Object.prototype.hasOwnProperty.call(saved, key)) saved[key] = process.env[key];
    setEnv(key, patch[key]);
  }
}

function restoreEnv() {
  for (const key of Object.keys(saved)) setEnv(key, saved[key]);
  saved = {};
}

/**
 * @param {string} key
 * @param {string | null | undefined} value
 */
function setEnv(key, value) {
  // Assigning undefined would store the string "undefined".
  if (value === null || value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/**
 * @param {unknown} thrown
 * @returns {{ name: string, message: string, stack?: string }}
 */
function describe(thrown) {
  if (thrown instanceof Error) {
    return { name: thrown.name || 'Error', message: thrown.message, stack: thrown.stack };
  }
  let message;
  try {
    message = typeof thrown === 'string' ? thrown : JSON.stringify(thrown);
  } catch (e) {
    message = String(thrown);
  }
  return { name: 'Error', message: String(message) };
}

function loadHandler() {
  if (!handlerModule) handlerModule = require(String(bundlePath));
  const main = handlerModule && handlerModule.main;
  if (typeof main !== 'function') {
    throw new TypeError('the function does not export main (exports.main = async (event, context) => result)');
  }
  return main;
}

/** @param {InvokeMessage} message */
async function invoke(message) {
  if (current !== null) {
    send({ type: 'error', requestId: message.requestId, name: 'Error', message: 'instance is busy' });
    return;
  }
  current = message.requestId;
  applyEnv(message.env);
  /** @type {RunnerMessage} */
  let reply;
  try {
    const main = loadHandler();
    const result = await main(message.event, message.context);
    let resultJson;
    try {
      resultJson = JSON.stringify(result);
    } catch (e) {
      throw new TypeError('the result is not JSON: ' + (e instanceof Error ? e.message : String(e)), { cause: e });
    }
    // Refused here rather than pushed through the channel: the platform answers 6 MB at most.
    const bytes = resultJson === undefined ? 0 : Buffer.byteLength(resultJson, 'utf8');
    if (bytes > maxResultBytes) throw new RangeError('the result is ' + bytes + ' bytes of JSON, more than the ' + maxResultBytes + ' allowed');
    reply =
      resultJson === undefined ? { type: 'result', requestId: message.requestId } : { type: 'result', requestId: message.requestId, resultJson: resultJson };
  } catch (thrown) {
    reply = Object.assign({ type: /** @type {const} */ ('error'), requestId: message.requestId }, describe(thrown));
  }
  restoreEnv();
  current = null;
  send(reply);
}

process.on('message', function (/** @type {Partial<InvokeMessage> | Partial<WarmupMessage> | null} */ message) {
  if (message && message.type === 'invoke') invoke(/** @type {InvokeMessage} */ (message));
  // The start-up exchange (protocol.ts, WarmupMessage): no function code runs.
  else if (message && message.type === 'warmup') send({ type: 'warmed' });
});

// An error nobody caught fails the invocation in progress and ends the instance, as on WeChat.
process.on('uncaughtException', function (/** @type {unknown} */ thrown) {
  const info = describe(thrown);
  const requestId = current;
  const finish = function () {
    process.exit(1);
  };
  if (requestId === null) {
    send({ type: 'log', requestId: null, level: 'error', text: 'Uncaught ' + (info.stack || info.message) }, finish);
  } else {
    send(Object.assign({ type: /** @type {const} */ ('error'), requestId: requestId, fatal: true }, info), finish);
  }
});

// The runtime is gone (or retired us): nothing left to serve.
process.on('disconnect', function () {
  process.exit(0);
});

// Initialisation: the module is loaded before the instance counts as started, so its load time
// is the platform's (the cold start), not the first invocation's time limit.
try {
  loadHandler();
  send({ type: 'ready', pid: process.pid, node: process.version });
} catch (thrown) {
  send(Object.assign({ type: /** @type {const} */ ('init-error') }, describe(thrown)), function () {
    process.exit(1);
  });
}
