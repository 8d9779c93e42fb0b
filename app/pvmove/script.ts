// A rehearsed move plan as a shell script for the real system. Every planned run becomes one
// `pvmove -n LV SOURCE:PE-PE DEST:PE-PE` naming the exact destination extents lvmscope chose, so
// real LVM2 has no choice left and lands each extent where the rehearsal did (one invocation
// per run: LVM2's allocator would otherwise be free to order several ranges its own way).
// Around them: `set -euo pipefail`, a vgcfgbackup first, a check that the VG is still the one
// rehearsed, `pvs --segments` checks before and after each step, the estimated time at the rate
// the user measured, and a sentence wherever LVM2 behaves differently from lvmscope.

import { LvmscopeError } from '../base/result';
import type { MovePlanView } from '../api/move';
import { isOther, type LogicalVolume, type VolumeGroup } from '../lvm/model/types';

export interface ScriptInput {
  plan: MovePlanView;
  vg: VolumeGroup;
  /** PV name as the plan writes it (`sdc`) → the real device (`/dev/sdc`). */
  devices: Map<string, string>;
  /** Bytes per second and where the figure comes from ("200 MiB/s given", "fio read 512 MiB/s…"). */
  rate?: { bytesPerSec: number; source: string };
  /** The seqno of the real VG when it was imported; the script refuses to run on another. */
  seqno?: number;
  /** "rehearsal of vg0 from db7 2026-11-30", shown in the header. */
  badge?: string;
  generatedAt: string;
  workspace: string;
}

const MiB = 1024 * 1024;

/** The whole script text. */
export function moveScript(input: ScriptInput): string {
  const { plan, vg } = input;
  const dev = (pv: string) => input.devices.get(pv) ?? `/dev/${pv}`;
  const extentBytes = vg.extentSizeSectors * 512;
  const lines = [...header(input, extentBytes), ...differences(input).map((s) => comment(`NOTE: ${s}`)), '', 'set -euo pipefail', '', ...helpers(vg.name), ''];
  lines.push(...preflight(input));
  const alloc = plan.request.alloc ?? 'normal';
  plan.moves.forEach((m, i) => {
    const from = `${dev(m.fromPv)}:${m.fromPe}-${m.fromPe + m.count - 1}`;
    const to = `${dev(m.toPv)}:${m.toPe}-${m.toPe + m.count - 1}`;
    lines.push('', comment(`Step ${i + 1}/${plan.moves.length}: ${m.lv} LE ${m.startLe}-${m.startLe + m.count - 1}, ${m.count} extents (${size(m.count * extentBytes)})${eta(input, m.count * extentBytes)}.`));
    lines.push(`step ${i + 1} ${plan.moves.length} ${quote(m.lv)}`);
    lines.push(`expect_extents ${dev(m.fromPv)} ${m.fromPe} ${m.fromPe + m.count - 1} ${quote(m.lv)}`);
    lines.push(`expect_free ${dev(m.toPv)} ${m.toPe} ${m.toPe + m.count - 1}`);
    lines.push(`pvmove -i 10 --alloc ${alloc} -n ${quote(m.lv)} ${from} ${to}`);
    lines.push(`expect_extents ${dev(m.toPv)} ${m.toPe} ${m.toPe + m.count - 1} ${quote(m.lv)}`);
    lines.push(`expect_free ${dev(m.fromPv)} ${m.fromPe} ${m.fromPe + m.count - 1}`);
  });
  lines.push('', comment('Every extent is where lvmscope predicted.'), 'vgck "$VG"', `echo "lvmscope-plan: done: ${plan.moves.length} step(s), ${plan.extentCount} extents moved as rehearsed; the metadata before the move is in $BACKUP_FILE."`, '');
  return lines.join('\n');
}

function header(input: ScriptInput, extentBytes: number): string[] {
  const { plan } = input;
  const total = plan.extentCount * extentBytes;
  const onDevice = (spec: string) => {
    const [pv, ...ranges] = spec.split(':');
    return [input.devices.get(pv) ?? `/dev/${pv}`, ...ranges].join(':');
  };
  const r = plan.request;
  const command = ['pvmove', ...(r.alloc && r.alloc !== 'normal' ? ['--alloc', r.alloc] : []), ...(r.lv ? ['-n', r.lv] : []), ...r.sources.map(onDevice), ...(r.destinations ?? []).map(onDevice)].join(' ');
  return [
    '#!/bin/bash',
    comment(`lvmscope move plan for VG ${input.vg.name}${input.badge ? ` (${input.badge})` : ''}.`),
    comment(`Generated ${input.generatedAt} from the workspace ${input.workspace}.`),
    comment(`The rehearsed request: ${command}`),
    comment(`It moves ${plan.extentCount} extents (${size(total)}) of ${plan.lvs.join(', ')} in ${plan.moves.length} pvmove step(s), one per contiguous run, each naming its exact destination extents.`),
    input.rate ? comment(`Estimated copy time at ${size(input.rate.bytesPerSec)}/s (${input.rate.source}): ${duration(total / input.rate.bytesPerSec)}, plus a metadata commit and table reload per step.`) : comment('No rate was given (--rate or --rate-from), so no time is estimated.'),
    comment('Run it as root on the host that holds the VG. It stops at the first check that fails; what has moved stays moved.'),
  ];
}

