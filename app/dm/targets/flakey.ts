// dm-flakey: fault injection as an ordinary target, for tests and the crash drill. The device
// is "up" for <up interval> seconds then "down" for <down interval> seconds, repeating (from
// when the table was constructed). While down, IO is dropped, failed or corrupted according
// to the features; with no features reads and writes fail (as the kernel).
//
// lvmscope additions for crash drills (not in the kernel): the feature `fail_after <n>` and
// the messages `fail_now`, `fail_after <n>` (go down for good after n more reads or writes)
// and `heal` (back to the interval schedule).

import { defineTarget, type MapResult, type TargetContext } from '../target';
import type { BlockDevice, IoRequest } from '../../block/blockDevice';
import { LvmscopeError } from '../../base/result';
import { checkCount, checkFits, parseCount } from '../table';

interface Corruption {
  readonly byteIndex: number; // 1-based, as the kernel's <Nth_byte>
  readonly direction: 'r' | 'w';
  readonly value: number;
  readonly flags: number;
}

interface FlakeyState {
  readonly ctx: TargetContext;
  readonly device: BlockDevice;
  readonly offsetSectors: number;
  readonly upSeconds: number;
  readonly downSeconds: number;
  readonly startMs: number;
  readonly dropWrites: boolean;
  readonly errorWrites: boolean;
  readonly errorReads: boolean;
  readonly corruption: Corruption | undefined;
  /** Reads and writes left before the device goes down for good; undefined = no countdown. */
  iosUntilFailure: number | undefined;
  forcedDown: boolean;
}

const invalid = (message: string): never => {
  throw new LvmscopeError('INVALID', message);
};

export const flakeyTarget = defineTarget({
  name: 'flakey',
  // <dev> <offset> <up interval> <down interval> [<#features> [<feature arguments>]]
  ctr(spec, ctx): FlakeyState {
    checkCount('flakey', 'offset', spec.device.offsetSectors);
    checkCount('flakey', 'up interval', spec.upSeconds);
    checkCount('flakey', 'down interval', spec.downSeconds);
    const device = ctx.getDevice(spec.device.devno, 'device');
    checkFits('flakey', device, spec.device.offsetSectors, ctx.lengthSectors);
    const { upSeconds, downSeconds } = spec;
    if (upSeconds + downSeconds === 0) invalid('flakey: the up and down intervals are both zero; give at least one a length in seconds.');
    const features = parseFeatures(spec.features);
    const noFaultChosen = !features.dropWrites && !features.errorWrites && !features.errorReads && !features.corruption;
    return {
      ctx,
      device,
      offsetSectors: spec.device.offsetSectors,
      upSeconds,
      downSeconds,
      startMs: ctx.clock.now(),
      ...features,
      errorWrites: features.errorWrites || noFaultChosen,
      errorReads: features.errorReads || noFaultChosen,
      forcedDown: false,
    };
  },
  map(s, io) {
    const down = isDown(s, io);
    const sector = s.offsetSectors + io.sector;
    if (!down) return { kind: 'remapped', device: s.device, sector };
    return mapWhileDown(s, io, sector);
  },
  message(s, argv) {
    const [command, value] = argv;
    if (command === 'fail_now' && argv.length === 1) return setDown(s, 'failed by message');
    if (command === 'heal' && argv.length === 1) {
      s.forcedDown = false;
      s.iosUntilFailure = undefined;
      s.ctx.emit({ type: 'flakey-state', up: true, reason: 'healed by message' });
      return '';
    }
    if (command === 'fail_after' && argv.length === 2) {
      s.iosUntilFailure = parseCount('flakey', 'IO count of fail_after', value);
      return '';
    }
    return invalid(`flakey: unknown message '${argv.join(' ')}'; use fail_now, fail_after <n> or heal.`);
  },
});

function setDown(s: FlakeyState, reason: string): string {
  if (!s.forcedDown) {
    s.forcedDown = true;
    s.ctx.emit({ type: 'flakey-state', up: false, reason });
  }
  return '';
}

