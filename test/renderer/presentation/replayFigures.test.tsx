// @vitest-environment happy-dom
// Proves that the figures on screen are the engine's measurements (issue 16): the move's
// figures say 'paused' instead of a speed while the move is paused and '—' while nothing copies,
// and show the engine's count of intercepted writes as it is; in presentation mode a replayed
// step (←) shows the figures it had when it was recorded, not the live ones.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MoveProgressView, MoveStateView, StepView } from '../../../app/api/move';
import { Presentation } from '../../../renderer/presentation/Presentation';
import { createAppStore } from '../../../renderer/store';
import { StoreContext } from '../../../renderer/storeContext';
import { MoveFigures } from '../../../renderer/views/diagramParts';

afterEach(cleanup);
beforeAll(() => {
  // happy-dom has no ResizeObserver; the presentation's scaled stage only needs it to exist.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

const progress = (patch: Partial<MoveProgressView>): MoveProgressView => ({ bytesTotal: 4 << 20, bytesCopied: 1 << 20, percent: 25, bytesPerSec: 512 * 1024, etaSeconds: 6, rateBytesPerSec: 0, paused: false, interceptedWrites: 7, waitingWrites: 1, mirrors: [], crashCostBytes: 0, ...patch });
const step = (index: number, state: StepView['state'], timeMs: number): StepView => ({ id: `lv0/s${index}`, index, name: `s${index}`, lv: 'lv0', state, narration: `narration ${index}`, commands: [], timeMs });
function move(current: number, p: MoveProgressView): MoveStateView {
  const steps = [1, 2, 3].map((i) => step(i, i < current ? 'done' : i === current ? 'running' : 'pending', i < current ? i * 10 + 5 : i === current ? i * 10 : 0));
  return { id: 1, vg: 'vg0', stack: 'outline', status: 'running', stepMode: false, plan: { lvs: ['lv0'], moves: [] } as unknown as MoveStateView['plan'], currentLv: 'lv0', step: `lv0/s${current}`, steps, layer: null, progress: p, error: null };
}

describe('the move figures', () => {
  it('say paused instead of a speed, — while nothing copies, and the engine\'s intercepted count', () => {
    const store = createAppStore();
    render(
      <StoreContext.Provider value={store}>
        <MoveFigures mirrors={[]} />
      </StoreContext.Provider>,
    );
    act(() => store.getState().setMoveState(move(2, progress({}))));
    expect(screen.getByTestId('move-speed').textContent).toBe('0.50 MiB/s');
    expect(screen.getByTestId('diagram-intercepted').textContent).toBe('7 (1 waiting)');
    act(() => store.getState().setProgress(progress({ paused: true, bytesPerSec: 0 })));
    expect(screen.getByTestId('move-speed').textContent).toBe('paused');
    expect(screen.getByTestId('move-eta').textContent).toBe('6 s');
    act(() => store.getState().setProgress(progress({ bytesPerSec: 0, etaSeconds: null })));
    expect(screen.getByTestId('move-speed').textContent).toBe('—');
    expect(screen.getByTestId('move-eta').textContent).toBe('—');
  });
});

describe('presentation mode', () => {
  it('shows a replayed step with the figures it had, and the live ones again back at live', () => {
    const store = createAppStore();
    store.subscribe(() => store.getState().recordStepSnapshot());
    act(() => store.getState().setMoveState(move(1, progress({ percent: 10, interceptedWrites: 2 }))));
    act(() => store.getState().setMoveState(move(2, progress({ percent: 60, interceptedWrites: 9 }))));
    render(
      <StoreContext.Provider value={store}>
        <Presentation />
      </StoreContext.Provider>,
    );
    expect(screen.getByTestId('presentation-figures').textContent).toMatch(/^60% copied .* 9 intercepted$/);
    act(() => store.getState().historyBack());
    expect(screen.getByTestId('presentation-history').textContent).toMatch(/^replaying step 1/);
    expect(screen.getByTestId('presentation-figures').textContent).toMatch(/^10% copied .* 2 intercepted$/);
    act(() => store.getState().historyLive());
    expect(screen.getByTestId('presentation-figures').textContent).toMatch(/^60% copied/);
  });
});
