// The badge of a rehearsal workspace (issue 18 item 5): "rehearsal of vg0 from db7 2026-11-30",
// asked of the engine whenever another workspace is shown, so nobody takes the copy for the
// real volume group.
import { useEffect, useState } from 'react';
import { useRehearsalActions } from '../rehearsal/actions';
import '../rehearsal/rehearsal.css';
import { useAppStore } from '../storeContext';

export function RehearsalBadge() {
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
  if (!badge || badge.path !== path) return null;
  return (
    <span className="rehearsal-badge" data-testid="rehearsal-badge" role="status" title="This workspace is a rehearsal copy of a real volume group (lvmscope import): sparse images, never the real disks.">
      {badge.text}
    </span>
  );
}
