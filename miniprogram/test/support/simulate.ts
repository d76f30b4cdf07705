import { join } from 'node:path';
import { installBrowserGlobals } from './browser-globals';

export const MINIPROGRAM_ROOT = join(__dirname, '..', '..');

/** The part of miniprogram-simulate's (j-component's) component API the tests use. */
export interface SimulatedNode {
  readonly dom: HTMLElement;
  querySelector(selector: string): SimulatedNode | undefined;
  querySelectorAll(selector: string): SimulatedNode[];
  dispatchEvent(eventName: string, options?: { readonly detail?: unknown }): void;
}

export interface SimulatedPage<TData> extends SimulatedNode {
  readonly data: TData;
  readonly instance: Record<string, unknown>;
  attach(parent: Element): void;
  detach(): void;
}

interface SimulateModule {
  load(componentPath: string, options?: { compiler?: 'official' | 'simulate'; rootPath?: string }): string;
  render(id: string, properties?: Record<string, unknown>): SimulatedPage<unknown>;
}

let simulate: SimulateModule | undefined;
const loaded = new Map<string, string>();

function simulateModule(): SimulateModule {
  installBrowserGlobals();
  // Required only after the browser globals exist; it defines the global `wx` and `Component`.
  simulate ??= require('miniprogram-simulate') as SimulateModule;
  return simulate;
}

/** The global `wx` miniprogram-simulate defines (its API mocks), where tests add `wx.cloud` and stubs. */
export function simulatedWx(): Record<string, unknown> {
  simulateModule();
  const wx = (globalThis as { wx?: unknown }).wx;
  if (typeof wx !== 'object' || wx === null) throw new Error('miniprogram-simulate did not define the global wx');
  return wx as Record<string, unknown>;
}

/**
 * Opens a page of the mini program the way WeChat does: its .wxml compiled by WeChat's own
 * template compiler (miniprogram-simulate's "official" compiler), its TypeScript run through
 * jest's transform, attached to a page root, then `onLoad(query)`. `root` is the mini program's
 * folder (miniprogramRoot): this repository's by default, or another project's.
 */
export function openPage<TData>(pagePath: string, query: Record<string, string> = {}, root: string = MINIPROGRAM_ROOT): SimulatedPage<TData> {
  const sim = simulateModule();
  const file = join(root, pagePath);
  // A page's module runs once per test file (jest's registry), so it is loaded once and rendered per test.
  let id = loaded.get(file);
  if (id === undefined) {
    id = sim.load(file, { compiler: 'official', rootPath: root });
    loaded.set(file, id);
  }
  const page = sim.render(id) as SimulatedPage<TData>;
  page.attach(document.createElement('page-root'));
  const onLoad = page.instance.onLoad;
  if (typeof onLoad === 'function') onLoad.call(page.instance, query);
  return page;
}

/** The element, or a failure naming the selector. */
export function find(node: SimulatedNode, selector: string): SimulatedNode {
  const found = node.querySelector(selector);
  if (!found) throw new Error(`no element matches ${selector}`);
  return found;
}

export function textOf(node: SimulatedNode, selector: string): string {
  return node.querySelector(selector)?.dom.textContent?.trim() ?? '';
}

/** Types into an input the way WeChat reports it: an `input` event with `detail.value`. */
export function type(node: SimulatedNode, selector: string, value: string): void {
  find(node, selector).dispatchEvent('input', { detail: { value } });
}

export function change(node: SimulatedNode, selector: string, value: string): void {
  find(node, selector).dispatchEvent('change', { detail: { value } });
}

export function tap(node: SimulatedNode, selector: string): void {
  find(node, selector).dispatchEvent('tap');
}

/**
 * Resolves once `condition` holds, checked whenever the page's DOM changes (setData renders
 * synchronously), so no test waits a fixed time. `limitMs` only turns a hang into a failure.
 */
export function until<TData>(page: SimulatedPage<TData>, condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (!condition()) return;
      finish();
      resolve();
    });
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the page never showed: ${what}\n${page.dom.innerHTML}`));
    }, limitMs);
    const finish = (): void => {
      observer.disconnect();
      clearTimeout(timer);
    };
    observer.observe(page.dom, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}
