// The whole move as a Markdown transcript, for handouts and slides (issue 7): the plan and its
// equivalent LVM2 command, the layout before and after, then every step of every LV with its
// narration and the equivalent dmsetup / lvm commands (tables included), and the outcome.

import type { MoveStateView, StepView } from '../api/move';
import type { PvView } from '../api/views';
import { formatSize } from '../base/units';

function pvLine(pv: PvView): string {
  const used = pv.runs.filter((r) => r.lv).map((r) => `${r.lv} LE ${r.le}-${r.le! + r.count - 1} at PE ${r.startPe}-${r.startPe + r.count - 1}`);
  return `| ${pv.name} | ${pv.peCount} | ${pv.peCount - pv.allocatedCount} | ${used.join('; ') || 'free'} |`;
}

function layoutTable(pvs: PvView[]): string[] {
  return ['| PV | PEs | free | extents |', '|---|---:|---:|---|', ...pvs.map(pvLine)];
}

function stepSection(step: StepView): string[] {
  const out = [`### ${step.number}. ${step.name} — ${step.lv} (${step.state})`, '', step.narration || '(not reached)', ''];
  if (step.commands.length) out.push('```sh', ...step.commands, '```', '');
  return out;
}

export function moveTranscript(move: MoveStateView, when: string): string {
  const plan = move.plan;
  const lines = [
    `# lvmscope transcript: ${plan.command}`,
    '',
    `Volume group **${move.vg}**, ${plan.lvs.join(', ')}: ${plan.extentCount} extents (${formatSize(plan.bytes)}). Status: **${move.status}**${move.error ? ` (${move.error})` : ''}. Written ${when}.`,
    '',
    '## Plan',
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
  lines.push('## Outcome', '', `${formatSize(p.bytesCopied)} of ${formatSize(p.bytesTotal)} copied; ${p.interceptedWrites} writes were intercepted by the mirror and waited for their region's copy.`, '');
  return lines.join('\n');
}
