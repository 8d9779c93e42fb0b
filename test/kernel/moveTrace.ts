// A move's trace, in a form both sides produce: the sequence of metadata states (the state
// before the move, then every commit, normalised by mdaRing.ts) and the sequence of dm table
// states, each tagged with its phase (the index of the metadata state that was committed while
// those tables were live). The kernel's side is sampled (kernelTrace.ts), so it may miss short
// states; lvmscope's side follows the dm event stream (lvmscopeTrace.ts) and misses nothing.

import type { MdaRing } from './mdaRing';
import { commitsAfter, normalisedMetadata } from './mdaRing';

/** Every device of the VG with its `dmsetup table`, device numbers replaced by names. */
export type TableSet = Record<string, string>;

export interface TableState {
  /** Index into MoveTrace.states of the metadata committed while these tables were live. */
  phase: number;
  tables: TableSet;
  /** When the kernel's sample was taken (guest uptime, seconds); lvmscope's states have none. */
  atSeconds?: number;
}

export interface MoveTrace {
  /** [0] = the metadata before the move, then one entry per commit, in order. */
  states: string[];
  tables: TableState[];
}

/** The metadata states of a run: the copy at `beforeSeqno`, then every commit after it. */
export function metadataStates(ring: MdaRing, beforeSeqno: number): string[] {
  const before = ring.copies.find((c) => c.seqno === beforeSeqno);
  if (!before) throw new Error(`the metadata ring no longer holds seqno ${beforeSeqno}`);
  return [before, ...commitsAfter(ring, beforeSeqno)].map((c) => normalisedMetadata(c.vg));
}

export function sameTables(a: TableSet, b: TableSet): boolean {
  const keys = Object.keys(a).sort();
  return keys.join('\n') === Object.keys(b).sort().join('\n') && keys.every((k) => a[k] === b[k]);
}

/** Appends a table state unless it repeats the last one exactly (same phase, same tables). */
export function pushTableState(list: TableState[], state: TableState): void {
  const last = list[list.length - 1];
  if (last && last.phase === state.phase && sameTables(last.tables, state.tables)) return;
  list.push(state);
}

/** The tables of one state as readable text (device by device), for failure messages. */
export function describeTables(state: TableState): string {
  const lines = [`phase ${state.phase}${state.atSeconds === undefined ? "" : ` (sampled at ${state.atSeconds} s)`}:`];
  for (const name of Object.keys(state.tables).sort()) {
    for (const line of state.tables[name].split('\n')) lines.push(`  ${name}: ${line}`);
  }
  return lines.join('\n');
}

/**
 * Where each of `observed` appears in `complete`, in order and in the same phase: the index
 * of each match, or the first observed state that has none (with what was searched).
 */
export function matchInOrder(observed: readonly TableState[], complete: readonly TableState[]): { ok: true; at: number[] } | { ok: false; missing: number; message: string } {
  const at: number[] = [];
  let from = 0;
  for (let i = 0; i < observed.length; i++) {
    const want = observed[i];
    let found = -1;
    for (let j = from; j < complete.length; j++) {
      if (complete[j].phase === want.phase && sameTables(complete[j].tables, want.tables)) {
        found = j;
        break;
      }
    }
    if (found < 0) {
      const samePhase = complete.filter((s, j) => j >= from && s.phase === want.phase);
      const message = [
        `the kernel's table state #${i + 1} (in this order) has no match in lvmscope's sequence from its state #${from + 1} on:`,
        describeTables(want),
        `lvmscope's states in phase ${want.phase} from there:`,
        ...(samePhase.length ? samePhase.map(describeTables) : ['  (none)']),
      ].join('\n');
      return { ok: false, missing: i, message };
    }
    at.push(found);
    from = found + 1;
  }
  return { ok: true, at };
}

/**
 * The phases of a move over `layout`'s pvmove0 segments that a trace has no table state for:
 * 0 (before), 1..n (segment k mirrored, pvmove0 live) and the last (after the last commit,
 * pvmove0 gone; n + 2 for a plain move). For an --atomic layout also every phase between the
 * copy and the last: real LVM2 finishes it in several commits whose tables are the point.
 */
export function unsampledPhases(trace: MoveTrace, layout: { vg: string; layerSegmentExtents: number[]; atomic?: true }): number[] {
  const n = layout.layerSegmentExtents.length;
  const last = layout.atomic ? trace.states.length - 1 : n + 2;
  const layer = `${layout.vg}-pvmove0`;
  const copying = (phase: number) => phase >= 1 && phase <= n;
  const finishing = layout.atomic ? Array.from({ length: Math.max(0, last - n - 1) }, (_, i) => n + 1 + i) : [];
  const wanted = [0, ...Array.from({ length: n }, (_, i) => i + 1), ...finishing, last];
  return wanted.filter((phase) => !trace.tables.some((t) => t.phase === phase && (finishing.includes(phase) || copying(phase) === layer in t.tables)));
}

/** Lines of `a` not matched in `b` (as multisets), in order: a readable one-sided difference. */
function linesOnlyIn(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const line of b) left.set(line, (left.get(line) ?? 0) + 1);
  return a.filter((line) => {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    return n === 0;
  });
}

/**
 * '' when both sequences of metadata states are equal, else which state differs first and
 * the lines each side has that the other has not (the kernel's marked -, lvmscope's +).
 * `firstState` is the number, in real LVM2's whole trace, of the first state compared.
 */
export function metadataDifference(kernel: readonly string[], lvmscope: readonly string[], firstState = 0): string {
  for (let i = 0; i < Math.max(kernel.length, lvmscope.length); i++) {
    if (kernel[i] === lvmscope[i]) continue;
    const n = firstState + i;
    if (kernel[i] === undefined || lvmscope[i] === undefined) {
      return `real LVM2 wrote ${kernel.length} metadata states from state ${firstState} on, lvmscope ${lvmscope.length}; state ${n} exists only in ${kernel[i] === undefined ? 'lvmscope' : 'real LVM2'}:\n${kernel[i] ?? lvmscope[i]}`;
    }
    const k = kernel[i].split('\n');
    const l = lvmscope[i].split('\n');
    return [
      `metadata state ${n} (0 = before the move, then one per commit) differs; real LVM2 has (-), lvmscope has (+):`,
      ...linesOnlyIn(k, l).map((line) => `- ${line}`),
      ...linesOnlyIn(l, k).map((line) => `+ ${line}`),
      `real LVM2's whole state ${n}:`,
      kernel[i],
    ].join('\n');
  }
  return '';
}
