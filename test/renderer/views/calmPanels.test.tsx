// @vitest-environment happy-dom
// Proves what the display clock spares the window during a move: an IO counter event does not
// re-render the device panel, and a progress report does not re-render the figures, until the
// clock ticks (then they show the newest values); a suspend (a structural change) shows in the
// device panel at once. Without a clock (tests, the video's frames) every change shows at once.
import { act, cleanup, render, screen } from '@testing-library/react';
import { Profiler, type ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DmStreamEvent } from '../../../app/api/dmStream';
import type { MoveProgressView } from '../../../app/api/move';
import type { DmDeviceView } from '../../../app/api/views';
import { createAppStore, type AppStore } from '../../../renderer/store';
import type { DisplayClock } from '../../../renderer/store/displayClock';
import { DisplayClockContext, StoreContext } from '../../../renderer/storeContext';
import { DevicePanel } from '../../../renderer/views/DevicePanel';
import { MoveFigures } from '../../../renderer/views/diagramParts';

afterEach(cleanup);

const dev = (patch: Partial<DmDeviceView> = {}): DmDeviceView => ({ name: 'vg0-lv0', uuid: 'u', devno: '254:0', state: 'ACTIVE', live: [{ type: 'linear', startSector: 0, lengthSectors: 8, device: { devno: '7:0', offsetSectors: 2048 } }], inactive: null, status: [], mirrors: [], openCount: 0, eventNr: 0, inFlight: 0, deferred: 0, io: { reads: 0, writes: 0, readSectors: 0, writtenSectors: 0 }, dependsOn: ['7:0'], ...patch });

const event = (seq: number, body: Partial<DmStreamEvent> & { type: DmStreamEvent['type'] }) => ({ stream: 1, seq, timeMs: seq, device: 'vg0-lv0', devno: '254:0', ...body }) as DmStreamEvent;
const counters = (seq: number, reads: number) => event(seq, { type: 'io-counters', io: { reads, writes: 0, readSectors: reads * 8, writtenSectors: 0 }, inFlight: 0, deferred: 0 });

const progress = (percent: number): MoveProgressView => ({ bytesTotal: 100, bytesCopied: percent, percent, bytesPerSec: 1, etaSeconds: 10, rateBytesPerSec: 0, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 0 });

/** A clock the test ticks by hand. */
function handClock(): DisplayClock & { tick(): void } {
  let runs = new Set<() => void>();
  return {
    request(run) {
      runs.add(run);
      return () => void runs.delete(run);
    },
    tick() {
      const due = runs;
      runs = new Set();
      act(() => due.forEach((run) => run()));
    },
  };
}

function renderCounted(store: AppStore, clock: DisplayClock | null, children: ReactNode) {
  const commits = { count: 0 };
  const tree = (
    <StoreContext.Provider value={store}>
      <Profiler id="panel" onRender={() => void commits.count++}>{children}</Profiler>
    </StoreContext.Provider>
  );
  render(clock ? <DisplayClockContext.Provider value={clock}>{tree}</DisplayClockContext.Provider> : tree);
  return commits;
}

const ioText = () => screen.getByText(/^open 0 · r/).textContent;

describe('calm panels during a move', () => {
  it('the device panel shows IO counters at the clock tick, not per event, and a suspend at once', () => {
    const store = createAppStore();
    store.getState().applyDmSnapshot({ stream: 1, seq: 0, devices: [dev()] });
    const clock = handClock();
    const commits = renderCounted(store, clock, <DevicePanel />);
    const before = commits.count;
    act(() => store.getState().applyDmEvents([counters(1, 5)]));
    act(() => store.getState().applyDmEvents([counters(2, 9)]));
    expect(commits.count).toBe(before);
    expect(ioText()).toContain('r 0 (0)');
    clock.tick();
    expect(commits.count).toBe(before + 1);
    expect(ioText()).toContain('r 9 (72)');
    act(() => store.getState().applyDmEvents([event(3, { type: 'suspended', deferred: 0 })]));
    expect(screen.getByTestId('dm-state-vg0-lv0').textContent).toBe('SUSPENDED');
    expect(screen.getByTestId('dm-change-vg0-lv0').textContent).toBe('suspended');
  });

  it('the figures show a progress report at the clock tick; without a clock at once', () => {
    const store = createAppStore();
    const clock = handClock();
    const commits = renderCounted(store, clock, <MoveFigures mirrors={[]} />);
    const before = commits.count;
    act(() => store.getState().setProgress(progress(10)));
    act(() => store.getState().setProgress(progress(20)));
    expect(commits.count).toBe(before);
    expect(screen.getByTestId('move-percent').textContent).toBe('—');
    clock.tick();
    expect(commits.count).toBe(before + 1);
    expect(screen.getByTestId('move-percent').textContent).toBe('20.0%');
    cleanup();
    const direct = createAppStore();
    renderCounted(direct, null, <MoveFigures mirrors={[]} />);
    act(() => direct.getState().setProgress(progress(30)));
    expect(screen.getByTestId('move-percent').textContent).toBe('30.0%');
  });
});
