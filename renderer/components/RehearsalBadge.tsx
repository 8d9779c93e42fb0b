// The badge of a rehearsal workspace (issue 18 item 5): "rehearsal of vg0 from db7 2026-11-30",
// asked of the engine whenever another workspace is shown, so nobody takes the copy for the
// real volume group. It takes the place of the engine's name and version in the header (kept in
// its tooltip), on two short lines: one more header item wraps the header at 1280 px.
import { useEffect, useState } from 'react';
import { useRehearsalActions } from '../rehearsal/actions';
import { useAppStore } from '../storeContext';

/** The open workspace's badge text, or null when it is not a rehearsal (or not known yet). */
export function useRehearsalBadge(): string | null {
  const path = useAppStore((s) => s.workspace.view?.path ?? null);
  const actions = useRehearsalActions();
  const [badge, setBadge] = useState<{ path: string; text: string } | null>(null);
  useEffect(() => {
    if (!path) return;
    let live = true;
    void actions.badge().then((text) => {
      if (live) setBadge(text ? { path, text } : null);
    });
    return () => {
      live = false;
    };
  }, [actions, path]);
  // A badge fetched for another folder is not shown while the new one is asked for.
  return badge && badge.path === path ? badge.text : null;
}

export function RehearsalBadge({ text, engineInfo }: { text: string; engineInfo: string }) {
  const cut = text.lastIndexOf(' from ');
  const [what, whence] = cut > 0 ? [text.slice(0, cut), text.slice(cut + 1)] : [text, ''];
  return (
    <span className="rehearsal-badge" data-testid="rehearsal-badge" role="status" aria-label={text} title={`${text}: a rehearsal copy of a real volume group (lvmscope import), sparse images, never the real disks. ${engineInfo}`}>
      <span className="rehearsal-badge-line">{what}</span>
      {/* The space is for copy-paste and screen readers; a flex column does not draw it. */}
      {whence && <>{' '}<span className="rehearsal-badge-line">{whence}</span></>}
    </span>
  );
}
