import { useAppStore } from '../storeContext';
import { formatBytes } from '../format';

export function WorkspacePanel() {
  const workspace = useAppStore((s) => s.workspace);
  return (
    <section className="panel workspace" aria-labelledby="workspace-title">
      <h2 id="workspace-title">Workspace</h2>
      <p className="workspace-path" data-testid="workspace-path">{workspace.path ?? '—'}</p>
      {workspace.status === 'loading' && <p className="muted">Listing image files…</p>}
      {workspace.status === 'error' && <p className="error" role="alert">{workspace.error}</p>}
      {workspace.status === 'ready' && workspace.images.length === 0 && (
        <p className="muted">This folder holds no image files yet.</p>
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
