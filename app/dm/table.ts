// Table lines in exactly `dmsetup` syntax: `<start> <length> <type> <params…>`, one target per
// line, sectors in decimal. Parsing checks the shape and the layout (the first target starts
// at 0, every target begins where the previous one ended); the target's `ctr` checks the
// parameters.

import { LvmscopeError } from '../base/result';

export interface TableLine {
  readonly startSector: number;
  readonly lengthSectors: number;
  readonly type: string;
  readonly args: readonly string[];
}

const invalid = (message: string): never => {
  throw new LvmscopeError('INVALID', message);
};

function parseSectorField(text: string, what: string, lineNumber: number): number {
  if (!/^\d+$/.test(text)) invalid(`Table line ${lineNumber}: the ${what} '${text}' is not a whole number of sectors.`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) invalid(`Table line ${lineNumber}: the ${what} ${text} is too large.`);
  return n;
}

/** Parses table text (lines separated by newlines; blank lines and '#' comments ignored). */
export function parseTable(text: string): TableLine[] {
  const lines: TableLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    if (fields.length < 3) invalid(`Table line ${index + 1} ('${line}') must read '<start> <length> <target type> <arguments…>'.`);
    const startSector = parseSectorField(fields[0], 'start', index + 1);
    const lengthSectors = parseSectorField(fields[1], 'length', index + 1);
    if (lengthSectors === 0) invalid(`Table line ${index + 1}: a target must be at least 1 sector long.`);
    lines.push({ startSector, lengthSectors, type: fields[2], args: fields.slice(3) });
  });
  if (lines.length === 0) invalid('The table is empty; give at least one target line.');
  checkLayout(lines);
  return lines;
}

/** Every sector from 0 to the end must be mapped exactly once, in order. */
function checkLayout(lines: readonly TableLine[]): void {
  let expected = 0;
  lines.forEach((line, i) => {
    if (line.startSector > expected) {
      invalid(`Table line ${i + 1} starts at sector ${line.startSector} but the previous target ends at sector ${expected}: the table has a gap.`);
    }
    if (line.startSector < expected) {
      invalid(`Table line ${i + 1} starts at sector ${line.startSector}, inside the previous target (which ends at sector ${expected}): targets overlap.`);
    }
    expected = line.startSector + line.lengthSectors;
  });
}

/** One line as `dmsetup table` prints it: there is a space after the type even with no params. */
export function formatTableLine(startSector: number, lengthSectors: number, type: string, params: string): string {
  return `${startSector} ${lengthSectors} ${type} ${params}`;
}

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
  if (offsetSectors + lengthSectors > device.sizeSectors) {
    invalid(
      `${target}: device ${device.devno} is too small: the target needs sectors ${offsetSectors} to ${offsetSectors + lengthSectors} but the device has ${device.sizeSectors} sectors.`,
    );
  }
}
