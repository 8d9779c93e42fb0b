// Proves the views read the move's own list of steps, whatever its stack and length: the
// current step is the one running or waiting for Next (else the one the engine names, else
// the last that changed); headings say "Step 5 of 14 · name" from the step's position; a step
// event replaces its step by id or adds it at its position and only a running or waiting step
// becomes current; each LV of a move of several says how far it is, per LV's own steps in the
// outline and per pvmove0 segment in the lvm2 stack.
import { describe, expect, it } from 'vitest';
import type { LayerSegmentView, MoveStateView, StepView } from '../../../app/api/move';
import { currentStep, lvProgressText, mergeMoveState, orderedSteps, stepHeading, withStep } from '../../../renderer/store/stepList';

const step = (id: string, index: number, state: StepView['state'], lv: string | null = null, timeMs = index): StepView => ({ id, index, name: id, lv, state, narration: '', commands: [], timeMs });

function move(steps: StepView[], patch: Partial<MoveStateView> = {}): MoveStateView {
  return { id: 1, vg: 'vg0', stack: 'lvm2', status: 'running', stepMode: false, plan: { lvs: ['lv0', 'lv1'] } as MoveStateView['plan'], currentLv: null, step: null, steps, layer: null, progress: null as unknown as MoveStateView['progress'], error: null, ...patch };
}

const LVM2 = ['preload', 'suspend', 'commit', 'resume', 'copy-1', 'checkpoint-1', 'copy-2', 'finish', 'remove-layer'];

describe('the move\'s list of steps', () => {
  it('takes the step waiting for Next as current, else the one the engine names, else the last that changed', () => {
    const steps = LVM2.map((id, i) => step(id, i + 1, i < 4 ? 'done' : i === 4 ? 'waiting' : 'pending'));
    expect(currentStep(move(steps, { step: 'resume' }))?.id).toBe('copy-1');
    const noneActive = steps.map((s) => (s.state === 'waiting' ? { ...s, state: 'pending' as const } : s));
    expect(currentStep(move(noneActive, { step: 'commit' }))?.id).toBe('commit');
    expect(currentStep(move(noneActive))?.id).toBe('resume');
    expect(currentStep(move(LVM2.map((id, i) => step(id, i + 1, 'pending'))))).toBeNull();
  });

  it('heads a step with its position in the whole list, and its LV when the move has several', () => {
    expect(stepHeading(step('copy-2', 7, 'running', 'lv1'), 14)).toBe('Step 7 of 14 · copy-2');
    expect(stepHeading({ index: 5, name: 'Mirror segment 2', lv: 'lv0' }, 14, 2)).toBe('Step 5 of 14 · Mirror segment 2 (lv0)');
    expect(stepHeading({ index: 1, name: 'Create pvmove0', lv: null }, 14, 2)).toBe('Step 1 of 14 · Create pvmove0');
  });

  it('puts a step event in place by id, or at its position, and makes only a running or waiting step current', () => {
    const start = move([step('preload', 1, 'running'), step('commit', 3, 'pending')], { step: 'preload' });
    const done = withStep(start, step('preload', 1, 'done'));
    expect(done.step).toBe('preload');
    expect(done.steps.map((s) => `${s.id}:${s.state}`)).toEqual(['preload:done', 'commit:pending']);
    const inserted = withStep(done, step('suspend', 2, 'waiting'));
    expect(orderedSteps(inserted).map((s) => s.id)).toEqual(['preload', 'suspend', 'commit']);
    expect(inserted.step).toBe('suspend');
    const copying = withStep(inserted, step('copy-1', 5, 'running', 'lv1'));
    expect(copying.currentLv).toBe('lv1');
    expect(withStep(copying, step('finish', 8, 'running')).currentLv).toBe('lv1');
  });

  it('says how far each LV of an outline move is, by that LV\'s own steps', () => {
    const names = ['suspend', 'create-temp', 'load-mirror', 'copy', 'suspend-copied', 'remove-temp', 'commit', 'final-table'];
    const steps = ['lv0', 'lv1'].flatMap((lv, l) => names.map((n, i) => step(`${lv}/${n}`, l * 8 + i + 1, l === 0 || i < 3 ? 'done' : i === 3 ? 'running' : 'pending', lv)));
    const outline = move(steps, { stack: 'outline', step: 'lv1/copy' });
    expect(lvProgressText(outline, 'lv0')).toBe('done');
    expect(lvProgressText(outline, 'lv1')).toBe('step 4 of 8 (shown below)');
    const first = move(steps.map((s) => (s.lv === 'lv1' ? { ...s, state: 'pending' as const } : s.id === 'lv0/final-table' ? { ...s, state: 'running' as const } : s)), { stack: 'outline' });
    expect(lvProgressText(first, 'lv1')).toBe('waiting its turn');
  });

  it('says how far each LV of an lvm2 move is, by its pvmove0 segments', () => {
    const seg = (index: number, lv: string, state: LayerSegmentView['state']): LayerSegmentView => ({ index, layerLe: index - 1, count: 1, lv, startLe: 0, fromPv: 'pv2', fromPe: 0, toPv: 'pv4', toPe: 0, regionSizeSectors: 128, state });
    const layer = { name: 'pvmove0', device: 'vg0-pvmove0', devno: '254:2', segments: [seg(1, 'lv0', 'done'), seg(2, 'lv0', 'done'), seg(3, 'lv1', 'mirroring')], atomic: false };
    const lvm2 = move([], { layer });
    expect(lvProgressText(lvm2, 'lv0')).toBe('copied, waits for the finish');
    expect(lvProgressText(lvm2, 'lv1')).toBe('copying segment 3');
    const earlier = move([], { layer: { ...layer, segments: [seg(1, 'lv0', 'done'), seg(2, 'lv0', 'mirroring'), seg(3, 'lv1', 'waiting')] } });
    expect(lvProgressText(earlier, 'lv1')).toBe('waiting its turn');
    expect(lvProgressText(move([], { layer: null, status: 'done' }), 'lv1')).toBe('done');
    // An atomic move's one mirror copies every LV at once: neither waits its turn.
    const atomic = move([], { layer: { ...layer, atomic: true, segments: [seg(1, 'lv0', 'mirroring'), seg(2, 'lv1', 'mirroring')] } });
    expect(['lv0', 'lv1'].map((lv) => lvProgressText(atomic, lv))).toEqual(['in the one atomic mirror', 'in the one atomic mirror']);
    // Every segment done: the first finishing commit is written, both LVs are on their destinations.
    const finishing = move([], { layer: { ...layer, segments: [seg(1, 'lv0', 'done'), seg(2, 'lv1', 'done')] } });
    expect(lvProgressText(finishing, 'lv1')).toBe('on its destination');
    const committed = move([], { layer: { ...layer, atomic: true, segments: [seg(1, 'lv0', 'waiting'), seg(2, 'lv1', 'waiting')] } });
    expect(lvProgressText(committed, 'lv0')).toBe('in the one atomic mirror');
  });
});

