// What the user can ask the engine to do, as plain functions over the client and the store
// (open, new demo, plan a drop, start / control a move, workload, verify, recovery). Views
// call these through ActionsContext; the engine's answers land in the store, and the
// engine's error sentence is shown where the action was asked.
import { createContext, useContext } from 'react';
import type { ApiClient, MoveCheckView, MoveControl, MoveRequest } from './store/actionTypes';
import type { AppStore } from './store';
import { loadWorkspace, refreshLiveState } from './store/engineEvents';
import { withClientsAsked } from './store/exportsSlice';
import { rateOf } from './store/moveSlice';
import { requestFor, type Selection } from './store/selection';

export interface Actions {
  /** Opens (or attaches to) the folder; the engine's sentence when it refused, else null. */
  openWorkspace(path: string): Promise<string | null>;
  newDemo(path: string, replace: boolean): Promise<string | null>;
  /** A folder the engine can create a new demo in (beside the open workspace), or null. */
  suggestDemoFolder(): Promise<string | null>;
  /** Asks move.plan whether `selection` may go to `destination`; null plan = no, with the reason. */
  /** The engine's verdict on a drop (move.check: the plan without its PV maps, which the plan dialog alone asks for). */
  checkDrop(selection: Selection, destination: string): Promise<{ ok: true; plan: MoveCheckView } | { ok: false; reason: string }>;
  /** Opens the plan dialog for a verdict that said yes. */
  openPlan(selection: Selection, destination: string): Promise<string | null>;
  /** Plans the open dialog's request again with another maximum segment size (lvm2 splits pvmove0's segments). */
  replan(maxSegmentSizeMiB: number | null): Promise<string | null>;
  startMove(request: MoveRequest): Promise<string | null>;
  control(action: MoveControl): Promise<string | null>;
  resumeRecorded(vg: string): Promise<string | null>;
  abortRecorded(vg: string): Promise<string | null>;
  startWorkload(vg: string, lv: string): Promise<string | null>;
  stopWorkload(): Promise<string | null>;
  verify(vg: string, lv: string): Promise<string | null>;
}

export function createActions(client: ApiClient, store: AppStore): Actions {
  const s = () => store.getState();
  const fail = (message: string) => {
    s().setMoveError(message);
    return message;
  };
  const moveOptions = () => {
    const settings = s().move.settings;
    return { stack: settings.stack, rateBytesPerSec: rateOf(settings), stepMode: settings.stepMode, regionSizeSectors: settings.regionSizeSectors };
  };
  /**
   * The request as the chosen stack runs it: only lvm2 splits pvmove0's segments or moves them
   * atomically, and an atomic move is one segment, so it never carries a maximum segment size.
   */
  const forStack = (request: MoveRequest): MoveRequest => {
    const { maxSegmentSizeMiB, atomic: _atomic, ...rest } = request;
    const settings = s().move.settings;
    if (settings.stack !== 'lvm2') return rest;
    if (settings.atomic) return { ...rest, atomic: true };
    const max = maxSegmentSizeMiB ?? settings.maxSegmentSizeMiB;
    return max ? { ...rest, maxSegmentSizeMiB: max } : rest;
  };
  const vgOf = () => s().workspace.view?.vgs[0]?.name ?? 'vg0';
  return {
    // From the Open dialog: a refusal is the dialog's sentence, never the header's.
    openWorkspace: (path) => loadWorkspace(client, store, path, { quiet: true }),
    async suggestDemoFolder() {
      const r = await client.call('workspace.suggestDemoFolder', {});
      return r.ok ? r.value.path : null;
    },
    async newDemo(path, replace) {
      const r = await withClientsAsked(store, `creating a demo workspace in ${path}`, (disconnectClients) =>
        client.call('workspace.createDemo', { path, scenario: 'seed', force: replace, ...(disconnectClients ? { disconnectClients } : {}) }),
      );
      if (!r.ok) return r.error.message;
      s().setWorkspaceView(r.value);
      await refreshLiveState(client, store);
      return null;
    },
    async checkDrop(selection, destination) {
      const r = await client.call('move.check', requestFor(selection, vgOf(), destination));
      return r.ok ? { ok: true, plan: r.value } : { ok: false, reason: r.error.message };
    },
    async openPlan(selection, destination) {
      const request = forStack(requestFor(selection, vgOf(), destination));
      const r = await client.call('move.plan', request);
      if (!r.ok) return fail(r.error.message);
      s().openPlan(request, r.value);
      return null;
    },
    async replan(maxSegmentSizeMiB) {
      const dialog = s().move.planDialog;
      if (!dialog) return null;
      s().setMoveSettings({ maxSegmentSizeMiB });
      const base: MoveRequest = { ...dialog.request };
      delete base.maxSegmentSizeMiB;
      const request = forStack(base);
      const r = await client.call('move.plan', request);
      if (!r.ok) return fail(r.error.message);
      s().setMoveError(null);
      s().openPlan(request, r.value);
      return null;
    },
    async startMove(request) {
      s().setMoveError(null);
      const r = await client.call('move.start', { request: forStack(request), options: moveOptions() });
      if (!r.ok) return fail(r.error.message);
      s().closePlan();
      s().setMoveState(r.value);
      return null;
    },
    async control(action) {
      const r = await client.call('move.control', action);
      if (!r.ok) return fail(r.error.message);
      s().setMoveState(r.value);
      return null;
    },
    async resumeRecorded(vg) {
      const r = await client.call('move.resume', { vg, options: moveOptions() });
      if (!r.ok) return fail(r.error.message);
      s().setMoveState(r.value);
      return null;
    },
    async abortRecorded(vg) {
      const r = await client.call('move.abortRecorded', { vg });
      if (!r.ok) return fail(r.error.message);
      const view = await client.call('workspace.view', {});
      if (view.ok) s().setWorkspaceView(view.value);
      await refreshLiveState(client, store);
      return null;
    },
    async startWorkload(vg, lv) {
      const r = await client.call('workload.start', { vg, lv, pattern: 'randrw', blockSizeBytes: 4096, iops: 40, seed: 7 });
      if (!r.ok) return s().setWorkloadError(r.error.message), r.error.message;
      s().setWorkloadError(null);
      s().setWorkloadStats(r.value);
      return null;
    },
    async stopWorkload() {
      const r = await client.call('workload.stop', {});
      if (!r.ok) return s().setWorkloadError(r.error.message), r.error.message;
      s().setWorkloadStats(r.value);
      return null;
    },
    async verify(vg, lv) {
      s().setVerifying(true);
      const r = await client.call('verify.run', { vg, lv });
      if (!r.ok) return s().setWorkloadError(r.error.message), r.error.message;
      s().setVerifyResult(r.value);
      return null;
    },
  };
}

/** Actions for a view rendered without an engine (tests of pure rendering): every call says so. */
export function offlineActions(): Actions {
  const no = async () => 'Not connected to the engine.';
  return {
    openWorkspace: no,
    newDemo: no,
    suggestDemoFolder: async () => null,
    checkDrop: async () => ({ ok: false, reason: 'Not connected to the engine.' }),
    openPlan: no,
    replan: no,
    startMove: no,
    control: no,
    resumeRecorded: no,
    abortRecorded: no,
    startWorkload: no,
    stopWorkload: no,
    verify: no,
  };
}

export const ActionsContext = createContext<Actions>(offlineActions());
export const useActions = (): Actions => useContext(ActionsContext);
