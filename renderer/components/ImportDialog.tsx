// "Import a volume group…" (issue 18 item 5): the user picks a vgcfgbackup file (and, if the
// backup lacks them, the pvs JSON report of the system) and a new folder; the engine writes
// sparse images named after the devices there and opens it as a rehearsal. The folder is
// proposed beside the current workspace, named after the VG; a refusal stays in the dialog as
// the engine's sentence. A native modal <dialog> (as the plan dialog): the page behind is inert,
// and Escape cancels wherever the focus is (a button disabled while importing drops it).
import { useEffect, useRef, useState } from 'react';
import { useRehearsalActions, type PickedFile } from '../rehearsal/actions';
import { useAppStore } from '../storeContext';

/** The VG a backup describes: its first top-level `name {` block (LVM2 writes nothing before it but assignments). */
export function vgNameOf(text: string): string | null {
  return /^([A-Za-z0-9+_.-]+)\s*\{/m.exec(text)?.[1] ?? null;
}

/** `<parent of the current workspace>/<vg>-rehearsal`: a folder the engine may create (its parent exists). */
export function proposedFolder(current: string, vg: string | null): string {
  const trimmed = current.replace(/\/+$/, '');
  const parent = trimmed.slice(0, trimmed.lastIndexOf('/')) || '/';
  return `${parent.replace(/\/$/, '')}/${vg ?? 'vg'}-rehearsal`;
}

async function readPicked(input: HTMLInputElement): Promise<PickedFile | null> {
  const file = input.files?.[0];
  return file ? { name: file.name, text: await file.text() } : null;
}

export function ImportDialog() {
  const open = useAppStore((s) => s.ui.importOpen);
  return open ? <ImportForm /> : null;
}

function ImportForm() {
  const current = useAppStore((s) => s.workspace.path ?? '');
  const setOpen = useAppStore((s) => s.setImportOpen);
  const actions = useRehearsalActions();
  const [backup, setBackup] = useState<PickedFile | null>(null);
  const [report, setReport] = useState<PickedFile | null>(null);
  const [path, setPath] = useState(() => proposedFolder(current, null));
  const [pathEdited, setPathEdited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => setOpen(false);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);
  const pickBackup = async (input: HTMLInputElement) => {
    const picked = await readPicked(input);
    setBackup(picked);
    setError(null);
    // The proposed folder follows the VG until the user types a folder of their own.
    if (picked && !pathEdited) setPath(proposedFolder(current, vgNameOf(picked.text)));
  };
  const submit = async () => {
    if (!backup) return setError('Choose the vgcfgbackup file of the volume group first (/etc/lvm/backup/<vg> on its host, or the output of vgcfgbackup -f FILE).');
    setBusy(true);
    const message = await actions.importVolumeGroup(path, backup, report);
    setBusy(false);
    if (message) setError(message);
    else close();
  };
  return (
    <dialog ref={ref} className="dialog" aria-modal="true" aria-labelledby="import-title" data-testid="import-dialog" onCancel={(e) => { e.preventDefault(); close(); }}>
      <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <h2 id="import-title">Import a volume group</h2>
        <p className="muted">A rehearsal copy of a real VG: sparse images with the same PV sizes, extents, UUIDs and metadata, named after its devices. Nothing is read from or written to the real disks.</p>
        <label>vgcfgbackup file <input type="file" data-testid="import-backup" autoFocus onChange={(e) => void pickBackup(e.currentTarget)} /></label>
        <label title="For a backup without device sizes or metadata area sizes: pvs --reportformat json --units b -o +pv_uuid,pv_mda_size,pv_mda_count,pv_mda_used_count,dev_size,pe_start">
          pvs JSON report (optional) <input type="file" accept=".json,application/json" data-testid="import-report" onChange={(e) => void readPicked(e.currentTarget).then(setReport)} />
        </label>
        <label>New folder on the engine's host <input className="path-input mono" data-testid="import-path" value={path} onChange={(e) => { setPath(e.target.value); setPathEdited(true); }} /></label>
        {backup && <p className="muted" data-testid="import-picked">{backup.name}: volume group {vgNameOf(backup.text) ?? '(no name found)'}{report ? `, with ${report.name}` : ''}</p>}
        {error && <p className="error" role="alert" data-testid="import-error">{error}</p>}
        <div className="dialog-buttons">
          <button type="button" onClick={close}>Cancel</button>
          <button type="submit" className="primary" data-testid="import-submit" disabled={busy}>{busy ? 'Importing…' : 'Import'}</button>
        </div>
      </form>
    </dialog>
  );
}