describe('reports that arrive late (events wait in a 33 ms batch, answers do not)', () => {
  it('drop a step report older than the one shown, and take a newer one or one of the same time further on', () => {
    const shown = move([step('preload', 1, 'done', null, 20), step('suspend', 2, 'running', null, 20)]);
    expect(withStep(shown, step('preload', 1, 'running', null, 10))).toBe(shown);
    expect(withStep(shown, step('suspend', 2, 'waiting', null, 20))).toBe(shown);
    expect(withStep(shown, step('suspend', 2, 'done', null, 20)).steps[1].state).toBe('done');
    // An undo later on is taken: the step is run back.
    expect(withStep(shown, step('preload', 1, 'undone', null, 30)).steps[0].state).toBe('undone');
  });

  it('keep the view shown when an older view of the same move arrives, keep newer steps from a newer one, and let another move replace it', () => {
    const shown = move([step('preload', 1, 'done', null, 20), step('suspend', 2, 'running', null, 20)]);
    const older = move([step('preload', 1, 'running', null, 10), step('suspend', 2, 'pending', null, 0)]);
    expect(mergeMoveState(shown, older)).toBe(shown);
    const newerButLagging = move([step('preload', 1, 'running', null, 10), step('suspend', 2, 'done', null, 30)]);
    expect(mergeMoveState(shown, newerButLagging).steps.map((x) => x.state)).toEqual(['done', 'done']);
    const another = { ...older, id: 2 };
    expect(mergeMoveState(shown, another)).toBe(another);
  });
});
