/**
 * Runs a mini program page's own code outside WeChat: the page module registers itself with
 * `Component({data, methods})`, `setData` applies WeChat's path keys (`'form.name'`), and
 * `wx.cloud.callFunction` goes to a local cloud's client-call endpoint as a chosen user. No
 * rendering: what the demo prints is the page's data, i.e. what the page would show.
 */
import { callFunction, CallFunctionError } from '@wxhub/local-cloud';

type Methods = Record<string, (this: PageInstance, ...args: never[]) => unknown>;

interface ComponentDefinition {
  data: Record<string, unknown>;
  methods: Methods;
}

export interface PageInstance {
  data: Record<string, unknown>;
  setData(patch: Record<string, unknown>): void;
  call(method: string, ...args: unknown[]): Promise<unknown>;
}

export interface CloudUser {
  /** The local cloud's base URL (its client-call endpoint is mounted there). */
  readonly url: string;
  readonly app: string;
  readonly openid: string;
}

/** Installs the globals a page's code uses: `wx.cloud.callFunction` as `user`, and `Component`. */
export function installMiniProgramGlobals(user: CloudUser): void {
  const wx = {
    cloud: {
      async callFunction(options: { name: string; data?: Record<string, unknown> }) {
        try {
          const { result, errMsg, requestID } = await callFunction(user.url, {
            app: user.app,
            name: options.name,
            data: options.data ?? {},
            openid: user.openid,
          });
          return { result, errMsg, requestID };
        } catch (error) {
          // wx.cloud rejects with {errCode, errMsg}, as the real client SDK does.
          throw error instanceof CallFunctionError ? { errCode: error.errCode, errMsg: error.errMsg } : error;
        }
      },
    },
    stopPullDownRefresh: () => undefined,
  };
  Object.assign(globalThis, { wx });
}

/** Loads a page module (e.g. miniprogram/pages/register/index.ts) and returns a live instance. */
export function loadPage(modulePath: string): PageInstance {
  let definition: ComponentDefinition | undefined;
  Object.assign(globalThis, { Component: (def: ComponentDefinition) => (definition = def) });
  // A fresh evaluation each time, as each page load in WeChat registers the page anew.
  delete require.cache[require.resolve(modulePath)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a page module evaluated afresh on each load, as WeChat does
  require(modulePath);
  if (!definition) throw new Error(`${modulePath} did not call Component()`);
  const { data, methods } = definition;
  const page: PageInstance = {
    data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
    setData(patch) {
      for (const [path, value] of Object.entries(patch)) setPath(page.data, path.split('.'), value);
    },
    async call(method, ...args) {
      const fn = methods[method];
      if (!fn) throw new Error(`the page has no method ${method}`);
      return fn.apply(Object.assign(page, methods), args as never[]);
    },
  };
  return page;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const next = target[head];
  const child = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : {};
  target[head] = child;
  setPath(child, rest, value);
}
