// Tables as typed target specs, and their `dmsetup` syntax at the edges. Inside the engine a
// table is a list of TargetSpec (what `dm.load` takes, what the registry keeps and what the
// API carries); text in exactly `dmsetup` syntax (`<start> <length> <type> <params…>`, one
// target per line, sectors in decimal) is parsed only where a person types a table (the CLI,
// tests written as a reader would write them) and printed only where a person reads one
// (`dmsetup table`, narration, transcripts). Parsing checks the shape, the numbers and the
// layout (the first target starts at 0, every target begins where the previous one ended);
// the target's `ctr` checks what needs the devices (sizes, power-of-two region, leg count).

import { LvmscopeError } from '../base/result';

/** A device a target maps onto, and where on it. */
export interface DeviceOffset {
  /** "maj:min" of an image PV (7:N) or a mapped device (254:N). */
  readonly devno: string;
  readonly offsetSectors: number;
}

/** See the mirror's `writeRule`. */
export type MirrorWriteRule = 'dm-raid1' | 'intercept';

/** The parameters of one target, by type (the words after the type in a dmsetup line). */
export type TargetParams =
  | { readonly type: 'linear'; readonly device: DeviceOffset }
  | { readonly type: 'striped'; readonly chunkSectors: number; readonly stripes: readonly DeviceOffset[] }
  | {
      readonly type: 'mirror';
      readonly regionSectors: number;
      /** The core log's optional second argument; 'default' = not given (pvmove's choice). */
      readonly sync: 'default' | 'sync' | 'nosync';
      /** Leg 0 is the source the mirror copies from. */
      readonly legs: readonly DeviceOffset[];
      readonly handleErrors: boolean;
      /**
       * What a write to a region that is not copied yet does (absent = 'dm-raid1').
       * 'dm-raid1' is the kernel's rule (dm-raid1.c do_writes): a region not copied and not being
       * copied takes the write on leg 0 only (recovery copies it later, new data included); a
       * region being copied holds it until its copy ends, then it goes to every leg.
       * 'intercept' is the 2002 outline's rule (DESIGN §1 step 4): the region's copy jumps the
       * queue and the write waits for it, then goes to every leg.
       * Why a spec field and not a table argument: `dmsetup table` prints what the kernel would,
       * and the kernel's mirror has no such argument (real LVM2's tables, and the kernel tests
       * that compare ours with them, must stay byte-identical). Only the outline stack, which no
       * kernel runs, sets 'intercept'; its text is the same mirror line, so a table typed or
       * parsed from text always gets the kernel's rule, and `sameTable` tells the two apart.
       */
      readonly writeRule?: MirrorWriteRule;
    }
  | { readonly type: 'zero' }
  | { readonly type: 'error' }
  | {
      readonly type: 'flakey';
      readonly device: DeviceOffset;
      readonly upSeconds: number;
      readonly downSeconds: number;
      /** The feature words as given (drop_writes, corrupt_bio_byte 1 r 0 0, …); the target parses them. */
      readonly features: readonly string[];
    };

export type TargetTypeName = TargetParams['type'];

/** One target of a table: where it sits in the device and what it maps to. */
export type TargetSpec = TargetParams & { readonly startSector: number; readonly lengthSectors: number };

export type TableSpec = readonly TargetSpec[];

export const TARGET_TYPE_NAMES: readonly TargetTypeName[] = ['linear', 'striped', 'mirror', 'zero', 'error', 'flakey'];

const invalid = (message: string): never => {
  throw new LvmscopeError('INVALID', message);
};

// ---- the edge parser ----

function parseSectorField(text: string, what: string, lineNumber: number): number {
  if (!/^\d+$/.test(text)) invalid(`Table line ${lineNumber}: the ${what} '${text}' is not a whole number of sectors.`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) invalid(`Table line ${lineNumber}: the ${what} ${text} is too large.`);
  return n;
}

/** Parses table text (lines separated by newlines; blank lines and '#' comments ignored). */
export function parseTable(text: string): TargetSpec[] {
  const specs: TargetSpec[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    if (fields.length < 3) invalid(`Table line ${index + 1} ('${line}') must read '<start> <length> <target type> <arguments…>'.`);
    const startSector = parseSectorField(fields[0], 'start', index + 1);
    const lengthSectors = parseSectorField(fields[1], 'length', index + 1);
    if (lengthSectors === 0) invalid(`Table line ${index + 1}: a target must be at least 1 sector long.`);
    const params = parseParams(fields[2], fields.slice(3), index + 1);
    specs.push({ ...params, startSector, lengthSectors });
  });
  if (specs.length === 0) invalid('The table is empty; give at least one target line.');
  checkLayout(specs);
  return specs;
}

