// Metadata text <-> VolumeGroup model (§4.3). Reading validates types and status words and
// keeps every key it does not know in `extra`; writing emits the known keys in LVM's order, then
// the unknown ones, so a read → write round trip loses nothing.

import { LvmscopeError } from '../../base/result';
import { arr, cloneNodes, int, parseConfig, section, str, strArray, val, writeConfig, DISK_STYLE, FILE_STYLE, type ConfigNode, type ConfigScalar, type ConfigValue, type WriteStyle } from '../format/configText';
import { formatUuid, parseUuid } from '../format/layout';
import { LV_STATUS_WORDS, PV_STATUS_WORDS, VG_STATUS_WORDS, areaExtentCount, type AreaRef, type LogicalVolume, type PhysicalVolume, type Segment, type VolumeGroup } from './types';

const corrupt = (message: string): never => {
  throw new LvmscopeError('CORRUPT', message);
};

// ---------------------------------------------------------------------------------------------
// Typed readers over a section's children. Each takes the set of keys it consumed, so the rest
// can be kept as `extra`.

class Fields {
  readonly used = new Set<string>();
  constructor(
    readonly nodes: ConfigNode[],
    readonly where: string,
  ) {}

  private node(key: string): ConfigNode | undefined {
    this.used.add(key);
    return this.nodes.find((n) => n.key === key);
  }
  value(key: string): ConfigValue | undefined {
    const n = this.node(key);
    if (n && !n.value) corrupt(`${this.where}: ${key} should be a value, not a section.`);
    return n?.value;
  }
  section(key: string): ConfigNode[] | undefined {
    const n = this.node(key);
    if (n && !n.children) corrupt(`${this.where}: ${key} should be a section.`);
    return n?.children;
  }
  optInt(key: string): number | undefined {
    const v = this.value(key);
    if (!v) return undefined;
    if (v.kind !== 'int') return corrupt(`${this.where}: ${key} should be a whole number.`);
    if (v.value < 0n || v.value > BigInt(Number.MAX_SAFE_INTEGER)) return corrupt(`${this.where}: ${key} = ${v.value} is out of range.`);
    return Number(v.value);
  }
  int(key: string): number {
    const n = this.optInt(key);
    return n === undefined ? corrupt(`${this.where}: ${key} is missing.`) : n;
  }
  optString(key: string): string | undefined {
    const v = this.value(key);
    if (!v) return undefined;
    return v.kind === 'string' ? v.value : corrupt(`${this.where}: ${key} should be a string.`);
  }
  string(key: string): string {
    const s = this.optString(key);
    return s === undefined ? corrupt(`${this.where}: ${key} is missing.`) : s;
  }
  words(key: string): string[] {
    const v = this.value(key);
    if (!v) return [];
    if (v.kind !== 'array' || v.items.some((i) => i.kind !== 'string')) return corrupt(`${this.where}: ${key} should be a list of strings.`);
    return v.items.map((i) => (i as { value: string }).value);
  }
  extra(): ConfigNode[] {
    return cloneNodes(this.nodes.filter((n) => !this.used.has(n.key)));
  }
}

