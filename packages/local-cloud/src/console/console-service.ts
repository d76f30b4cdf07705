import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Handler, Service } from '../http/router';
import { CONSOLE_PATH } from '../admin-api/contract';

/**
 * Where `pnpm build` writes the console's bundle (scripts/lib/build-console.mjs): the package's
 * dist/console, found the same way from src/console (workspace) and dist/console (published).
 */
export const CONSOLE_DIST_DIR = path.resolve(__dirname, '..', '..', 'dist', 'console');

const ASSETS: Readonly<Record<string, string>> = {
  '/console.js': 'text/javascript; charset=utf-8',
  '/console.css': 'text/css; charset=utf-8',
};

/**
 * Everything from this origin only: the console works offline, and a page that tried to load a
 * CDN script would be refused by the browser, not silently depend on the network.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

// The empty `data:` icon (allowed by img-src) keeps the browser from asking for /favicon.ico,
// which the local cloud does not serve: a 404 in the console's devtools on every load otherwise.
const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>云开发控制台（本地）</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${CONSOLE_PATH}/console.css">
</head>
<body>
<div id="app"></div>
<script src="${CONSOLE_PATH}/console.js"></script>
</body>
</html>
`;

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>console not built</title>
<p>The console is not built: run <code>pnpm build</code> (it bundles packages/local-cloud/console-ui into ${CONSOLE_DIST_DIR}).</p></html>`;

/** The browser console at `/console` on the local cloud's own port; its data comes from `/admin`. */
export function consoleService(distDir = CONSOLE_DIST_DIR): Service {
  const page: Handler = () => ({ headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS }, body: PAGE });
  const asset =
    (name: string, type: string): Handler =>
    async () => {
      try {
        return { headers: { 'content-type': type, ...SECURITY_HEADERS }, body: await readFile(path.join(distDir, name.slice(1))) };
      } catch {
        return { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' }, body: NOT_BUILT };
      }
    };
  return {
    prefix: CONSOLE_PATH,
    routes: [
      { method: 'GET', path: '', handler: page },
      { method: 'GET', path: '/', handler: page },
      ...Object.entries(ASSETS).map(([name, type]) => ({ method: 'GET', path: name, handler: asset(name, type) })),
    ],
  };
}

/** The console's address on a local cloud at `rootUrl` (what `wxhub dev --open` opens). */
export function consoleUrl(rootUrl: string): string {
  return `${rootUrl.replace(/\/+$/, '')}${CONSOLE_PATH}`;
}
