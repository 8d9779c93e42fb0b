// The whole move as a Markdown transcript, for handouts and slides (issue 7): the plan and its
// equivalent LVM2 command, the device stack it ran on and what a crash would have cost, the
// layout before and after, then every step in the stack's order (per LV in the outline, on the
// whole move or one pvmove0 segment in lvm2) with its narration and the equivalent dmsetup / lvm
// commands (tables included), and the outcome.

import { STACK_TITLES, type MoveStateView, type StepView } from '../api/move';
import type { PvView } from '../api/views';
import { formatSize } from '../base/units';

function pvLine(pv: PvView): string {
  const used = pv.runs.filter((r) => r.lv).map((r) => `${r.lv} LE ${r.le}-${r.le! + r.count - 1} at PE ${r.startPe}-${r.startPe + r.count - 1}`);
  return `| ${pv.name} | ${pv.peCount} | ${pv.peCount - pv.allocatedCount} | ${used.join('; ') || 'free'} |`;
}

function layoutTable(pvs: PvView[]): string[] {
  return ['| PV | PEs | free | extents |', '|---|---:|---:|---|', ...pvs.map(pvLine)];
}

/** `### 5. Mirror segment 2 — lv0 (copy-2, done)`, the id in backticks: what a scenario's `wait.step` names. */
function stepSection(step: StepView): string[] {
  const out = [`### ${step.index}. ${step.name}${step.lv ? ` — ${step.lv}` : ''} (\`${step.id}\`, ${step.state})`, '', step.narration || '(not reached)', ''];
  if (step.commands.length) out.push('```sh', ...step.commands, '```', '');
  return out;
}

function otherStack(move: MoveStateView): MoveStateView['stack'] {
  return move.stack === 'lvm2' ? 'outline' : 'lvm2';
}

export function moveTranscript(move: MoveStateView, when: string): string {
  const plan = move.plan;
  const lines = [
    `# lvmscope transcript: ${plan.command}`,
    '',
    `Volume group **${move.vg}**, ${plan.lvs.join(', ')}: ${plan.extentCount} extents (${formatSize(plan.bytes)}). Stack: **${STACK_TITLES[move.stack]}** (\`${move.stack}\`), ${move.steps.length} steps. Status: **${move.status}**${move.error ? ` (${move.error})` : ''}. Written ${when}.`,
    '',
    `A crash during this move re-copies at most ${formatSize(plan.crashCostBytes[move.stack])} (with the ${otherStack(move)} stack: ${formatSize(plan.crashCostBytes[otherStack(move)])}).`,
    '',
    '## Plan',
    '',
    'One row per pvmove0 segment, in the order LVM2 numbers them.',
    '',
    '| LV | LEs | from | to |',
    '|---|---|---|---|',
    ...plan.moves.map((m) => `| ${m.lv} | ${m.startLe}-${m.startLe + m.count - 1} | ${m.fromPv}:${m.fromPe}-${m.fromPe + m.count - 1} | ${m.toPv}:${m.toPe}-${m.toPe + m.count - 1} |`),
    '',
    '## Before',
    '',
    ...layoutTable(plan.before),
    '',
    '## After',
    '',
    ...layoutTable(plan.after),
    '',
    '## Steps',
    '',
  ];
  for (const step of move.steps) lines.push(...stepSection(step));
  const p = move.progress;
  // Under the kernel's rule (the lvm2 stack) a write to a region the copy had not reached went to the source leg only.
  const sourceOnly = p.sourceOnlyWrites ? ` ${p.sourceOnlyWrites} writes went to the source leg only, at once, and their regions were copied later.` : '';
  lines.push('## Outcome', '', `${formatSize(p.bytesCopied)} of ${formatSize(p.bytesTotal)} copied; ${p.interceptedWrites} writes were intercepted by the mirror and waited for their region's copy.${sourceOnly}`, '');
  return lines.join('\n');
}
