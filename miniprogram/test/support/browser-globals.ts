import { JSDOM } from 'jsdom';

// miniprogram-simulate renders into a DOM; its README runs jest's jsdom environment for that.
// The local cloud (HTTP server, child processes, undici) needs Node's own globals, so the tests
// keep jest's node environment and lend miniprogram-simulate just the browser names it uses.
const BROWSER_GLOBALS = [
  'window',
  'document',
  'Event',
  'CustomEvent',
  'TouchEvent',
  'Node',
  'Element',
  'HTMLElement',
  'MutationObserver',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'getComputedStyle',
] as const;

let installed: JSDOM | undefined;

/** Installs a jsdom window's globals once per test file (jest gives each file its own globals). */
export function installBrowserGlobals(): JSDOM {
  if (installed) return installed;
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
  const source = dom.window as unknown as Record<string, unknown>;
  for (const name of BROWSER_GLOBALS) {
    // Node has an Event and a CustomEvent of its own; jsdom's elements only accept jsdom's.
    const value = name === 'window' ? dom.window : source[name];
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  installed = dom;
  return dom;
}
