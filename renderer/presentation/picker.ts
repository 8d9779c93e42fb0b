// What presentation mode's move picker (M) offers, as pure functions: first the sources (each
// LV segment on a PV, then each whole PV that holds extents), then the other PVs as
// destinations with the engine's verdict. The picker component only shows these lists and
// walks them with keys.
import type { PvView } from '../../app/api/views';
import type { MoveCheckView, MovePlanView } from '../../app/api/move';
import { formatBytes } from '../format';
import { selectionLabel, selectionOfRun, type Selection } from '../store/selection';

export interface SourceChoice {
  /** Unique in the list, for React and for the option's id. */
  key: string;
  label: string;
  detail: string;
  selection: Selection;
}

/** Every segment an audience would ask to move, PV by PV, then each whole PV holding extents. */
export function moveSources(pvs: readonly Pick<PvView, 'name' | 'runs' | 'allocatedCount'>[]): SourceChoice[] {
  const segments = pvs.flatMap((pv) =>
    pv.runs
      .filter((run) => run.lv !== null && run.moving === null)
      .map((run) => {
        const selection = selectionOfRun(pv.name, run);
        return { key: `seg-${pv.name}-${run.startPe}`, label: selectionLabel(selection), detail: `${run.count} extent${run.count === 1 ? '' : 's'}`, selection };
      }),
  );
  const whole = pvs
    .filter((pv) => pv.allocatedCount > 0)
    .map((pv) => ({ key: `pv-${pv.name}`, label: `all of ${pv.name}`, detail: `${pv.allocatedCount} extent${pv.allocatedCount === 1 ? '' : 's'} (pvmove ${pv.name})`, selection: { kind: 'pv', pv: pv.name } as Selection }));
  return [...segments, ...whole];
}

/** The PVs a selection may be sent to: every PV but its own. */
export function destinationsFor(pvs: readonly Pick<PvView, 'name'>[], selection: Selection): string[] {
  return pvs.map((pv) => pv.name).filter((name) => name !== selection.pv);
}

export type PickerVerdict = { ok: true; plan: MoveCheckView } | { ok: false; reason: string } | undefined;

/** The verdict in words: `checking…`, `yes: 4 extents land at pv4:0`, `no: <the engine's reason>`. */
export function verdictText(verdict: PickerVerdict, destination: string): string {
  if (!verdict) return 'checking…';
  if (!verdict.ok) return `no: ${verdict.reason}`;
  const first = verdict.plan.moves.find((m) => m.toPv === destination);
  return `yes: ${verdict.plan.extentCount} extent${verdict.plan.extentCount === 1 ? '' : 's'} land${verdict.plan.extentCount === 1 ? 's' : ''}${first ? ` at ${destination}:${first.toPe}` : ` on ${destination}`}`;
}

/** One line about a yes: the command and how much data it copies. */
export function planSummary(plan: Pick<MovePlanView, 'command' | 'bytes'>): string {
  return `${plan.command} · ${formatBytes(plan.bytes)}`;
}
