// Proves the export's title line and file name name the step by its place in the move's own
// list, for both stacks: `vg0-lv0 · step 4 of 8: Resume and copy · running` for the outline,
// the LVs over pvmove0 and `step 5 of 13` for the lvm2 stack, `replayed` for a snapshot shown
// in presentation mode, and `no move` before any step.
import { describe, expect, it } from 'vitest';
import type { MoveStateView, StepView } from '../../../app/api/move';
import { exportFileBase, exportTitle } from '../../../renderer/export/diagramExport';
import { createAppStore } from '../../../renderer/store';

const step = (id: string, index: number, name: string, state: StepView['state'], lv: string | null): StepView => ({ id, index, name, lv, state, narration: '', commands: [], timeMs: index });

function moveOf(stack: MoveStateView['stack'], steps: StepView[]): MoveStateView {
  return { id: 3, vg: 'vg0', stack, status: 'running', stepMode: false, plan: { lvs: ['lv0'] } as MoveStateView['plan'], currentLv: 'lv0', step: null, steps, layer: null, progress: null as unknown as MoveStateView['progress'], error: null };
}

describe('the export title and file name', () => {
  it('name the outline step by its place in the list', () => {
    const store = createAppStore();
    const names = ['Suspend', 'Create temporary device', 'Load identity + mirror table', 'Resume and copy', 'Suspend when copied', 'Remove temporary device', 'Update metadata', 'Load final table and resume'];
    store.getState().setMoveState(moveOf('outline', names.map((n, i) => step(`lv0/${i}`, i + 1, n, i < 3 ? 'done' : i === 3 ? 'running' : 'pending', 'lv0'))));
    expect(exportTitle(store.getState(), 'vg0-lv0')).toBe('vg0-lv0 · step 4 of 8: Resume and copy · running');
    expect(exportFileBase(store.getState())).toBe('lvmscope-vg0-lv0-step4');
  });

  it('name the lvm2 step by its place in its longer list, and say the stack', () => {
    const store = createAppStore();
    const ids = ['preload', 'suspend', 'commit', 'resume', 'copy-1', 'checkpoint-1', 'copy-2', 'checkpoint-2', 'copy-3', 'checkpoint-3', 'copy-4', 'finish', 'remove-layer'];
    store.getState().setMoveState(moveOf('lvm2', ids.map((id, i) => step(id, i + 1, id === 'copy-1' ? 'Mirror segment 1' : id, i < 4 ? 'done' : i === 4 ? 'waiting' : 'pending', id.startsWith('copy') ? 'lv0' : null))));
    expect(exportTitle(store.getState(), 'vg0-lv0 over vg0-pvmove0')).toBe('vg0-lv0 over vg0-pvmove0 · step 5 of 13: Mirror segment 1 · running · lvm2 stack');
    expect(exportFileBase(store.getState())).toBe('lvmscope-vg0-pvmove0-step5');
  });

  it('say replayed for a snapshot shown in presentation mode, and no move before any step', () => {
    const store = createAppStore();
    expect(exportTitle(store.getState(), 'vg0-lv0')).toBe('vg0-lv0 · no move');
    store.subscribe(() => store.getState().recordStepSnapshot());
    store.getState().setMoveState(moveOf('lvm2', [step('preload', 1, 'Create pvmove0', 'running', null), step('suspend', 2, 'Suspend the LVs', 'pending', null)]));
    store.getState().setMoveState(moveOf('lvm2', [step('preload', 1, 'Create pvmove0', 'done', null), step('suspend', 2, 'Suspend the LVs', 'running', null)]));
    store.getState().historyBack();
    expect(exportTitle(store.getState(), 'x')).toBe('x · step 1 of 2: Create pvmove0 · replayed · lvm2 stack');
  });
});
