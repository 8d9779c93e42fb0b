// Two windows on one move (issue 16 item 1): the presenter's (presentation mode, with the
// controls, the narration and the next step) and the audience's (the diagram only, on the
// projector). Both attach to the engine's live move like any window; what only the presenter
// knows is which step it shows (← replays an earlier one), so the presenter's window sends
// that snapshot over a BroadcastChannel, and the audience shows it, or the live state. The
// channel joins windows of one origin in one browser (the served page's tabs, or the desktop
// app's windows); it carries plain data, never a command.
import type { StepSnapshot } from './history';

/** Which window this is: the app (main, where presentation mode is the presenter's view) or the audience's. */
export type ViewRole = 'main' | 'audience';

export const AUDIENCE_CHANNEL = 'lvmscope-audience';

export function viewRoleFrom(search: string): ViewRole {
  return new URLSearchParams(search).get('view') === 'audience' ? 'audience' : 'main';
}

/** The audience window's address: this page's (its token included) with `view=audience`. */
export function audienceUrl(href: string): string {
  const url = new URL(href);
  url.searchParams.set('view', 'audience');
  url.hash = '';
  return url.toString();
}

/** What travels on the channel: the presenter's shown step (null = live), or an audience asking for it. */
export type AudienceMessage = { kind: 'shown'; snapshot: StepSnapshot | null; presenting: boolean } | { kind: 'hello' };

/** Reads a message from the channel; anything else (another version, a stray post) is ignored. */
export function parseAudienceMessage(data: unknown): AudienceMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (m.kind === 'hello') return { kind: 'hello' };
  if (m.kind !== 'shown' || typeof m.presenting !== 'boolean') return null;
  const snapshot = m.snapshot as StepSnapshot | null;
  if (snapshot !== null && (typeof snapshot !== 'object' || typeof snapshot.key !== 'string' || typeof snapshot.views?.move !== 'object')) return null;
  return { kind: 'shown', snapshot, presenting: m.presenting };
}

export interface AudienceLink {
  post(message: AudienceMessage): void;
  close(): void;
}

/** Opens the channel (null where BroadcastChannel does not exist, as in Node tests). */
export function openAudienceLink(onMessage: (message: AudienceMessage) => void): AudienceLink | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  const channel = new BroadcastChannel(AUDIENCE_CHANNEL);
  channel.onmessage = (event: MessageEvent) => {
    const message = parseAudienceMessage(event.data);
    if (message) onMessage(message);
  };
  return { post: (message) => channel.postMessage(message), close: () => channel.close() };
}

/**
 * Opens the audience window (the desktop app allows exactly this address as a new window; a
 * browser may block a pop-up, which the caller reports). Returns whether a window opened.
 */
export function openAudienceWindow(win: Pick<Window, 'open' | 'location'>): boolean {
  const opened = win.open(audienceUrl(win.location.href), 'lvmscope-audience', 'popup,width=1280,height=720');
  // The desktop app's main process opens the window itself and returns null to the page.
  return opened !== null || 'lvmscope' in win;
}
