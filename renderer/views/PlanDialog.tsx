// The plan of a drop: the PVs before and after, the equivalent pvmove command, the data
// size and the estimated time at the chosen rate, the device stack to run it on (with lvm2's
// maximum segment size, or --atomic) and what a crash would cost with each stack; Start or Cancel.
// A real modal: the native <dialog> shown with showModal() (the page behind is inert, so Tab
// stays inside), Start has the focus when it opens, Escape cancels, and the focus goes back to
// where it was before (the PV map or the Move to… button).
import { useEffect, useRef, useState } from 'react';
import { STACK_TITLES, type MovePlanView, type MoveStack } from '../../app/api/move';
import { useActions } from '../actions';
import { formatBytes, formatSeconds } from '../format';
import { rateOf } from '../store/moveSlice';
import { useAppStore } from '../storeContext';
import { useVgColors } from './colors';
import { PvMap } from './PvMap';
import { StackChoice } from './StackChoice';
import { ExportScriptButton } from '../rehearsal/ExportScriptButton';
import { Lvm2Differences } from '../rehearsal/Lvm2Differences';

/** Why each stack costs what it costs after a crash, in one clause. */
const CRASH_REASON: Record<MoveStack, string> = {
  outline: 'each LV copies all of its runs at once, so its unfinished runs are copied again',
  lvm2: 'one pvmove0 segment is mirrored at a time, so at most one segment is copied again',
};

/**
 * An atomic move is never checkpointed: whatever it copied before a crash is copied again, up
 * to all of it, and an abort leaves nothing on the destinations.
 */
export const ATOMIC_CRASH_REASON = 'one mirror over every segment, never checkpointed: everything copied so far is copied again, and an abort puts everything back on the sources';

/** Each stack's worst case; the lvm2 line of an atomic move is all of the data (the engine's figure assumes one segment at a time). */
function CrashCosts({ plan, chosen, atomic }: { plan: MovePlanView; chosen: MoveStack; atomic: boolean }) {
  return (
    <ul className="crash-costs" data-testid="plan-crash-costs">
      {(['outline', 'lvm2'] as const).map((stack) => {
        const isAtomic = stack === 'lvm2' && atomic;
        return (
          <li key={stack} className={stack === chosen ? 'chosen' : undefined} data-testid={`plan-crash-${stack}`}>
            <strong>{STACK_TITLES[stack]}{isAtomic ? ' --atomic' : ''}</strong>: a crash re-copies up to {formatBytes(isAtomic ? plan.bytes : plan.crashCostBytes[stack])} ({isAtomic ? ATOMIC_CRASH_REASON : CRASH_REASON[stack]})
          </li>
        );
      })}
    </ul>
  );
}

/** `pvmove --atomic`: everything moves or nothing does; it excludes a maximum segment size. */
function AtomicChoice({ checked, onChange }: { checked: boolean; onChange: (atomic: boolean) => void }) {
  return (
    <label title="pvmove --atomic: pvmove0 is one mirror over two hidden sub-LVs (pvmove0_mimage_0 on the sources, pvmove0_mimage_1 on the destinations), so every segment is copied at once and the LVs switch together. It is never checkpointed: a crash copies everything again, and an abort puts everything back on the sources.">
      <input type="checkbox" data-testid="plan-atomic" checked={checked} onChange={(e) => onChange(e.target.checked)} /> atomic (--atomic)
    </label>
  );
}

/** lvm2's `allocation/pvmove_max_segment_size_mb`: empty = no limit; applied by planning again. */
function MaxSegmentSize({ value, onApply, atomic }: { value: number | null; onApply: (mib: number | null) => void; atomic: boolean }) {
  const [text, setText] = useState(value === null ? '' : String(value));
  const apply = () => {
    const trimmed = text.trim();
    const mib = trimmed === '' ? null : Number(trimmed);
    if (mib === value) return;
    onApply(mib);
  };
  return (
    <label className="max-segment" title={atomic ? 'An atomic move is one mirror segment, so it has no maximum segment size (LVM2 refuses both together); uncheck atomic to split pvmove0.' : "LVM2 2.03.36's allocation/pvmove_max_segment_size_mb: pvmove0's segments are split so none is larger, so a crash re-copies at most this much. Empty: no limit."}>
      Max segment size{' '}
      <input className="rate-input" type="number" min={1} step={1} data-testid="plan-max-segment" aria-label="maximum pvmove0 segment size in MiB" placeholder="none" disabled={atomic} value={atomic ? '' : text} onChange={(e) => setText(e.target.value)} onBlur={apply} onKeyDown={(e) => { if (e.key === 'Enter') apply(); }} /> MiB
    </label>
  );
}

/** Shows `ref`'s <dialog> as a modal while mounted, with Start focused, and gives the focus back when it goes. */
function useModal(ref: React.RefObject<HTMLDialogElement | null>, open: boolean): void {
  useEffect(() => {
    const el = ref.current;
    if (!open || !el) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!el.open) el.showModal();
    el.querySelector<HTMLElement>('[data-testid="plan-start"]')?.focus();
    return () => {
      if (el.open) el.close();
      // The opener may be gone (a menu item) or disabled (Move to… while the move runs): then the focus stays where the browser puts it.
      if (before?.isConnected) before.focus({ preventScroll: true });
    };
  }, [ref, open]);
}

