// Every IPC request is checked before it reaches the engine: it must come from the main
// frame of lvmscope's own window, showing lvmscope's own page (the built renderer's file://
// URL, or the dev server's origin in development), in one of its windows (the app's, or the
// audience's). A frame that navigated elsewhere, an iframe, or another window gets a refusal (Electron's security checklist, item 17).
// Pure logic over plain values, so it is tested in Node without Electron.

export interface SenderFacts {
  /** webContents id of the sender. */
  webContentsId: number;
  /** URL of the frame that sent the message (event.senderFrame.url); undefined if gone. */
  frameUrl: string | undefined;
  /** Whether that frame is the top-level frame of its webContents. */
  isMainFrame: boolean;
}

export interface TrustedRenderer {
  /** webContents ids of lvmscope's windows: the app's, and the audience's when it is open. */
  webContentsIds: readonly number[];
  /** The page the window loads: file:///…/out/renderer/index.html or http://localhost:5173/. */
  rendererUrl: string;
}

export type SenderVerdict = { trusted: true } | { trusted: false; reason: string };

export function checkSender(sender: SenderFacts, trusted: TrustedRenderer): SenderVerdict {
  if (!trusted.webContentsIds.includes(sender.webContentsId)) {
    return { trusted: false, reason: 'the request came from a window that is not lvmscope’s' };
  }
  if (!sender.isMainFrame) return { trusted: false, reason: 'the request came from a sub-frame' };
  if (!sender.frameUrl || !sameDocument(sender.frameUrl, trusted.rendererUrl)) {
    return { trusted: false, reason: `the request came from a page that is not lvmscope’s (${sender.frameUrl ?? 'unknown'})` };
  }
  return { trusted: true };
}

/** Same page: file URLs must match path exactly; http(s) dev URLs must share the origin. */
function sameDocument(actual: string, expected: string): boolean {
  let a: URL;
  let e: URL;
  try {
    a = new URL(actual);
    e = new URL(expected);
  } catch {
    return false;
  }
  if (e.protocol === 'file:') return a.protocol === 'file:' && a.host === e.host && a.pathname === e.pathname;
  if (e.protocol === 'http:' || e.protocol === 'https:') return a.origin === e.origin;
  return false;
}

/**
 * Whether a window.open from lvmscope's page asks for the audience's window (issue 16): the
 * same page with `view=audience`. The main process then opens that window itself, with its
 * own hardened options; any other window.open stays denied.
 */
export function isAudienceRequest(url: string, rendererUrl: string): boolean {
  if (!sameDocument(url, rendererUrl)) return false;
  try {
    return new URL(url).searchParams.get('view') === 'audience';
  } catch {
    return false;
  }
}