/** Shell helpers: each check names what it expected and shows what LVM2 reports. */
function helpers(vgName: string): string[] {
  return [
    `VG=${quote(vgName)}`,
    'BACKUP_FILE=${LVMSCOPE_BACKUP_FILE:-/etc/lvm/backup/$VG.before-lvmscope-plan.$(date +%Y%m%d-%H%M%S)}',
    '',
    'fail() { echo "lvmscope-plan: $*; stopping." >&2; exit 1; }',
    'step() { echo "lvmscope-plan: step $1/$2: moving extents of $3"; }',
    '',
    '# The PV segments of $1 as "first last lv" lines (lv empty for free space). The PV is named',
    '# as an argument, not with --select pv_name=, so any path of the device (a by-id link) works.',
    'segments() {',
    '  pvs --noheadings --segments -o pvseg_start,pvseg_size,lv_name "$1" | awk \'{ n = $3; gsub(/[][]/, "", n); print $1, $1 + $2 - 1, n }\'',
    '}',
    '',
    '# Fail unless extents $2..$3 of PV $1 all belong to LV $4 ("" = free); $5 says what was expected.',
    'expect_owner() {',
    '  segments "$1" | awk -v f="$2" -v l="$3" -v want="$4" \'{ lo = ($1 > f) ? $1 : f; hi = ($2 < l) ? $2 : l; if (hi >= lo) { seen += hi - lo + 1; if ($3 != want) bad = 1 } } END { exit !(bad == 0 && seen == l - f + 1) }\' \\',
    '    || { pvs --segments -o pv_name,pvseg_start,pvseg_size,lv_name "$1" >&2; fail "expected extents $2-$3 of $1 to $5, LVM2 reports otherwise (above)"; }',
    '}',
    'expect_extents() { expect_owner "$1" "$2" "$3" "$4" "hold $4"; }',
    'expect_free() { expect_owner "$1" "$2" "$3" "" "be free"; }',
  ];
}

function preflight(input: ScriptInput): string[] {
  const lines = [comment('Before anything moves: the VG is the one rehearsed, and its metadata is saved.')];
  if (input.seqno !== undefined) {
    lines.push(`SEQNO=$(vgs --noheadings -o vg_seqno "$VG" | tr -d ' ')`);
    lines.push(`[ "$SEQNO" = "${input.seqno}" ] || fail "VG $VG is at metadata seqno $SEQNO, but the rehearsal imported seqno ${input.seqno}: it changed since; import it again and re-plan"`);
  }
  lines.push('vgcfgbackup -f "$BACKUP_FILE" "$VG"', 'echo "lvmscope-plan: the metadata before the move is saved in $BACKUP_FILE (vgcfgrestore -f restores it)."');
  return lines;
}

/** Sentences about where real LVM2 would behave differently from the rehearsal. */
export function differences(input: ScriptInput): string[] {
  const { plan, vg } = input;
  const out: string[] = [];
  if (vg.status.includes('SHARED') || vg.status.includes('CLUSTERED') || vg.extra.some((n) => n.key === 'lock_type')) {
    out.push(`VG ${vg.name} is shared (lvmlockd or clustered): LVM2 runs pvmove only with the VG lock and each moved LV active exclusively on this host, which lvmscope did not rehearse.`);
  }
  const moved = new Set(plan.moves.map((m) => m.lv));
  for (const name of moved) {
    const lv = vg.lvs.find((l) => l.name === name);
    if (!lv) continue;
    if (lv.allocationPolicy === 'cling' || lv.allocationPolicy === 'cling_by_tags') {
      out.push(`LV ${name} has allocation policy ${lv.allocationPolicy}: LVM2 would keep it on the PVs it already uses, which lvmscope does not model; the script passes --alloc ${plan.request.alloc ?? 'normal'} and exact extents, so LVM2 places it as rehearsed.`);
    }
    const parent = parentOf(vg, name);
    if (parent) out.push(...parentSentences(vg, plan, name, parent, input.devices));
  }
  return out;
}

