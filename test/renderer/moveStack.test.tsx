// @vitest-environment happy-dom
// Proves the stack chosen in the UI reaches the engine: move.start gets `options.stack` (the
// outline by default), the lvm2 stack's maximum segment size goes into the request (and never
// with the outline), changing it in the plan dialog plans again with it; and the plan dialog
// shows what a crash costs with each stack, the move controls what a crash costs now; the
// diagram draws a running move's stack, else the one chosen; --atomic (lvm2 only) reaches the
// request without a max segment size, disables that field, and its crash cost is all of the
// data, its abort sentence puts everything back on the sources. A fake client records the
// calls; the views render in happy-dom.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../app/api';
import type { MovePlanView, MoveStateView } from '../../app/api/move';
import { ActionsContext, createActions } from '../../renderer/actions';
import { createAppStore } from '../../renderer/store';
import { StoreContext } from '../../renderer/storeContext';
import { MoveButtons } from '../../renderer/views/MoveButtons';
import { MoveControls } from '../../renderer/views/Controls';
import { MoveDiagram } from '../../renderer/views/MoveDiagram';
import { PlanDialog } from '../../renderer/views/PlanDialog';

afterEach(cleanup);

const MIB = 1024 * 1024;
const PLAN = { request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, command: 'pvmove pv2 pv4', lvs: ['lv0'], moves: [{ lv: 'lv0', startLe: 6, count: 4, fromPv: 'pv2', fromPe: 0, toPv: 'pv4', toPe: 0 }], extentCount: 4, bytes: 4 * MIB, before: [], after: [], estimatedSeconds: null, crashCostBytes: { outline: 4 * MIB, lvm2: 4 * MIB } } as unknown as MovePlanView;
const SPLIT = { ...PLAN, moves: [0, 1, 2, 3].map((i) => ({ ...PLAN.moves[0], startLe: 6 + i, count: 1, fromPe: i, toPe: i })), crashCostBytes: { outline: 4 * MIB, lvm2: MIB } } as MovePlanView;

/** A client that answers move.plan (split when asked) and move.start, and records every call. */
function fakeClient() {
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  const client = {
    async call(method: string, params: Record<string, unknown>) {
      calls.push({ method, params });
      if (method === 'move.plan') return { ok: true, value: { ...(params.maxSegmentSizeMiB ? SPLIT : PLAN), request: params } };
      if (method === 'move.start') return { ok: true, value: null };
      return { ok: false, error: { code: 'X', message: 'not in this test' } };
    },
    on: () => ({ dispose() {} }),
  } as unknown as ApiClient;
  return { client, calls };
}

const selection = { kind: 'pv' as const, pv: 'pv2' };

