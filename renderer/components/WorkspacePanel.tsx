import { useAppStore } from '../storeContext';
import { formatBytes } from '../format';
import { useActions } from '../actions';

export function WorkspacePanel() {
  const workspace = useAppStore((s) => s.workspace);
  const actions = useActions();
  // Focusable: it scrolls in its pane, and a keyboard user scrolls it with the arrow keys.
  return (
    <section className="panel workspace" aria-labelledby="workspace-title" tabIndex={0}>
      <h2 id="workspace-title">Workspace</h2>
      <p className="workspace-path" data-testid="workspace-path">{workspace.path ?? '—'}</p>
      {workspace.status === 'loading' && <p className="muted">Listing image files…</p>}
      {workspace.status === 'error' && <p className="error" role="alert">{workspace.error}</p>}
      {workspace.status === 'ready' && workspace.images.length === 0 && workspace.path && (
        <>
          <p className="muted">This folder holds no image files yet. lvmscope writes nothing into a folder you only open.</p>
          <button
            type="button"
            data-testid="create-demo-here"
            title="Create pv1..pv4 (16 MiB each), vg0 and lv0 = pv1 | pv2 | pv3 in this folder"
            onClick={() => void actions.newDemo(workspace.path!, false)}
          >
            Create the seed demo here
          </button>
        </>
      )}
      {workspace.images.length > 0 && (
        <table className="images" data-testid="image-list">
          <thead>
            <tr>
              <th scope="col">Image file</th>
              <th scope="col" className="num">Size</th>
            </tr>
          </thead>
          <tbody>
            {workspace.images.map((image) => (
              <tr key={image.name} data-testid="image-row">
                <td className="mono">{image.name}</td>
                <td className="num" title={`${image.sizeBytes} bytes`}>{formatBytes(image.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