const FOCUSABLE = 'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [href], [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab inside the dialog: showModal() makes the page inert, but Tab past the last
 * control would still leave for the browser's own toolbar; wrap around instead.
 */
export function trapTab(e: React.KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'Tab') return;
  const items = Array.from(e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE));
  if (items.length === 0) return;
  const first = items[0];
  const last = items[items.length - 1];
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !e.currentTarget.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !e.currentTarget.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

export function PlanDialog() {
  const dialog = useAppStore((s) => s.move.planDialog);
  const ref = useRef<HTMLDialogElement>(null);
  useModal(ref, dialog !== null);
  const settings = useAppStore((s) => s.move.settings);
  const closePlan = useAppStore((s) => s.closePlan);
  const setSettings = useAppStore((s) => s.setMoveSettings);
  const error = useAppStore((s) => s.move.error);
  const actions = useActions();
  const colors = useVgColors();
  if (!dialog) return null;
  const { plan, request } = dialog;
  const lvm2 = settings.stack === 'lvm2';
  // The checkbox follows the choice at once; the facts follow the plan, which the engine gives
  // back a moment later (Start sends the choice either way: the actions apply the settings).
  const atomicChosen = lvm2 && settings.atomic;
  const atomic = lvm2 && request.atomic === true;
  const rate = rateOf(settings);
  const touched = new Set(plan.moves.flatMap((m) => [m.fromPv, m.toPv]));
  const maps = (which: 'before' | 'after') => (
    <div className="plan-maps">
      <h3>{which === 'before' ? 'Before' : 'After'}</h3>
      {plan[which].filter((pv) => touched.has(pv.name) || plan[which].length <= 8).map((pv) => (
        <div key={pv.name} className="plan-pv"><span className="mono">{pv.name}</span><PvMap pv={pv} lvColors={colors.lv} selection={null} heightPx={16} /></div>
      ))}
    </div>
  );
  return (
    // Escape fires `cancel`: the store closes the dialog (unmounting it), not the browser on its own.
    <dialog ref={ref} className="dialog plan" aria-modal="true" aria-labelledby="plan-title" data-testid="plan-dialog" onCancel={(e) => { e.preventDefault(); closePlan(); }} onKeyDown={trapTab}>
      <div className="plan-body">
        <h2 id="plan-title">Move {plan.extentCount} extents of {plan.lvs.join(', ')}</h2>
        <div className="plan-columns">{maps('before')}{maps('after')}</div>
        <dl className="plan-facts">
          <dt>Command</dt><dd className="mono" data-testid="plan-command">{plan.command}</dd>
          <dt>Moves</dt><dd className="mono">{plan.moves.map((m) => `${m.lv} LE ${m.startLe}-${m.startLe + m.count - 1}: ${m.fromPv}:${m.fromPe} → ${m.toPv}:${m.toPe}`).join('; ')}</dd>
          <dt>Data</dt><dd>{formatBytes(plan.bytes)}</dd>
          <dt>Estimated time</dt><dd>{rate > 0 ? `${formatSeconds(plan.bytes / rate)} at ${formatBytes(rate)}/s (${settings.ratePreset})` : 'as fast as the disks allow (unlimited rate)'}</dd>
          <dt>Region size</dt><dd>{formatBytes(settings.regionSizeSectors * 512)} ({Math.ceil(plan.bytes / (settings.regionSizeSectors * 512))} regions){settings.stepMode ? ' · step mode: waits at each step for Next' : ''}</dd>
          <dt>Stack</dt>
          <dd className="plan-stack">
            <StackChoice name="plan-stack" testIdPrefix="plan-stack" legendHidden value={settings.stack} disabledReason={null} onChange={(stack) => { setSettings({ stack }); void actions.replan(settings.maxSegmentSizeMiB); }} />
            {lvm2 && <AtomicChoice checked={atomicChosen} onChange={(next) => { setSettings({ atomic: next }); void actions.replan(settings.maxSegmentSizeMiB); }} />}
            {lvm2 && <MaxSegmentSize key={String(request.maxSegmentSizeMiB ?? '')} atomic={atomicChosen} value={request.maxSegmentSizeMiB ?? settings.maxSegmentSizeMiB} onApply={(mib) => void actions.replan(mib)} />}
            {lvm2 && <span className="muted" data-testid="plan-segments"> pvmove0: {atomic ? `one mirror over ${plan.moves.length} run${plan.moves.length === 1 ? '' : 's'}` : `${plan.moves.length} segment${plan.moves.length === 1 ? '' : 's'}`}</span>}
          </dd>
          <dt>If it crashes</dt><dd><CrashCosts plan={plan} chosen={settings.stack} atomic={atomic} /></dd>
          <Lvm2Differences request={request} />
        </dl>
        {error && <p className="error" role="alert">{error}</p>}
        <div className="dialog-buttons">
          <ExportScriptButton request={request} label="Export the plan as a script" testId="plan-export-script" />
          <button type="button" onClick={closePlan}>Cancel</button>
          <button type="button" className="primary" data-testid="plan-start" onClick={() => void actions.startMove(request)}>Start move</button>
        </div>
      </div>
    </dialog>
  );
}