describe('the device stack of a move', () => {
  it('is sent as options.stack with move.start: the outline by default, and no max segment size with it', async () => {
    const store = createAppStore();
    const { client, calls } = fakeClient();
    const actions = createActions(client, store);
    store.getState().setMoveSettings({ maxSegmentSizeMiB: 1 });
    await actions.openPlan(selection, 'pv4');
    await actions.startMove(store.getState().move.planDialog!.request);
    const start = calls.find((c) => c.method === 'move.start')!;
    expect(start.params.options).toMatchObject({ stack: 'outline' });
    expect(start.params.request).not.toHaveProperty('maxSegmentSizeMiB');
  });

  it('sends lvm2 and its max segment size, planned again when the dialog changes it', async () => {
    const store = createAppStore();
    const { client, calls } = fakeClient();
    const actions = createActions(client, store);
    store.getState().setMoveSettings({ stack: 'lvm2' });
    await actions.openPlan(selection, 'pv4');
    render(
      <StoreContext.Provider value={store}>
        <ActionsContext.Provider value={actions}>
          <PlanDialog />
        </ActionsContext.Provider>
      </StoreContext.Provider>,
    );
    expect(screen.getByTestId('plan-crash-lvm2').textContent).toMatch(/up to 4\.00 MiB/);
    expect(screen.getByTestId('plan-segments').textContent).toMatch(/1 segment$/);
    const field = screen.getByTestId('plan-max-segment');
    await act(async () => {
      fireEvent.change(field, { target: { value: '1' } });
      fireEvent.keyDown(field, { key: 'Enter' });
    });
    expect(calls.filter((c) => c.method === 'move.plan').map((c) => c.params.maxSegmentSizeMiB)).toEqual([undefined, 1]);
    expect(screen.getByTestId('plan-segments').textContent).toMatch(/4 segments/);
    expect(screen.getByTestId('plan-crash-lvm2').textContent).toMatch(/up to 1\.00 MiB/);
    expect(screen.getByTestId('plan-crash-outline').textContent).toMatch(/up to 4\.00 MiB/);
    await act(async () => void fireEvent.click(screen.getByTestId('plan-start')));
    const start = calls.find((c) => c.method === 'move.start')!;
    expect(start.params).toMatchObject({ request: { maxSegmentSizeMiB: 1 }, options: { stack: 'lvm2' } });
    // Back to the outline in the dialog: planned again without the split.
    await actions.openPlan(selection, 'pv4');
    await act(async () => void fireEvent.click(screen.getByTestId('plan-stack-outline')));
    expect(calls.filter((c) => c.method === 'move.plan').at(-1)!.params).not.toHaveProperty('maxSegmentSizeMiB');
    expect(screen.queryByTestId('plan-max-segment')).toBeNull();
  });

  it('sends --atomic on lvm2 only, never with a max segment size: the field is disabled and the crash cost is all of the data', async () => {
    const store = createAppStore();
    const { client, calls } = fakeClient();
    const actions = createActions(client, store);
    store.getState().setMoveSettings({ stack: 'lvm2', maxSegmentSizeMiB: 1 });
    await actions.openPlan(selection, 'pv4');
    render(
      <StoreContext.Provider value={store}>
        <ActionsContext.Provider value={actions}>
          <PlanDialog />
        </ActionsContext.Provider>
      </StoreContext.Provider>,
    );
    const field = () => screen.getByTestId('plan-max-segment') as HTMLInputElement;
    expect(field().disabled).toBe(false);
    expect(screen.getByTestId('plan-crash-lvm2').textContent).toMatch(/up to 1\.00 MiB/);
    await act(async () => void fireEvent.click(screen.getByTestId('plan-atomic')));
    const atomicPlan = calls.filter((c) => c.method === 'move.plan').at(-1)!.params;
    expect(atomicPlan).toMatchObject({ atomic: true });
    expect(atomicPlan).not.toHaveProperty('maxSegmentSizeMiB');
    expect((screen.getByTestId('plan-atomic') as HTMLInputElement).checked).toBe(true);
    expect(field().disabled).toBe(true);
    expect(field().value).toBe('');
    // Never checkpointed: a crash copies everything again (4 MiB, not the 1 MiB of one segment).
    expect(screen.getByTestId('plan-crash-lvm2').textContent).toMatch(/--atomic: a crash re-copies up to 4\.00 MiB \(one mirror over every segment, never checkpointed: everything copied so far is copied again, and an abort puts everything back on the sources\)/);
    expect(screen.getByTestId('plan-segments').textContent).toMatch(/one mirror over 1 run$/);
    await act(async () => void fireEvent.click(screen.getByTestId('plan-start')));
    const start = calls.find((c) => c.method === 'move.start')!;
    expect(start.params).toMatchObject({ request: { atomic: true }, options: { stack: 'lvm2' } });
    expect(start.params.request).not.toHaveProperty('maxSegmentSizeMiB');
    // The outline never gets it, and the checkbox is only offered with lvm2.
    await actions.openPlan(selection, 'pv4');
    await act(async () => void fireEvent.click(screen.getByTestId('plan-stack-outline')));
    expect(calls.filter((c) => c.method === 'move.plan').at(-1)!.params).not.toHaveProperty('atomic');
    expect(screen.queryByTestId('plan-atomic')).toBeNull();
    // Back on lvm2 with atomic unchecked, the max segment size the user chose comes back.
    await act(async () => void fireEvent.click(screen.getByTestId('plan-stack-lvm2')));
    await act(async () => void fireEvent.click(screen.getByTestId('plan-atomic')));
    expect(calls.filter((c) => c.method === 'move.plan').at(-1)!.params).toMatchObject({ maxSegmentSizeMiB: 1 });
    expect(field().value).toBe('1');
  });

  it('says an abort of an atomic move puts everything back on the sources', () => {
    const store = createAppStore();
    render(
      <StoreContext.Provider value={store}>
        <MoveControls />
        <MoveButtons />
      </StoreContext.Provider>,
    );
    const progress = { bytesTotal: 4 * MIB, bytesCopied: 2 * MIB, percent: 50, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: 0, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 2 * MIB };
    const plan = { ...PLAN, request: { ...PLAN.request, atomic: true } } as MovePlanView;
    act(() => store.getState().setMoveState({ id: 1, vg: 'vg0', stack: 'lvm2', status: 'running', stepMode: false, plan, currentLv: 'lv0', step: 'copy-1', steps: [], layer: null, progress, error: null }));
    expect(screen.getByTestId('crash-cost').getAttribute('title')).toMatch(/never checkpointed/);
    fireEvent.click(screen.getByTestId('abort'));
    expect(screen.getByRole('alertdialog').textContent).toMatch(/never checkpointed, so everything goes back to the sources/);
  });

  it('shows in the move controls what a crash now would cost, and keeps a running move\'s stack', () => {
    const store = createAppStore();
    render(
      <StoreContext.Provider value={store}>
        <MoveControls />
        <MoveButtons />
      </StoreContext.Provider>,
    );
    expect((screen.getByTestId('stack-outline') as HTMLInputElement).checked).toBe(true);
    const progress = { bytesTotal: 4 * MIB, bytesCopied: 2 * MIB, percent: 50, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: 0, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 12 * MIB };
    act(() => store.getState().setMoveState({ id: 1, vg: 'vg0', stack: 'lvm2', status: 'running', stepMode: false, plan: PLAN, currentLv: 'lv0', step: 'copy-1', steps: [], layer: null, progress, error: null }));
    expect(screen.getByTestId('crash-cost').textContent).toBe('a crash now re-copies 12.0 MiB');
    expect((screen.getByTestId('stack-lvm2') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('stack-outline') as HTMLInputElement).disabled).toBe(true);
    act(() => store.getState().setMoveState({ ...(store.getState().move.state as MoveStateView), status: 'done' }));
    expect(screen.queryByTestId('crash-cost')).toBeNull();
    expect((screen.getByTestId('stack-outline') as HTMLInputElement).checked).toBe(true);
  });

  it('draws the diagram of a running move\'s stack, else of the stack chosen for the next move', () => {
    const store = createAppStore();
    render(
      <StoreContext.Provider value={store}>
        <MoveDiagram />
      </StoreContext.Provider>,
    );
    const drawn = () => screen.getByTestId('move-diagram').getAttribute('data-stack');
    expect(drawn()).toBe('outline');
    act(() => store.getState().setMoveSettings({ stack: 'lvm2' }));
    expect(drawn()).toBe('lvm2');
    const progress = { bytesTotal: 4 * MIB, bytesCopied: 0, percent: 0, bytesPerSec: 0, etaSeconds: null, rateBytesPerSec: 0, paused: false, interceptedWrites: 0, waitingWrites: 0, mirrors: [], crashCostBytes: 0 };
    act(() => store.getState().setMoveState({ id: 1, vg: 'vg0', stack: 'outline', status: 'waiting-step', stepMode: true, plan: PLAN, currentLv: 'lv0', step: null, steps: [], layer: null, progress, error: null }));
    expect(drawn()).toBe('outline');
    act(() => store.getState().setMoveState({ ...(store.getState().move.state as MoveStateView), status: 'done' }));
    expect(drawn()).toBe('lvm2');
  });
});
