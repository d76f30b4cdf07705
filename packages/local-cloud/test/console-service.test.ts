import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleService, consoleUrl } from '../src/console';
import { Router } from '../src/http/router';
import { close, listen } from '../src/http/server';

describe('the console service', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function serve(distDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
    const router = new Router();
    router.mount(consoleService(distDir));
    const { server, url } = await listen(router);
    return { url, stop: () => close(server) };
  }

  it('serves the page and its bundle from this origin only, in Chinese by default', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxhub-console-'));
    writeFileSync(join(dir, 'console.js'), 'console.log("bundle")');
    writeFileSync(join(dir, 'console.css'), 'body{}');
    const { url, stop } = await serve(dir);
    try {
      const page = await fetch(consoleUrl(url));
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await page.text();
      expect(html).toContain('<html lang="zh-CN">');
      expect(html).toContain('<script src="/console/console.js">');
      expect(html).not.toMatch(/https?:\/\//);
      const script = await fetch(`${url}/console/console.js`);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await script.text()).toBe('console.log("bundle")');
      expect((await fetch(`${url}/console/other.js`)).status).toBe(404);
    } finally {
      await stop();
    }
  });

  it('says how to build the bundle when it is missing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxhub-console-'));
    const { url, stop } = await serve(join(dir, 'absent'));
    try {
      const script = await fetch(`${url}/console/console.js`);
      expect(script.status).toBe(503);
      expect(await script.text()).toContain('pnpm build');
    } finally {
      await stop();
    }
  });

  it('builds the URL that wxhub dev --open opens', () => {
    expect(consoleUrl('http://127.0.0.1:8780/')).toBe('http://127.0.0.1:8780/console');
  });
});
