// Proves the IPC sender check accepts only the main frame of lvmscope's own window showing
// lvmscope's own page, by feeding checkSender the facts Electron would report for the real
// window and for each way a request could come from elsewhere.

import { describe, expect, it } from 'vitest';
import { checkSender, isAudienceRequest } from '../../../main/electron/senderCheck';

const fileTrusted = { webContentsIds: [7, 9], rendererUrl: 'file:///opt/lvmscope/out/renderer/index.html' };
const devTrusted = { webContentsIds: [7], rendererUrl: 'http://localhost:5173/' };

describe('checkSender', () => {
  it('trusts the main frame of our window on our file:// page, whatever its hash or query', () => {
    expect(checkSender({ webContentsId: 7, frameUrl: 'file:///opt/lvmscope/out/renderer/index.html#/vg', isMainFrame: true }, fileTrusted)).toEqual({ trusted: true });
    expect(checkSender({ webContentsId: 7, frameUrl: 'file:///opt/lvmscope/out/renderer/index.html?x=1', isMainFrame: true }, fileTrusted)).toEqual({ trusted: true });
  });

  it('trusts the audience window (the second of our windows) as it trusts the first', () => {
    expect(checkSender({ webContentsId: 9, frameUrl: 'file:///opt/lvmscope/out/renderer/index.html?view=audience', isMainFrame: true }, fileTrusted)).toEqual({ trusted: true });
  });

  it('takes a window.open for our own page with view=audience as the audience window, and nothing else', () => {
    expect(isAudienceRequest('file:///opt/lvmscope/out/renderer/index.html?view=audience', fileTrusted.rendererUrl)).toBe(true);
    expect(isAudienceRequest('http://localhost:5173/?token=x&view=audience', devTrusted.rendererUrl)).toBe(true);
    expect(isAudienceRequest('file:///opt/lvmscope/out/renderer/index.html', fileTrusted.rendererUrl)).toBe(false);
    expect(isAudienceRequest('file:///tmp/evil.html?view=audience', fileTrusted.rendererUrl)).toBe(false);
    expect(isAudienceRequest('https://example.com/?view=audience', fileTrusted.rendererUrl)).toBe(false);
    expect(isAudienceRequest('not a url', fileTrusted.rendererUrl)).toBe(false);
  });

  it('trusts any path of the dev server origin in development', () => {
    expect(checkSender({ webContentsId: 7, frameUrl: 'http://localhost:5173/some/route', isMainFrame: true }, devTrusted).trusted).toBe(true);
  });

  it.each([
    ['another window', { webContentsId: 8, frameUrl: 'file:///opt/lvmscope/out/renderer/index.html', isMainFrame: true }, 'not lvmscope’s'],
    ['a sub-frame', { webContentsId: 7, frameUrl: 'file:///opt/lvmscope/out/renderer/index.html', isMainFrame: false }, 'sub-frame'],
    ['another local file', { webContentsId: 7, frameUrl: 'file:///tmp/evil.html', isMainFrame: true }, 'file:///tmp/evil.html'],
    ['a web page', { webContentsId: 7, frameUrl: 'https://example.com/', isMainFrame: true }, 'https://example.com/'],
    ['a frame that is gone', { webContentsId: 7, frameUrl: undefined, isMainFrame: true }, 'unknown'],
    ['a malformed URL', { webContentsId: 7, frameUrl: 'not a url', isMainFrame: true }, 'not a url'],
  ])('refuses a request from %s and says why', (_what, sender, reasonPart) => {
    const verdict = checkSender(sender, fileTrusted);
    expect(verdict.trusted).toBe(false);
    if (!verdict.trusted) expect(verdict.reason).toContain(reasonPart);
  });

  it('refuses a different dev-server origin and everything while no window exists', () => {
    expect(checkSender({ webContentsId: 7, frameUrl: 'http://localhost:5174/', isMainFrame: true }, devTrusted).trusted).toBe(false);
    expect(checkSender({ webContentsId: 7, frameUrl: 'file:///opt/lvmscope/out/renderer/index.html', isMainFrame: true }, { ...fileTrusted, webContentsIds: [] }).trusted).toBe(false);
  });
});
