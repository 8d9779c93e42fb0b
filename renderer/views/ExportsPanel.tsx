// The LVs real programs use while lvmscope moves them (issue 17): where the host serves them,
// and for each connected client the LV it uses (in the LV's own colour, as everywhere), where
// it connected from, and its live counters (reads, writes, bytes, writes a mirror held, requests
// in flight). Shown only while the host serves exports or a client is still connected; the
// engine's exports.changed events keep it current.
import { formatBytes } from '../format';
import { swatchBackground } from '../geometry/palette';
import { connectedClients, exportsShown } from '../store/exportsSlice';
import { useAppStore } from '../storeContext';
import { useVgColors } from './colors';
import type { ExportClientView, ExportsView } from '../../app/api/exports';

/** The command a user can paste to see the exports: nbdinfo names every LV the host serves. */
export function listCommand(listening: string): string {
  return listening.startsWith('unix:') ? `nbdinfo --list 'nbd+unix:///?socket=${listening.slice('unix:'.length)}'` : `nbdinfo --list nbd://${listening}`;
}

function servingLine(view: ExportsView): string {
  const n = view.exports.length;
  const lvs = `${n} LV${n === 1 ? '' : 's'}`;
  if (view.listening === null) return `Not serving any more; ${lvs} still open to the clients below.`;
  return `Serving ${lvs} over NBD on ${view.listening}, each as VG/LV.`;
}

export function ExportsPanel() {
  const view = useAppStore((s) => s.exports.view);
  const colors = useVgColors();
  if (!view || !exportsShown(view)) return null;
  const clients = connectedClients(view);
  return (
    <section className="panel exports" aria-labelledby="exports-title" data-testid="exports-panel">
      <h2 id="exports-title">Exports{clients.length > 0 ? ` · ${clients.length} client${clients.length === 1 ? '' : 's'}` : ''}</h2>
      <p className="exports-serving" data-testid="exports-serving">{servingLine(view)}</p>
      {clients.length === 0 && view.listening !== null && (
        <p className="muted exports-hint">
          No client is connected. List the exports with:
          <code className="mono exports-command">{listCommand(view.listening)}</code>
        </p>
      )}
      <ul className="export-clients">
        {clients.map(({ export: e, client }) => {
          const style = colors.lv.get(e.lv);
          return (
            <li key={client.id} className="export-client" data-testid="export-client" data-export={e.name}>
              <div className="export-client-head">
                <span className="swatch" aria-hidden="true" style={style ? { background: swatchBackground(style) } : undefined} />
                <strong className="mono">{e.name}</strong>
                <span className="mono muted export-address" title={`client #${client.id}`}>{client.address}</span>
              </div>
              <ClientCounters client={client} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** One client's counters (each request count with its bytes); the titles say what each counts. */
function ClientCounters({ client }: { client: ExportClientView }) {
  return (
    <dl className="export-counters mono" data-testid="export-counters">
      <div title="Read requests answered, and the bytes they read"><dt>reads</dt><dd><span data-testid="export-reads">{client.reads}</span> · <span data-testid="export-bytes-read">{formatBytes(client.bytesRead)}</span></dd></div>
      <div title="Write requests answered, and the bytes they wrote"><dt>writes</dt><dd><span data-testid="export-writes">{client.writes}</span> · <span data-testid="export-bytes-written">{formatBytes(client.bytesWritten)}</span></dd></div>
      <div title="Writes of this client that a mirror held until their region was copied"><dt>intercepted</dt><dd data-testid="export-intercepted">{client.interceptedWrites}</dd></div>
      <div title="Requests received and not answered yet (held while a device is suspended, for example)"><dt>in flight</dt><dd data-testid="export-in-flight">{client.inFlight}</dd></div>
      {client.flushes + client.trims > 0 && <div title="Flush and trim requests"><dt>flush · trim</dt><dd>{client.flushes} · {client.trims}</dd></div>}
      {client.errors > 0 && <div className="error" title="Requests answered with an error"><dt>errors</dt><dd data-testid="export-errors">{client.errors}</dd></div>}
    </dl>
  );
}
