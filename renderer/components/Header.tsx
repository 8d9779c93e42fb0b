import { useEffect, useState } from 'react';
import { useActions } from '../actions';
import { formatBytes } from '../format';
import { useAppStore } from '../storeContext';
import { nextTheme } from '../store/uiSlice';
import { ImportDialog } from './ImportDialog';
import { Logo } from './Logo';
import { RehearsalBadge, useRehearsalBadge } from './RehearsalBadge';
import { OpenRecordingButton } from '../replay/RecordingButtons';

/** Product, workspace and VG facts, Open workspace… / New demo workspace…, connection, theme. */
export function Header() {
  const info = useAppStore((s) => s.engine.info);
  const connection = useAppStore((s) => s.engine.connection);
  const theme = useAppStore((s) => s.ui.theme);
  const setTheme = useAppStore((s) => s.setTheme);
  const [dialog, setDialog] = useState<'open' | 'demo' | null>(null);
  const rehearsal = useRehearsalBadge();
  const replaying = useAppStore((s) => s.replay.info !== null);
  const infoText = replaying ? 'replaying a recording · no engine' : info ? `engine ${info.version} · ${info.host}` : 'connecting to the engine…';
  return (
    <header className="app-header">
      <Logo />
      <h1 className="product">lvmscope</h1>
      {rehearsal ? <RehearsalBadge text={rehearsal} engineInfo={infoText} /> : <span className="engine-info" data-testid="engine-info">{infoText}</span>}
      <VgFacts />
      {!replaying && <button type="button" onClick={() => setDialog('open')} title="Open a folder of image files (each image is a PV)">Open workspace…</button>}
      {!replaying && <button type="button" onClick={() => setDialog('demo')} title="Create the seed demo (lv0 on pv1 | pv2 | pv3, pv4 free) in a folder">New demo workspace…</button>}
      <OpenRecordingButton />
      {!replaying && (
        <span className={`connection connection-${connection}`} data-testid="connection" title="connection to the engine">
          {connection}
        </span>
      )}
      <button type="button" className="theme-button" onClick={() => setTheme(nextTheme(theme))} title="Switch theme (light, dark, follow the system)">
        theme: {theme}
      </button>
      {dialog && <PathDialog kind={dialog} onClose={() => setDialog(null)} />}
      <ImportDialog />
    </header>
  );
}

function VgFacts() {
  const vg = useAppStore((s) => s.workspace.view?.vgs[0]);
  const path = useAppStore((s) => s.workspace.path);
  const error = useAppStore((s) => s.workspace.error);
  if (error) return <span className="vg-facts error" role="alert" data-testid="workspace-error" title={error}>{error}</span>;
  if (!vg) return <span className="vg-facts muted mono">{path ?? ''}</span>;
  const extent = vg.extentSizeSectors * 512;
  // Two short lines instead of one long one: the header has room for them at 1024 px, and the
  // seqno (what a storage engineer compares with `vgs -o seqno`) is never cut off.
  return (
    <span className="vg-facts mono" data-testid="vg-facts" title={path}>
      <span className="vg-facts-line"><strong>{vg.name}</strong> {formatBytes(vg.sizeBytes)} · free {formatBytes(vg.freeBytes)} · seqno <span data-testid="vg-seqno">{vg.seqno}</span></span>
      <span className="vg-facts-line"><span className="vg-facts-sep">{' · '}</span>extent {formatBytes(extent)} · {vg.pvs.length} PVs · {vg.lvs.filter((l) => !l.hidden).length} LVs</span>
      {vg.readOnlyReason && <span className="vg-facts-line error" title={vg.readOnlyReason}>read-only: {vg.readOnlyReason}</span>}
    </span>
  );
}

function PathDialog({ kind, onClose }: { kind: 'open' | 'demo'; onClose: () => void }) {
  const current = useAppStore((s) => s.workspace.path ?? '');
  const [path, setPath] = useState(kind === 'demo' ? '' : current);
  const [replace, setReplace] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const actions = useActions();
  // The engine names a folder a demo can be created in (missing or empty, its parent there),
  // so the suggestion never fails on its own; what the user typed meanwhile is kept.
  useEffect(() => {
    if (kind !== 'demo') return;
    let cancelled = false;
    void actions.suggestDemoFolder().then((suggested) => {
      if (!cancelled && suggested) setPath((typed) => typed || suggested);
    });
    return () => {
      cancelled = true;
    };
  }, [kind, actions]);
  const setImportOpen = useAppStore((s) => s.setImportOpen);
  const submit = async () => {
    if (!path.trim()) return setError('Type the absolute path of a folder (like /home/you/lvmscope-demo).');
    // A refusal (a wrong path, a move still running) stays in the dialog, next to the path.
    const message = kind === 'open' ? await actions.openWorkspace(path) : await actions.newDemo(path, replace);
    if (message) setError(message);
    else onClose();
  };
  return (
    <div className="dialog-backdrop" role="dialog" aria-modal="true" aria-labelledby="path-title">
      <form className="dialog" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <h2 id="path-title">{kind === 'open' ? 'Open workspace' : 'New demo workspace'}</h2>
        <label>Folder on the engine's host <input className="path-input mono" data-testid="path-input" value={path} onChange={(e) => setPath(e.target.value)} autoFocus /></label>
        {kind === 'demo' && <label title="Deletes the image files already in that folder"><input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> replace the files in that folder</label>}
        {error && <p className="error" role="alert" data-testid="path-error">{error}</p>}
        {/* Import's opener lives here (and in File): one more header button wraps the header at 1280 px and cuts the diagram. */}
        <div className="dialog-buttons">{kind === 'open' && <button type="button" data-testid="import-open" className="dialog-aside" onClick={() => { onClose(); setImportOpen(true); }} title="Rehearse your own volume group: its vgcfgbackup file becomes a workspace of sparse images">Import a volume group…</button>}<button type="button" onClick={onClose}>Cancel</button><button type="submit" className="primary">{kind === 'open' ? 'Open' : 'Create'}</button></div>
      </form>
    </div>
  );
}
