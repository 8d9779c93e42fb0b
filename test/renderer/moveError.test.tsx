// @vitest-environment happy-dom
// Proves the move controls show why the engine paused a move (a full disk names the file and
// what to do), for as long as the move stays paused with that error, and say that Resume
// copies the failed regions again; the sentence is gone once the engine clears its error.
// And the workload panel shows the last IO that failed, as not acknowledged.

import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { MoveStateView } from '../../app/api/move';
import { createAppStore } from '../../renderer/store';
import { StoreContext } from '../../renderer/storeContext';
import { MoveButtons } from '../../renderer/views/MoveButtons';
import { MoveControls, WorkloadPanel } from '../../renderer/views/Controls';

afterEach(cleanup);

const FULL = 'The copy to pv4 failed, so the move is paused at its last checkpoint (2.50 MiB still to copy): Could not write 512.00 KiB at byte 2621440 of pv4.img: the filesystem holding it is full (ENOSPC).';

function moveState(error: string | null, paused: boolean): MoveStateView {
  const progress = { bytesTotal: 4 << 20, bytesCopied: 1 << 20, percent: 25, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: 0, paused, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 1 << 20 };
  return { id: 1, vg: 'vg0', stack: 'outline', status: paused ? 'paused' : 'running', stepMode: false, plan: {} as MoveStateView['plan'], currentLv: 'lv0', step: 'lv0/copy', steps: [], layer: null, progress, error } as MoveStateView;
}

describe('the move controls', () => {
  it("show the engine's sentence while a move is paused by an IO error, and drop it when the engine does", () => {
    const store = createAppStore();
    render(
      <StoreContext.Provider value={store}>
        <MoveControls />
        <MoveButtons />
      </StoreContext.Provider>,
    );
    expect(screen.queryByTestId('move-state-error')).toBeNull();
    act(() => {
      store.getState().setMoveState(moveState(FULL, true));
      store.getState().setProgress(moveState(FULL, true).progress);
    });
    const alert = screen.getByTestId('move-state-error');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toContain('pv4.img: the filesystem holding it is full (ENOSPC)');
    expect(alert.textContent).toContain('Resume copies the failed regions again');
    expect(screen.getByTestId('pause').textContent).toBe('Resume');
    act(() => {
      store.getState().setMoveState(moveState(null, false));
      store.getState().setProgress(moveState(null, false).progress);
    });
    expect(screen.queryByTestId('move-state-error')).toBeNull();
  });
});

describe('the workload panel', () => {
  it('shows the last failed IO as not acknowledged', () => {
    const store = createAppStore();
    render(
      <StoreContext.Provider value={store}>
        <WorkloadPanel />
      </StoreContext.Provider>,
    );
    expect(screen.queryByTestId('workload-last-error')).toBeNull();
    act(() => store.getState().setWorkloadStats({ running: true, spec: null, reads: 0, writes: 9, bytesRead: 0, bytesWritten: 9 * 4096, interceptedWrites: 0, errors: 1, lastError: 'Could not append to the write journal: the filesystem holding it is full (ENOSPC).', writeLatencyP50Ms: 1, writeLatencyP99Ms: 2 }));
    expect(screen.getByTestId('workload-last-error').textContent).toMatch(/not acknowledged.*write journal: the filesystem holding it is full \(ENOSPC\)/);
  });
});
