// The LVs the host exports to real programs (NBD, issue 17) and who is connected to them, as
// the engine reports them (exports.list on attach, exports.changed afterwards); and the
// question asked before opening another workspace would drop those clients.
import type { StateCreator } from 'zustand/vanilla';
import type { ExportClientView, ExportsView, ExportView } from '../../app/api/exports';
import type { ApiResult } from '../../app/api/wire';
import { isMoveActive } from './moveSlice';
import type { AppState, AppStore } from './index';

/** Asked before an action that would drop connected clients; `answer` settles the caller's wait. */
export interface DisconnectQuestion {
  /** What would happen, in the UI's words (who is connected, what the action does to them). */
  message: string;
  answer(disconnect: boolean): void;
}

export interface ExportsSlice {
  exports: {
    /** null until the engine answered exports.list (or when it has no such method: nothing to show). */
    view: ExportsView | null;
    question: DisconnectQuestion | null;
  };
  setExportsView(view: ExportsView | null): void;
  /** Shows the question and resolves with the user's answer (a second question answers the first "no"). */
  askDisconnect(message: string): Promise<boolean>;
}

export const createExportsSlice: StateCreator<AppState, [], [], ExportsSlice> = (set, get) => ({
  exports: { view: null, question: null },
  setExportsView: (view) => set((s) => ({ exports: { ...s.exports, view } })),
  askDisconnect: (message) =>
    new Promise<boolean>((resolve) => {
      get().exports.question?.answer(false);
      const question: DisconnectQuestion = {
        message,
        answer: (disconnect) => {
          // Only the question on screen clears the dialog; an old one just settles its caller.
          if (get().exports.question === question) set((s) => ({ exports: { ...s.exports, question: null } }));
          resolve(disconnect);
        },
      };
      set((s) => ({ exports: { ...s.exports, question } }));
    }),
});

/** Every connected client with the export it uses, in the engine's order. */
export function connectedClients(view: ExportsView | null): Array<{ export: ExportView; client: ExportClientView }> {
  return (view?.exports ?? []).flatMap((e) => e.clients.map((client) => ({ export: e, client })));
}

/** The panel is worth its space when the host serves exports or someone is still connected. */
export function exportsShown(view: ExportsView | null): boolean {
  return view !== null && (view.listening !== null || connectedClients(view).length > 0);
}

/**
 * The question before `action` ("opening /srv/b") drops the connected clients: who they are
 * and what happens to them, or null when nobody is connected.
 */
export function disconnectQuestion(view: ExportsView | null, action: string): string | null {
  const clients = connectedClients(view);
  if (clients.length === 0) return null;
  const names = [...new Set(clients.map((c) => c.export.name))].join(', ');
  const who = clients.length === 1 ? `1 client is connected to ${names} (${clients[0].client.address})` : `${clients.length} clients are connected to ${names}`;
  const them = clients.length === 1 ? 'it' : 'them';
  // The engine answers the requests already in flight before it closes a connection.
  return `${who}. ${capitalised(action)} closes this workspace and its exports: the requests in flight are answered, then the connection${clients.length === 1 ? ' is' : 's are'} dropped. Disconnect ${them} and continue?`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Runs `call` (an action that closes the open workspace: opening another, creating a demo,
 * importing); when the engine refuses it because clients use the exports (BUSY while this window
 * knows of connected clients and no move runs: a running move has its own BUSY sentence), asks
 * the user, and on yes runs it again with disconnectClients. A "no" gives back the refusal.
 */
export async function withClientsAsked<T>(store: AppStore, action: string, call: (disconnectClients: boolean) => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
  const first = await call(false);
  if (first.ok || first.error.code !== 'BUSY') return first;
  const s = store.getState();
  const moving = s.move.state !== null && isMoveActive(s.move.state.status);
  const question = moving ? null : disconnectQuestion(s.exports.view, action);
  if (!question || !(await s.askDisconnect(question))) return first;
  return call(true);
}
