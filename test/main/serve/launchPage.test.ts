// Proves the launch page keeps the token off command lines and out of other users' reach:
// the page is a 0600 file in a fresh 0700 folder, its file:// URL holds no token, its HTML
// redirects to exactly the URL given (escaped, so a URL cannot inject markup or script), and
// dispose() removes it. The redirect itself is proven in Chromium by test/e2e/launchPage.test.ts.

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchPageHtml, writeLaunchPage } from '../../../main/serve/launchPage';

const URL_WITH_TOKEN = 'http://127.0.0.1:43210/?token=0123456789abcdef0123456789abcdef';

describe('the launch page', () => {
  it('is a 0600 file in a fresh 0700 folder, reachable through a file URL without the token', () => {
    const page = writeLaunchPage(URL_WITH_TOKEN);
    try {
      expect(statSync(page.file).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(page.file)).mode & 0o777).toBe(0o700);
      expect(page.fileUrl).toBe(`file://${page.file}`);
      expect(page.fileUrl).not.toContain('0123456789abcdef');
      const html = readFileSync(page.file, 'utf8');
      expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${URL_WITH_TOKEN}">`);
      expect(html).toContain(`location.replace(${JSON.stringify(URL_WITH_TOKEN)})`);
      expect(html).not.toContain('Content-Security-Policy');
    } finally {
      page.dispose();
    }
    expect(existsSync(path.dirname(page.file))).toBe(false);
    expect(() => page.dispose()).not.toThrow();
  });

  it('escapes the URL so it cannot end the attribute or the script', () => {
    const html = launchPageHtml('http://127.0.0.1:1/?a="><script>alert(1)</script>&b=\'');
    expect(html).not.toContain('"><script>alert');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('redirects only to http(s) URLs', () => {
    expect(() => writeLaunchPage('javascript:alert(1)')).toThrow(/http\(s\) URL/);
    expect(() => writeLaunchPage('file:///etc/passwd')).toThrow(/http\(s\) URL/);
  });
});
