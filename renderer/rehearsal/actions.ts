// What the UI asks the engine about rehearsals (issue 18 item 5): import a volume group from
// the vgcfgbackup file the user picked into a new workspace and open it, the badge of the open
// workspace, and the planned move as a bash script to download. Each returns the engine's
// sentence when it refused, else null (the badge: the text, or null for no rehearsal).
import { createContext, useContext } from 'react';
import type { ApiClient, MoveRequest } from '../store/actionTypes';
import type { AppStore } from '../store';
import { loadWorkspace } from '../store/engineEvents';
import { withClientsAsked } from '../store/exportsSlice';
import { downloadBlob } from '../export/diagramExport';

export interface PickedFile {
  name: string;
  text: string;
}

export interface RehearsalActions {
  importVolumeGroup(path: string, backup: PickedFile, report: PickedFile | null): Promise<string | null>;
  /** The open workspace's badge ("rehearsal of vg0 from db7 2026-11-30"), null when it was not imported. */
  badge(): Promise<string | null>;
  /** Downloads `<vg>-pvmove.sh`: the plan of `request`, or of the running or last move. */
  exportScript(request?: MoveRequest): Promise<string | null>;
  /** Where LVM2 would behave differently from the rehearsal of `request`, a sentence each (none when it cannot tell). */
  differences(request: MoveRequest): Promise<string[]>;
}

/** The browser host's WebSocket takes messages up to 1 MiB (main/serve/socket.ts); leave room for the rest. */
const BROWSER_TEXT_LIMIT = 900 * 1024;

export function createRehearsalActions(client: ApiClient, store: AppStore): RehearsalActions {
  const s = () => store.getState();
  return {
    async importVolumeGroup(path, backup, report) {
      const size = backup.text.length + (report?.text.length ?? 0);
      if (s().engine.host?.host === 'browser' && size > BROWSER_TEXT_LIMIT) {
        return `${backup.name}${report ? ` and ${report.name}` : ''} are ${Math.ceil(size / 1024)} KiB, more than the browser connection carries (${BROWSER_TEXT_LIMIT / 1024} KiB); import it with lvmscope import ${path} --backup FILE on the engine's host, then open the folder.`;
      }
      const r = await withClientsAsked(store, `importing into ${path}`, (disconnectClients) =>
        client.call('workspace.import', { path, backup, ...(report ? { report } : {}), ...(disconnectClients ? { disconnectClients } : {}) }),
      );
      if (!r.ok) return r.error.message;
      // Lists the images and attaches to the workspace the import opened (nothing is reopened).
      return loadWorkspace(client, store, path, { showError: true });
    },
    async badge() {
      const r = await client.call('workspace.rehearsal', {});
      return r.ok ? r.value.badge : null;
    },
    async exportScript(request) {
      const settings = s().move.settings;
      // Only a rate the user set stands for the real disks: the demo preset is slowed for the eye.
      const rate = settings.ratePreset === 'custom' && settings.customRateBytesPerSec > 0 ? { rateBytesPerSec: settings.customRateBytesPerSec } : {};
      const r = await client.call('move.script', { ...(request ? { request } : {}), ...rate });
      if (!r.ok) return r.error.message;
      downloadBlob(new Blob([r.value.script], { type: 'text/x-shellscript' }), r.value.fileName);
      return null;
    },
    async differences(request) {
      const r = await client.call('move.script', { request });
      return r.ok ? r.value.differences : [];
    },
  };
}

export function offlineRehearsalActions(): RehearsalActions {
  const no = async () => 'Not connected to the engine.';
  return { importVolumeGroup: no, badge: async () => null, exportScript: no, differences: async () => [] };
}

export const RehearsalActionsContext = createContext<RehearsalActions>(offlineRehearsalActions());
export const useRehearsalActions = (): RehearsalActions => useContext(RehearsalActionsContext);