function isDown(s: FlakeyState, io: IoRequest): boolean {
  if (io.op !== 'flush' && s.iosUntilFailure !== undefined) {
    if (s.iosUntilFailure === 0) setDown(s, 'the fail_after count was reached');
    else s.iosUntilFailure -= 1;
  }
  if (s.forcedDown) return true;
  if (s.downSeconds === 0) return false;
  const elapsedSeconds = Math.floor((s.ctx.clock.now() - s.startMs) / 1000);
  return elapsedSeconds % (s.upSeconds + s.downSeconds) >= s.upSeconds;
}

function mapWhileDown(s: FlakeyState, io: IoRequest, sector: number): MapResult {
  if (io.op === 'read') {
    if (s.errorReads) return { kind: 'error', message: 'flakey: the device is down and fails reads' };
    if (s.corruption?.direction === 'r') {
      const corruption = s.corruption;
      return { kind: 'submitted', done: s.device.read(sector, io.countSectors).then((bytes) => corrupt(bytes, corruption)) };
    }
    return { kind: 'remapped', device: s.device, sector };
  }
  if (s.dropWrites) return { kind: 'submitted', done: Promise.resolve() };
  if (s.errorWrites) return { kind: 'error', message: 'flakey: the device is down and fails writes' };
  if (io.op === 'write' && s.corruption?.direction === 'w') {
    return { kind: 'submitted', done: s.device.write(sector, corrupt(io.data.slice(), s.corruption), io.client) };
  }
  return { kind: 'remapped', device: s.device, sector };
}

function corrupt(bytes: Uint8Array, c: Corruption): Uint8Array {
  if (c.byteIndex - 1 < bytes.length) bytes[c.byteIndex - 1] = c.value;
  return bytes;
}

interface Features {
  dropWrites: boolean;
  errorWrites: boolean;
  errorReads: boolean;
  corruption: Corruption | undefined;
  iosUntilFailure: number | undefined;
}

/** The feature words of the table (after their count), e.g. `drop_writes` or `corrupt_bio_byte 1 r 0 0`. */
function parseFeatures(words: readonly string[]): Features {
  const out: Features = { dropWrites: false, errorWrites: false, errorReads: false, corruption: undefined, iosUntilFailure: undefined };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === 'drop_writes') out.dropWrites = true;
    else if (word === 'error_writes') out.errorWrites = true;
    else if (word === 'error_reads') out.errorReads = true;
    else if (word === 'corrupt_bio_byte') {
      out.corruption = parseCorruption(words.slice(i + 1, i + 5));
      i += 4;
    } else if (word === 'fail_after') {
      out.iosUntilFailure = parseCount('flakey', 'IO count of fail_after', words[i + 1]);
      i += 1;
    } else invalid(`flakey: unknown feature '${word}'; use drop_writes, error_writes, error_reads, corrupt_bio_byte or fail_after.`);
  }
  if (out.dropWrites && out.errorWrites) invalid('flakey: drop_writes and error_writes cannot both be given; pick one.');
  return out;
}

function parseCorruption(words: readonly string[]): Corruption {
  if (words.length !== 4) invalid('flakey: corrupt_bio_byte needs 4 arguments: <Nth_byte> <r|w> <value> <flags>.');
  const byteIndex = parseCount('flakey', 'byte position of corrupt_bio_byte', words[0], 1);
  const direction = words[1];
  if (direction !== 'r' && direction !== 'w') invalid(`flakey: the direction of corrupt_bio_byte must be r or w, not '${direction}'.`);
  const value = parseCount('flakey', 'value of corrupt_bio_byte', words[2]);
  if (value > 255) invalid(`flakey: the value of corrupt_bio_byte must be 0 to 255, not ${value}.`);
  const flags = parseCount('flakey', 'flags of corrupt_bio_byte', words[3]);
  return { byteIndex, direction: direction as 'r' | 'w', value, flags };
}
