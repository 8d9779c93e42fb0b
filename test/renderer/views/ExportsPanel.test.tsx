// @vitest-environment happy-dom
// Proves the Exports panel: absent for an engine without exports and while nothing is served;
// while serving with nobody connected it says where and how to list the exports; each connected
// client is shown under its LV's name in the LV's colour with its live counters, which follow
// exports.changed; errors appear only when there are some. And the disconnect dialog: it shows
// the question with Cancel focused, and its buttons settle the question with the answer.

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportClientView, ExportsView } from '../../../app/api/exports';
import type { WorkspaceView } from '../../../app/api/views';
import { createAppStore } from '../../../renderer/store';
import { StoreContext } from '../../../renderer/storeContext';
import { DisconnectDialog } from '../../../renderer/views/DisconnectDialog';
import { ExportsPanel, listCommand } from '../../../renderer/views/ExportsPanel';

afterEach(cleanup);

function client(id: number, counters: Partial<ExportClientView> = {}): ExportClientView {
  return { id, address: `unix:/run/lvmscope.sock #${id}`, sinceMs: 0, reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, flushes: 0, trims: 0, interceptedWrites: 0, inFlight: 0, errors: 0, ...counters };
}

function exportsOf(listening: string | null, clients: ExportClientView[]): ExportsView {
  return { listening, exports: [{ name: 'vg0/lv0', vg: 'vg0', lv: 'lv0', sizeBytes: 15 << 20, clients }, { name: 'vg0/lv1', vg: 'vg0', lv: 'lv1', sizeBytes: 4 << 20, clients: [] }] };
}

const WORKSPACE = { path: '/ws', images: [], vgs: [{ name: 'vg0', lvs: [{ name: 'lv0' }, { name: 'lv1' }], pvs: [] }] } as unknown as WorkspaceView;

function renderPanel() {
  const store = createAppStore();
  store.getState().setWorkspaceView(WORKSPACE);
  render(
    <StoreContext.Provider value={store}>
      <ExportsPanel />
      <DisconnectDialog />
    </StoreContext.Provider>,
  );
  return store;
}

describe('the Exports panel', () => {
  it('is absent for an engine without exports and while nothing is served', () => {
    const store = renderPanel();
    expect(screen.queryByTestId('exports-panel')).toBeNull();
    act(() => store.getState().setExportsView(exportsOf(null, [])));
    expect(screen.queryByTestId('exports-panel')).toBeNull();
  });

  it('says where the LVs are served and how to list them while nobody is connected', () => {
    const store = renderPanel();
    act(() => store.getState().setExportsView(exportsOf('unix:/run/lvmscope.sock', [])));
    expect(screen.getByTestId('exports-serving').textContent).toBe('Serving 2 LVs over NBD on unix:/run/lvmscope.sock, each as VG/LV.');
    expect(screen.getByText("nbdinfo --list 'nbd+unix:///?socket=/run/lvmscope.sock'")).toBeTruthy();
    expect(listCommand('127.0.0.1:10809')).toBe('nbdinfo --list nbd://127.0.0.1:10809');
    expect(screen.queryAllByTestId('export-client')).toHaveLength(0);
  });

  it("lists each client under its LV in the LV's colour, with counters that follow exports.changed", () => {
    const store = renderPanel();
    act(() => store.getState().setExportsView(exportsOf('unix:/run/lvmscope.sock', [client(3, { reads: 2, writes: 5, bytesWritten: 20480, interceptedWrites: 1, inFlight: 2 })])));
    const row = screen.getByTestId('export-client');
    expect(row.dataset.export).toBe('vg0/lv0');
    expect(row.textContent).toContain('unix:/run/lvmscope.sock #3');
    expect((row.querySelector('.swatch') as HTMLElement).style.background).not.toBe('');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Exports · 1 client');
    expect(screen.getByTestId('export-writes').textContent).toBe('5');
    expect(screen.getByTestId('export-bytes-written').textContent).toBe('20.0 KiB');
    expect(screen.getByTestId('export-intercepted').textContent).toBe('1');
    expect(screen.getByTestId('export-in-flight').textContent).toBe('2');
    expect(screen.queryByTestId('export-errors')).toBeNull();
    act(() => store.getState().setExportsView(exportsOf('unix:/run/lvmscope.sock', [client(3, { reads: 2, writes: 9, bytesWritten: 36864, errors: 1 })])));
    expect(screen.getByTestId('export-writes').textContent).toBe('9');
    expect(screen.getByTestId('export-errors').textContent).toBe('1');
  });
});

describe('the disconnect dialog', () => {
  it('shows the question with Cancel focused, and its buttons answer it', async () => {
    const store = renderPanel();
    expect(screen.queryByTestId('disconnect-dialog')).toBeNull();
    let answer!: Promise<boolean>;
    act(() => void (answer = store.getState().askDisconnect('1 client is connected to vg0/lv0. Disconnect it and continue?')));
    expect(screen.getByTestId('disconnect-message').textContent).toBe('1 client is connected to vg0/lv0. Disconnect it and continue?');
    expect(document.activeElement).toBe(screen.getByTestId('disconnect-cancel'));
    act(() => void fireEvent.click(screen.getByTestId('disconnect-confirm')));
    await expect(answer).resolves.toBe(true);
    expect(screen.queryByTestId('disconnect-dialog')).toBeNull();
    act(() => void (answer = store.getState().askDisconnect('again?')));
    act(() => void fireEvent.click(screen.getByTestId('disconnect-cancel')));
    await expect(answer).resolves.toBe(false);
  });
});