/** The words after the type, by target type (each grammar as `dmsetup` documents it). */
function parseParams(type: string, args: readonly string[], lineNumber: number): TargetParams {
  switch (type) {
    case 'linear':
      // <dev> <offset>
      expectArgCount('linear', '<dev> <offset>', args, 2);
      return { type, device: parseDeviceOffset('linear', args, 0, 'device', 'offset') };
    case 'striped':
      return parseStriped(args);
    case 'mirror':
      return parseMirror(args);
    case 'zero':
      // (no arguments)
      expectArgCount('zero', 'no arguments', args, 0);
      return { type };
    case 'error':
      // (arguments are ignored, as in the kernel)
      return { type };
    case 'flakey':
      return parseFlakey(args);
    default:
      return invalid(`Table line ${lineNumber}: unknown target type '${type}'; known types are ${TARGET_TYPE_NAMES.join(', ')}.`);
  }
}

function parseDeviceOffset(target: string, args: readonly string[], at: number, deviceName: string, offsetName: string): DeviceOffset {
  const devno = args[at];
  if (devno === undefined) invalid(`${target}: the ${deviceName} is missing.`);
  if (!/^\d+:\d+$/.test(devno)) invalid(`${target}: the ${deviceName} '${devno}' is not a device number of the form major:minor.`);
  return { devno, offsetSectors: parseCount(target, offsetName, args[at + 1]) };
}

// <#stripes> <chunk size> [<dev> <offset>]{#stripes}
function parseStriped(args: readonly string[]): TargetParams {
  const count = parseCount('striped', 'number of stripes', args[0], 1);
  const chunkSectors = parseCount('striped', 'chunk size', args[1], 1);
  if (args.length !== 2 + 2 * count) invalid(`striped: ${count} stripes need ${2 + 2 * count} arguments (<#stripes> <chunk size> then <dev> <offset> per stripe) but got ${args.length}.`);
  const stripes = Array.from({ length: count }, (_, i) => parseDeviceOffset('striped', args, 2 + 2 * i, `device of stripe ${i}`, `offset of stripe ${i}`));
  return { type: 'striped', chunkSectors, stripes };
}

// core <#log args> <region size> [sync|nosync] <#legs> [<dev> <offset>]{#legs} [<#features> handle_errors]
function parseMirror(args: readonly string[]): TargetParams {
  const logType = args[0];
  if (logType === undefined) return invalid('mirror: the log type is missing; pvmove uses "core 1 <region size>".');
  if (logType !== 'core') invalid(`mirror: only the core log is supported, not '${logType}'; use "core 1 <region size>".`);
  const logArgCount = parseCount('mirror', 'number of log arguments', args[1], 1);
  if (logArgCount > 2) invalid(`mirror: a core log takes 1 or 2 arguments (<region size> [sync|nosync]), not ${logArgCount}.`);
  const regionSectors = parseCount('mirror', 'region size', args[2]);
  let sync: 'default' | 'sync' | 'nosync' = 'default';
  if (logArgCount === 2) {
    const word = args[3];
    if (word !== 'sync' && word !== 'nosync') invalid(`mirror: the second core log argument must be sync or nosync, not '${word ?? ''}'.`);
    sync = word as 'sync' | 'nosync';
  }
  const rest = args.slice(2 + logArgCount);
  const legCount = parseCount('mirror', 'number of legs', rest[0]);
  if (rest.length < 1 + 2 * legCount) invalid(`mirror: ${legCount} legs need a <dev> <offset> pair each, but only ${rest.length - 1} arguments follow.`);
  const legs = Array.from({ length: legCount }, (_, i) => parseDeviceOffset('mirror', rest, 1 + 2 * i, `device of leg ${i}`, `offset of leg ${i}`));
  const handleErrors = parseMirrorFeatures(rest.slice(1 + 2 * legCount));
  return { type: 'mirror', regionSectors, sync, legs, handleErrors };
}

function parseMirrorFeatures(words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const count = parseCount('mirror', 'number of features', words[0]);
  if (words.length !== 1 + count) invalid(`mirror: the feature count says ${count} but ${words.length - 1} feature arguments follow.`);
  for (const w of words.slice(1)) if (w !== 'handle_errors') invalid(`mirror: unknown feature '${w}'; only handle_errors is supported.`);
  return count > 0;
}

// <dev> <offset> <up interval> <down interval> [<#features> [<feature arguments>]]
function parseFlakey(args: readonly string[]): TargetParams {
  if (args.length < 4) invalid(`flakey: expected at least 4 arguments (<dev> <offset> <up interval> <down interval>) but got ${args.length}.`);
  const device = parseDeviceOffset('flakey', args, 0, 'device', 'offset');
  const upSeconds = parseCount('flakey', 'up interval', args[2]);
  const downSeconds = parseCount('flakey', 'down interval', args[3]);
  const rest = args.slice(4);
  if (rest.length === 0) return { type: 'flakey', device, upSeconds, downSeconds, features: [] };
  const count = parseCount('flakey', 'number of feature arguments', rest[0]);
  const features = rest.slice(1);
  if (features.length !== count) invalid(`flakey: the feature count says ${count} arguments but ${features.length} follow.`);
  return { type: 'flakey', device, upSeconds, downSeconds, features };
}