function checkStatus(words: string[], known: string[], where: string): string[] {
  for (const w of words) {
    if (!known.includes(w)) corrupt(`${where} has the unknown status word "${w}"; this metadata needs a newer LVM than lvmscope understands, so it is not opened.`);
  }
  return words;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The header fields around the VG section. */
export interface MetadataHeader {
  description?: string;
  creationHost?: string;
  creationTime?: number;
}

export interface ParsedMetadata {
  vg: VolumeGroup;
  header: MetadataHeader;
}

/** Parses metadata text (disk or backup form) into a validated-by-type VG model. */
export function parseVgText(text: string): ParsedMetadata {
  const nodes = parseConfig(text);
  const top = new Fields(nodes, 'metadata');
  if (top.optString('contents') !== 'Text Format Volume Group') corrupt('The text is not LVM2 volume group metadata (contents is missing or wrong).');
  if (top.optInt('version') !== 1) corrupt('The metadata text has an unsupported format version (only version 1 exists).');
  const vgNode = nodes.find((n) => n.children);
  if (!vgNode) return corrupt('The metadata text holds no volume group section.');
  const header: MetadataHeader = { description: top.optString('description'), creationHost: top.optString('creation_host'), creationTime: top.optInt('creation_time') };
  return { vg: vgFromConfig(vgNode), header };
}

export function vgFromConfig(vgNode: ConfigNode): VolumeGroup {
  const name = vgNode.key;
  const f = new Fields(vgNode.children ?? [], `VG ${name}`);
  const id = parseUuid(f.string('id'), `VG ${name}`);
  const vg: VolumeGroup = {
    name,
    id,
    seqno: f.int('seqno'),
    status: checkStatus(f.words('status'), VG_STATUS_WORDS, `VG ${name}`),
    flags: f.words('flags'),
    extentSizeSectors: f.int('extent_size'),
    maxLv: f.optInt('max_lv') ?? 0,
    maxPv: f.optInt('max_pv') ?? 0,
    metadataCopies: f.optInt('metadata_copies') ?? 0,
    pvs: [],
    lvs: [],
    extra: [],
  };
  f.optString('format');
  if (vg.extentSizeSectors <= 0) corrupt(`VG ${name}: extent_size must be positive.`);
  const pvKeys = new Map<string, string>();
  for (const node of f.section('physical_volumes') ?? []) {
    const pv = pvFromConfig(node, name);
    pvKeys.set(pv.key, pv.id);
    vg.pvs.push(pv);
  }
  for (const node of f.section('logical_volumes') ?? []) vg.lvs.push(lvFromConfig(node, pvKeys, name));
  vg.extra = f.extra();
  return vg;
}

function pvFromConfig(node: ConfigNode, vgName: string): PhysicalVolume {
  if (!node.children) return corrupt(`VG ${vgName}: physical_volumes/${node.key} should be a section.`);
  const f = new Fields(node.children, `PV ${node.key} of VG ${vgName}`);
  const pv: PhysicalVolume = {
    key: node.key,
    id: parseUuid(f.string('id'), `PV ${node.key}`),
    deviceHint: f.optString('device'),
    status: checkStatus(f.words('status'), PV_STATUS_WORDS, `PV ${node.key} of VG ${vgName}`),
    flags: f.words('flags'),
    devSizeSectors: f.optInt('dev_size') ?? 0,
    peStartSectors: f.int('pe_start'),
    peCount: f.int('pe_count'),
    extra: [],
  };
  pv.extra = f.extra();
  return pv;
}

function lvFromConfig(node: ConfigNode, pvKeys: Map<string, string>, vgName: string): LogicalVolume {
  if (!node.children) return corrupt(`VG ${vgName}: logical_volumes/${node.key} should be a section.`);
  const where = `LV ${vgName}/${node.key}`;
  const f = new Fields(node.children, where);
  const lv: LogicalVolume = {
    name: node.key,
    id: parseUuid(f.string('id'), where),
    status: checkStatus(f.words('status'), LV_STATUS_WORDS, where),
    flags: f.words('flags'),
    creationTime: f.optInt('creation_time'),
    creationHost: f.optString('creation_host'),
    allocationPolicy: f.optString('allocation_policy'),
    segments: [],
    extra: [],
  };
  const count = f.int('segment_count');
  for (let i = 1; i <= count; i++) {
    const seg = f.section(`segment${i}`);
    if (!seg) corrupt(`${where}: segment_count is ${count} but segment${i} is missing.`);
    lv.segments.push(segmentFromConfig(seg!, pvKeys, `${where} segment${i}`));
  }
  if (node.children.some((n) => /^segment\d+$/.test(n.key) && !f.used.has(n.key))) corrupt(`${where}: it has more segment sections than segment_count = ${count}.`);
  lv.extra = f.extra();
  return lv;
}

function segmentFromConfig(nodes: ConfigNode[], pvKeys: Map<string, string>, where: string): Segment {
  const f = new Fields(nodes, where);
  const startExtent = f.int('start_extent');
  const extentCount = f.int('extent_count');
  const type = f.string('type');
  if (type === 'striped') {
    const stripeCount = f.int('stripe_count');
    const stripes = areaList(f.value('stripes'), pvKeys, where, 'stripes');
    if (stripeCount < 1 || stripes.length !== stripeCount) corrupt(`${where}: stripe_count is ${stripeCount} but ${stripes.length} stripes are listed.`);
    if (extentCount % stripeCount !== 0) corrupt(`${where}: ${extentCount} extents cannot be split into ${stripeCount} stripes.`);
    const stripeSizeSectors = f.optInt('stripe_size');
    return { type: 'striped', startExtent, extentCount, stripes, ...(stripeSizeSectors !== undefined ? { stripeSizeSectors } : {}), extra: f.extra() };
  }
  if (type === 'mirror') {
    const mirrorCount = f.int('mirror_count');
    const mirrors = areaList(f.value('mirrors'), pvKeys, where, 'mirrors');
    if (mirrors.length !== mirrorCount) corrupt(`${where}: mirror_count is ${mirrorCount} but ${mirrors.length} mirrors are listed.`);
    const seg = { type: 'mirror' as const, startExtent, extentCount, mirrors, extentsMoved: f.optInt('extents_moved'), mirrorLog: f.optString('mirror_log'), regionSizeSectors: f.optInt('region_size'), extra: f.extra() };
    return dropUndefined(seg);
  }
  const body = cloneNodes(nodes.filter((n) => n.key !== 'start_extent' && n.key !== 'extent_count'));
  return { type, startExtent, extentCount, unsupported: true, body, pvAreas: pvAreasOf(body, pvKeys), reason: `segment type "${type}" is kept as it is but lvmscope cannot move or resize it`, extra: [] };
}

/**
 * PV areas named inside a segment lvmscope does not understand: any array of ("pvN", PE)
 * pairs. Their extents count as used, so that nothing is ever allocated on top of them.
 */
function pvAreasOf(body: ConfigNode[], pvKeys: Map<string, string>): AreaRef[] {
  const out: AreaRef[] = [];
  for (const node of body) {
    const v = node.value;
    if (!v || v.kind !== 'array') continue;
    for (let i = 0; i + 1 < v.items.length; i += 2) {
      const name = v.items[i];
      const pe = v.items[i + 1];
      if (name.kind !== 'string' || pe.kind !== 'int') continue;
      const pvId = pvKeys.get(name.value);
      if (pvId) out.push({ kind: 'pv', pvId, pe: Number(pe.value) });
    }
  }
  return out;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function areaList(v: ConfigValue | undefined, pvKeys: Map<string, string>, where: string, key: string): AreaRef[] {
  if (!v || v.kind !== 'array' || v.items.length % 2 !== 0) return corrupt(`${where}: ${key} should be a list of (name, extent) pairs.`);
  const out: AreaRef[] = [];
  for (let i = 0; i < v.items.length; i += 2) {
    const name = v.items[i];
    const index = v.items[i + 1];
    if (name.kind !== 'string' || index.kind !== 'int' || index.value < 0n || index.value > 0xffffffffn) corrupt(`${where}: ${key} entry ${i / 2} is not a (name, extent) pair.`);
    const n = (name as { value: string }).value;
    const at = Number((index as { value: bigint }).value);
    const pvId = pvKeys.get(n);
    out.push(pvId ? { kind: 'pv', pvId, pe: at } : { kind: 'lv', lvName: n, le: at });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Size comments of the backup form: "4 Megabytes", as LVM's display_size prints them. */
function sizeComment(sectorsCount: number): string {
  const units = ['Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Petabytes'];
  let value = sectorsCount / 2;
  let u = 0;
  while (value >= 1024 && u < units.length - 1 && Number.isInteger(value / 1024)) {
    value /= 1024;
    u++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(2)} ${units[u]}`;
}

export function vgToConfig(vg: VolumeGroup): ConfigNode {
  const keyOf = new Map(vg.pvs.map((pv) => [pv.id, pv.key]));
  const children: ConfigNode[] = [
    val('id', str(formatUuid(vg.id))),
    val('seqno', int(vg.seqno)),
    val('format', str('lvm2'), 'informational'),
    val('status', strArray(vg.status)),
    val('flags', strArray(vg.flags)),
    val('extent_size', int(vg.extentSizeSectors), sizeComment(vg.extentSizeSectors)),
    val('max_lv', int(vg.maxLv)),
    val('max_pv', int(vg.maxPv)),
    val('metadata_copies', int(vg.metadataCopies)),
    ...cloneNodes(vg.extra),
    section('physical_volumes', vg.pvs.map(pvToConfig)),
  ];
  if (vg.lvs.length > 0) children.push(section('logical_volumes', vg.lvs.map((lv) => lvToConfig(lv, keyOf, vg.extentSizeSectors))));
  return section(vg.name, children);
}

function pvToConfig(pv: PhysicalVolume): ConfigNode {
  const nodes: ConfigNode[] = [val('id', str(formatUuid(pv.id)))];
  if (pv.deviceHint !== undefined) nodes.push(val('device', str(pv.deviceHint), 'Hint only'));
  nodes.push(val('status', strArray(pv.status)), val('flags', strArray(pv.flags)));
  nodes.push(val('dev_size', int(pv.devSizeSectors), sizeComment(pv.devSizeSectors)));
  nodes.push(val('pe_start', int(pv.peStartSectors)), val('pe_count', int(pv.peCount)));
  return section(pv.key, [...nodes, ...cloneNodes(pv.extra)]);
}

function lvToConfig(lv: LogicalVolume, keyOf: Map<string, string>, extentSizeSectors: number): ConfigNode {
  const nodes: ConfigNode[] = [val('id', str(formatUuid(lv.id))), val('status', strArray(lv.status)), val('flags', strArray(lv.flags))];
  const tagsAt = lv.extra.findIndex((n) => n.key === 'tags');
  const extra = cloneNodes(lv.extra);
  if (tagsAt >= 0) nodes.push(...extra.splice(tagsAt, 1)); // LVM writes tags right after flags
  if (lv.creationTime !== undefined) nodes.push(val('creation_time', int(lv.creationTime)));
  if (lv.creationHost !== undefined) nodes.push(val('creation_host', str(lv.creationHost)));
  if (lv.allocationPolicy !== undefined) nodes.push(val('allocation_policy', str(lv.allocationPolicy)));
  nodes.push(...extra);
  nodes.push(val('segment_count', int(lv.segments.length)));
  lv.segments.forEach((seg, i) => nodes.push(section(`segment${i + 1}`, segmentToConfig(seg, keyOf, extentSizeSectors))));
  return section(lv.name, nodes);
}

function areaItems(areas: AreaRef[], keyOf: Map<string, string>): ConfigScalar[] {
  const items: ConfigScalar[] = [];
  for (const a of areas) {
    if (a.kind === 'pv') {
      const key = keyOf.get(a.pvId);
      if (!key) throw new LvmscopeError('INVALID', `A segment refers to PV ${formatUuid(a.pvId)}, which is not in the volume group.`);
      items.push(str(key), int(a.pe));
    } else items.push(str(a.lvName), int(a.le));
  }
  return items;
}

function segmentToConfig(seg: Segment, keyOf: Map<string, string>, extentSizeSectors: number): ConfigNode[] {
  const head = [val('start_extent', int(seg.startExtent)), val('extent_count', int(seg.extentCount), sizeComment(seg.extentCount * extentSizeSectors))];
  if ('unsupported' in seg) return [...head, ...cloneNodes(seg.body)];
  if (seg.type === 'striped') {
    const nodes = [...head, val('type', str('striped')), val('stripe_count', int(seg.stripes.length), seg.stripes.length === 1 ? 'linear' : undefined)];
    if (seg.stripeSizeSectors !== undefined) nodes.push(val('stripe_size', int(seg.stripeSizeSectors), sizeComment(seg.stripeSizeSectors)));
    return [...nodes, ...cloneNodes(seg.extra), val('stripes', arr(areaItems(seg.stripes, keyOf)))];
  }
  const nodes = [...head, val('type', str('mirror')), val('mirror_count', int(seg.mirrors.length))];
  if (seg.extentsMoved !== undefined) nodes.push(val('extents_moved', int(seg.extentsMoved), sizeComment(seg.extentsMoved * extentSizeSectors)));
  if (seg.mirrorLog !== undefined) nodes.push(val('mirror_log', str(seg.mirrorLog)));
  if (seg.regionSizeSectors !== undefined) nodes.push(val('region_size', int(seg.regionSizeSectors)));
  return [...nodes, ...cloneNodes(seg.extra), val('mirrors', arr(areaItems(seg.mirrors, keyOf)))];
}

export interface TextHeader {
  /** "Write from <cmdline>." style description. */
  description: string;
  creationHost: string;
  /** Unix seconds. */
  creationTime: number;
  /** e.g. "Linux vm 6.1.0 x86_64"; written as a comment only. */
  systemComment?: string;
}

const GENERATOR = 'lvmscope 0.1.0 (LVM2 2.03 text format)';

function headerNodes(h: TextHeader): ConfigNode[] {
  return [
    val('contents', str('Text Format Volume Group')),
    val('version', int(1)),
    val('description', str(h.description)),
    val('creation_host', str(h.creationHost), h.systemComment),
    val('creation_time', int(h.creationTime)),
  ];
}

/** The on-disk form (text_vg_export_raw): VG section first, no indentation, header after, `\n\n`. */
export function vgToDiskText(vg: VolumeGroup, h: TextHeader): string {
  const body = writeConfig([vgToConfig(vg)], DISK_STYLE);
  const header = writeConfig(headerNodes(h), DISK_STYLE);
  return `${body}# Generated by ${GENERATOR}\n\n${header}\n`;
}

/** The vgcfgbackup file form: header first, tabs, size comments. */
export function vgToBackupText(vg: VolumeGroup, h: TextHeader): string {
  const style: WriteStyle = FILE_STYLE;
  return `# Generated by ${GENERATOR}\n\n${writeConfig(headerNodes(h), style)}\n${writeConfig([vgToConfig(vg)], style)}`;
}

/** Extents one area of a segment covers; exported for the extent maps. */
export { areaExtentCount };