/** The top-level LV whose verbatim segment (raid, thin, cache…) uses `name` as a sub-LV. */
function parentOf(vg: VolumeGroup, name: string): { lv: LogicalVolume; type: string } | undefined {
  const quoted = JSON.stringify(name);
  for (const lv of vg.lvs) {
    for (const seg of lv.segments) {
      if (isOther(seg) && JSON.stringify(seg.body, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).includes(quoted)) return { lv, type: seg.type };
    }
  }
  return undefined;
}

function parentSentences(vg: VolumeGroup, plan: MovePlanView, name: string, parent: { lv: LogicalVolume; type: string }, devices: Map<string, string>): string[] {
  const out = [`${name} is part of ${parent.type} LV ${parent.lv.name}, whose segment type lvmscope keeps verbatim: it rehearsed ${name} as a plain linear LV, while LVM2 suspends and reloads ${parent.lv.name} with it.`];
  if (!parent.type.startsWith('raid') && parent.type !== 'mirror') return out;
  // LVM2 removes the PVs holding the other images of a raid/mirror LV from the destinations
  // (pvmove's _remove_sibling_pvs_from_trim_list), so two images never share a PV.
  const index = /_(?:rimage|rmeta|mimage)_(\d+)$/.exec(name)?.[1];
  const siblings = vg.lvs.filter((l) => l.name !== name && l.name.startsWith(`${parent.lv.name}_`) && /_(?:rimage|rmeta|mimage)_(\d+)$/.exec(l.name)?.[1] !== index);
  for (const m of plan.moves.filter((x) => x.lv === name)) {
    const destId = plan.after.find((p) => p.name === m.toPv)?.uuid.replace(/-/g, '');
    const clash = siblings.find((s) => s.segments.some((seg) => 'stripes' in seg && seg.stripes.some((a) => a.kind === 'pv' && a.pvId === destId)));
    if (clash) out.push(`${name} would land on ${devices.get(m.toPv) ?? m.toPv}, which holds ${clash.name} of the same ${parent.type} LV: LVM2 refuses to put two images of ${parent.lv.name} on one PV, so that step fails there; choose another destination.`);
  }
  return out;
}

function eta(input: ScriptInput, bytes: number): string {
  return input.rate ? `, about ${duration(bytes / input.rate.bytesPerSec)}` : '';
}

function comment(text: string): string {
  return `# ${text}`;
}

/** Shell-quotes a word when it needs it (LV names are [A-Za-z0-9+_.-], so rarely). */
function quote(word: string): string {
  return /^[A-Za-z0-9+_./:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function size(bytes: number): string {
  if (bytes >= 1024 * 1024 * MiB) return `${(bytes / (1024 * 1024 * MiB)).toFixed(2)} TiB`;
  if (bytes >= 1024 * MiB) return `${(bytes / (1024 * MiB)).toFixed(2)} GiB`;
  return `${(bytes / MiB).toFixed(2)} MiB`;
}

export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.ceil(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.ceil((seconds % 3600) / 60)} min`;
}

/**
 * The rate from fio's --output-format=json: pvmove reads the source and writes the destination
 * at once, so the slower of the summed read and write bandwidths (bw is in KiB/s; bw_bytes in
 * newer fio). A run that measured only one direction gives that one.
 */
export function rateFromFio(text: string, fileName: string): { bytesPerSec: number; source: string } {
  let json: { jobs?: Array<{ read?: { bw?: number; bw_bytes?: number }; write?: { bw?: number; bw_bytes?: number } }> };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw new LvmscopeError('INVALID', `${fileName} is not fio JSON output; run fio with --output-format=json.`);
  }
  const sum = (dir: 'read' | 'write') => (json.jobs ?? []).reduce((n, j) => n + (j[dir]?.bw_bytes ?? (j[dir]?.bw ?? 0) * 1024), 0);
  const read = sum('read');
  const write = sum('write');
  const measured = [read, write].filter((b) => b > 0);
  if (!measured.length) throw new LvmscopeError('INVALID', `${fileName} holds no read or write bandwidth (jobs[].read.bw / write.bw); run fio with --output-format=json on the disks.`);
  const bytesPerSec = Math.min(...measured);
  const parts = [read > 0 ? `read ${size(read)}/s` : '', write > 0 ? `write ${size(write)}/s` : ''].filter(Boolean).join(', ');
  return { bytesPerSec, source: `fio ${fileName}: ${parts}; the slower is used, as pvmove reads and writes at once` };
}