/** Every sector from 0 to the end must be mapped exactly once, in order. */
export function checkLayout(specs: readonly TargetSpec[]): void {
  let expected = 0;
  specs.forEach((spec, i) => {
    if (spec.startSector > expected) {
      invalid(`Table line ${i + 1} starts at sector ${spec.startSector} but the previous target ends at sector ${expected}: the table has a gap.`);
    }
    if (spec.startSector < expected) {
      invalid(`Table line ${i + 1} starts at sector ${spec.startSector}, inside the previous target (which ends at sector ${expected}): targets overlap.`);
    }
    if (!(spec.lengthSectors >= 1)) invalid(`Table line ${i + 1}: a target must be at least 1 sector long.`);
    expected = spec.startSector + spec.lengthSectors;
  });
  if (specs.length === 0) invalid('The table is empty; give at least one target line.');
}

// ---- the edge printer ----

const pair = (d: DeviceOffset): string => `${d.devno} ${d.offsetSectors}`;

/** The parameters of a target as `dmsetup table` prints them (after the type). */
export function formatParams(spec: TargetParams): string {
  switch (spec.type) {
    case 'linear':
      return pair(spec.device);
    case 'striped':
      return `${spec.stripes.length} ${spec.chunkSectors} ${spec.stripes.map(pair).join(' ')}`;
    case 'mirror': {
      const log = spec.sync === 'default' ? `core 1 ${spec.regionSectors}` : `core 2 ${spec.regionSectors} ${spec.sync}`;
      return `${log} ${spec.legs.length} ${spec.legs.map(pair).join(' ')}${spec.handleErrors ? ' 1 handle_errors' : ''}`;
    }
    case 'zero':
    case 'error':
      return '';
    case 'flakey': {
      const features = spec.features.length > 0 ? ` ${spec.features.length} ${spec.features.join(' ')}` : '';
      return `${pair(spec.device)} ${spec.upSeconds} ${spec.downSeconds}${features}`;
    }
  }
}

/** One target as a `dmsetup table` line. */
export function formatTarget(spec: TargetSpec): string {
  return formatTableLine(spec.startSector, spec.lengthSectors, spec.type, formatParams(spec));
}

/** A table as `dmsetup table` lines. */
export function formatTable(specs: TableSpec): string[] {
  return specs.map(formatTarget);
}

/** One line as `dmsetup table` prints it: there is a space after the type even with no params. */
export function formatTableLine(startSector: number, lengthSectors: number, type: string, params: string): string {
  return `${startSector} ${lengthSectors} ${type} ${params}`;
}

// ---- reading typed specs ----

/** The devices a target maps onto, in table order (a mirror's source leg first). */
export function targetDevices(spec: TargetParams): readonly DeviceOffset[] {
  switch (spec.type) {
    case 'linear':
    case 'flakey':
      return [spec.device];
    case 'striped':
      return spec.stripes;
    case 'mirror':
      return spec.legs;
    case 'zero':
    case 'error':
      return [];
  }
}

/** Two tables are the same mapping (what `dmsetup table` would print identically). */
export function sameTable(a: TableSpec | undefined, b: TableSpec | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((t, i) => formatTarget(t) === formatTarget(b[i]) && writeRuleOf(t) === writeRuleOf(b[i]));
}

/** A mirror's write rule (see TargetParams), or null for other targets. */
export function writeRuleOf(spec: TargetParams): MirrorWriteRule | null {
  return spec.type === 'mirror' ? (spec.writeRule ?? 'dm-raid1') : null;
}

// ---- argument helpers shared by the parser and the targets' constructors ----

/** Parses a non-negative integer argument of a target, or fails naming it. */
export function parseCount(target: string, what: string, text: string | undefined, min = 0): number {
  if (text === undefined) invalid(`${target}: the ${what} is missing.`);
  if (!/^\d+$/.test(text!)) invalid(`${target}: the ${what} '${text}' is not a whole number.`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) invalid(`${target}: the ${what} must be at least ${min}, not ${text}.`);
  return n;
}

/** Fails with a sentence unless there are exactly `count` arguments. */
export function expectArgCount(target: string, grammar: string, args: readonly string[], count: number): void {
  if (args.length !== count) {
    invalid(`${target}: expected ${count} argument${count === 1 ? '' : 's'} (${grammar}) but got ${args.length}.`);
  }
}

/** Fails with a sentence naming the target and the range when [offset, offset+length) does not fit the device. */
export function checkFits(target: string, device: { devno: string; sizeSectors: number }, offsetSectors: number, lengthSectors: number): void {
  // A device without a size (a dm device created but not resumed yet) is not checked, as the
  // kernel's device_area_is_invalid skips it: libdm loads the tables above a new device (the
  // users of pvmove0) before that device is resumed, and IO reaches it only after its resume.
  if (device.sizeSectors === 0) return;
  if (offsetSectors + lengthSectors > device.sizeSectors) {
    invalid(
      `${target}: device ${device.devno} is too small: the target needs sectors ${offsetSectors} to ${offsetSectors + lengthSectors} but the device has ${device.sizeSectors} sectors.`,
    );
  }
}

/** Fails unless a typed count is a whole number ≥ min (specs built in code are checked too). */
export function checkCount(target: string, what: string, n: number, min = 0): void {
  if (!Number.isSafeInteger(n) || n < min) invalid(`${target}: the ${what} must be a whole number of at least ${min}, not ${n}.`);
}
