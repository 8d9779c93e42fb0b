import { useAppStore } from '../storeContext';

export function AboutDialog() {
  const open = useAppStore((s) => s.ui.aboutOpen);
  const info = useAppStore((s) => s.engine.info);
  const setAboutOpen = useAppStore((s) => s.setAboutOpen);
  if (!open) return null;
  return (
    <div className="about-backdrop" role="dialog" aria-modal="true" aria-labelledby="about-title">
      <div className="about">
        <h2 id="about-title">About lvmscope</h2>
        <p>See and rehearse live LVM migrations: device-mapper and pvmove, step by step, on image files.</p>
        <p className="mono">engine {info?.version ?? '?'} · capabilities: {info?.capabilities.join(', ') ?? '?'}</p>
        <button type="button" onClick={() => setAboutOpen(false)}>Close</button>
      </div>
    </div>
  );
}
