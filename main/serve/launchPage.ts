// A launch page for opening a tokened URL in a browser without putting the token on a
// command line. Any user on the machine can read /proc/PID/cmdline of `xdg-open`, of the
// browser it starts and of `chromium --app=…`; the token there would hand them the engine.
// Jupyter's answer, used here too: write a small HTML file that only its owner can read (0600,
// inside a fresh 0700 folder), open the file:// URL of that file, and let the page redirect
// to the tokened URL. The page is removed when the server stops.

import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface LaunchPage {
  /** The HTML file (inside a folder of its own). */
  file: string;
  /** The file:// URL to hand to a browser; it holds no secret. */
  fileUrl: string;
  /** Removes the file and its folder; safe to call more than once. */
  dispose(): void;
}

export const LAUNCH_PAGE_NAME = 'lvmscope-launch.html';

/** Writes the launch page for `url` (synchronously, so callers can spawn a browser at once). */
export function writeLaunchPage(url: string, tmpDir = os.tmpdir()): LaunchPage {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`A launch page only redirects to an http(s) URL, not to ${target.protocol}`);
  // mkdtemp makes the folder with mode 0700 (owner only), whatever the umask.
  const folder = mkdtempSync(path.join(tmpDir, 'lvmscope-launch-'));
  const file = path.join(folder, LAUNCH_PAGE_NAME);
  try {
    // 'wx': never follow or reuse a file planted in the folder (it is new, but be exact).
    const fd = openSync(file, 'wx', 0o600);
    try {
      // writeFileSync on a descriptor loops until every byte is written (writeSync may not).
      writeFileSync(fd, launchPageHtml(target.href));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    rmSync(folder, { recursive: true, force: true });
    throw e;
  }
  return {
    file,
    fileUrl: pathToFileURL(file).href,
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/**
 * The page: a meta refresh (works with scripts disabled), a script that replaces the history
 * entry (so Back does not return to the file page, which may be gone by then), and a link for
 * browsers that do neither. No Content-Security-Policy: on a file:// page a CSP would only
 * risk blocking the redirect, and the page loads nothing. `no-referrer` keeps the file path
 * out of the request.
 */
export function launchPageHtml(href: string): string {
  const attribute = escapeHtml(href);
  // JSON string, with `<` escaped so that no `</script>` can end the script early.
  const script = JSON.stringify(href).replace(/</g, '\\u003c');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${attribute}">`,
    '<title>Opening lvmscope…</title>',
    `<script>location.replace(${script});</script>`,
    '</head>',
    '<body>',
    `<p>Opening lvmscope… If nothing happens, <a href="${attribute}">open lvmscope here</a>.</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
}
