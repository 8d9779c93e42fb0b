// Proves the CLI's arguments cannot make lvmscope do something other than what was asked:
// - every size parser (-L, -l, --size, -s, --rate, --region-size, --max-segment-size), swept with seeded fast-check
//   over malformed, zero, negative, fractional, huge and unit-suffixed texts, either refuses with
//   commander's usage error or returns a whole, in-range number (never NaN, never a fraction
//   rounded to 0: `--rate 0.4` used to mean "unlimited", `--region-size 512b` a region dm-mirror
//   refuses at step 3);
// - `pvcreate --size 100T` on a filesystem that refuses such a file is one sentence and leaves no
//   file behind;
// - `demo --force` replaces only the demo's own images: a photo and a symlink beside them stay,
//   a demo-named file holding a filesystem is refused with every byte unchanged, and `demo FILE`
//   is a sentence, not a bare EEXIST.

import { existsSync, lstatSync, openSync, readFileSync, symlinkSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMaxSegmentMiB, parsePositiveSizeBytes, parseRate, parseRegionSectors, parseSignedCount, parseSignedSize, parseSizeBytes } from '../../../main/cli/sizes';
import { cli, imageDigests, isOneSentence, removeDir, tempDir } from './run';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function folder(): string {
  const dir = tempDir('lvmscope-hostile-');
  dirs.push(dir);
  return dir;
}

const NUMBERS = ['0', '00', '0.0', '0.4', '1', '1.5', '3', '512', '4096', '0.001', '99999999999999999999', '9007199254740993', '-1', '-0', '+2', '1e3', '1,5', '.5', '5.', '', ' ', 'NaN', 'Infinity', '0x10'];
const UNITS = ['', 'b', 'B', 's', 'S', 'k', 'K', 'kb', 'KiB', 'm', 'M', 'MiB', 'g', 't', 'T', 'p', 'P', 'e', 'E', 'x', 'Q', '%FREE', '%VG', '%PVS', '%', 'kk'];

/** Texts a user (or a script with a bug) might pass as a size. */
const sizeText = fc.oneof(
  fc.tuple(fc.constantFrom(...NUMBERS), fc.constantFrom(...UNITS)).map(([n, u]) => n + u),
  fc.tuple(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 999 }), fc.constantFrom(...UNITS)).map(([i, f, u]) => `${i}.${f}${u}`),
  fc.string({ maxLength: 12 }),
);

/** The exact value the text states, in bytes for `unit`, or undefined when it is not a plain number. */
function statedBytes(text: string, unit: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([bskmgtpe])?(?:i?b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const mult: Record<string, number> = { b: 1, s: 512, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5, e: 1024 ** 6 };
  return Number(m[1]) * mult[(m[2] ?? unit).toLowerCase()];
}

/** Runs a parser: its value, or null when it refused with a usage error (anything else fails the test). */
function outcome<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(/^'.*'|^The /);
    return null;
  }
}

describe('size arguments, swept (seeded fast-check)', () => {
  const seed = Number(process.env.SIZES_SEED ?? Date.now() % 1_000_000);
  console.log(`size argument sweep seed ${seed} (replay: SIZES_SEED=${seed})`);
  const runs = { seed, numRuns: 3000 };

  it('-L, --size and -s give whole, safe byte counts, never a fraction rounded away', () => {
    fc.assert(
      fc.property(sizeText, (text) => {
        const bytes = outcome(() => parseSizeBytes(text));
        const stated = statedBytes(text, 'm');
        if (bytes !== null) {
          expect(Number.isSafeInteger(bytes) && bytes >= 0).toBe(true);
          expect(stated).toBeDefined();
          if (stated! > 0) expect(bytes).toBeGreaterThanOrEqual(1);
        }
        const positive = outcome(() => parsePositiveSizeBytes(text));
        if (positive !== null) expect(Number.isSafeInteger(positive) && positive >= 1).toBe(true);
        const signed = outcome(() => parseSignedSize(text));
        if (signed !== null) expect(Number.isSafeInteger(signed.bytes) && signed.bytes >= 1).toBe(true);
      }),
      runs,
    );
  });

  it('-l gives a whole number of extents above zero, or a bounded percentage', () => {
    fc.assert(
      fc.property(sizeText, (text) => {
        const count = outcome(() => parseSignedCount(text));
        if (count === null) return;
        if (count.percentOf) expect(count.count > 0 && count.count <= 10_000).toBe(true);
        else expect(Number.isSafeInteger(count.count) && count.count >= 1).toBe(true);
      }),
      runs,
    );
  });

  it('--rate is 0 (no limit) only when 0 is written, and otherwise at least one byte per second', () => {
    fc.assert(
      fc.property(sizeText, (text) => {
        const rate = outcome(() => parseRate(text));
        if (rate === null) return;
        expect(Number.isSafeInteger(rate) && rate >= 0).toBe(true);
        expect(rate === 0).toBe(statedBytes(text, 'b') === 0);
      }),
      runs,
    );
    expect(outcome(() => parseRate('0.4'))).toBeNull();
  });

  it('--region-size is a power of two from 8 sectors (4 KiB) to 2^31 sectors', () => {
    fc.assert(
      fc.property(sizeText, (text) => {
        const sectors = outcome(() => parseRegionSectors(text));
        if (sectors === null) return;
        expect(Number.isInteger(Math.log2(sectors)) && sectors >= 8 && sectors <= 2 ** 31).toBe(true);
      }),
      runs,
    );
    for (const text of ['512b', '1s', '2k', '3', '0', '300K', '2T']) expect(outcome(() => parseRegionSectors(text)), text).toBeNull();
    expect(parseRegionSectors('4k')).toBe(8);
  });

  it('--max-segment-size is the whole number of MiB written, at least 1, never a fraction rounded', () => {
    fc.assert(
      fc.property(sizeText, (text) => {
        const mebibytes = outcome(() => parseMaxSegmentMiB(text));
        if (mebibytes === null) return;
        expect(Number.isSafeInteger(mebibytes) && mebibytes >= 1).toBe(true);
        expect(mebibytes * 1024 ** 2).toBe(statedBytes(text, 'm'));
      }),
      runs,
    );
    for (const text of ['0', '0.5', '1.5', '512K', '-2', 'x']) expect(outcome(() => parseMaxSegmentMiB(text)), text).toBeNull();
    expect(parseMaxSegmentMiB('64')).toBe(64);
    expect(parseMaxSegmentMiB('1G')).toBe(1024);
  });
});

describe('size arguments through the CLI', () => {
  it('bad sizes are usage errors (exit 2) and change nothing', () => {
    const dir = folder();
    expect(cli('demo', dir).status).toBe(0);
    const before = imageDigests(dir);
    for (const args of [
      ['lvcreate', dir, 'vg0', '-n', 'x', '-L', '0.4b'],
      ['lvcreate', dir, 'vg0', '-n', 'x', '-L', '0'],
      ['lvcreate', dir, 'vg0', '-n', 'x', '-l', '99999999999999999999'],
      ['lvextend', dir, 'vg0/lv0', '-L', '+99999999999999999999T'],
      ['pvmove', dir, 'pv1', 'pv4', '--rate', '0.4'],
      ['pvmove', dir, 'pv1', 'pv4', '--region-size', '512b'],
      ['pvmove', dir, 'pv1', 'pv4', '--region-size', '1s'],
      ['pvmove', dir, 'pv1', 'pv4', '--stack', 'lvm2', '--max-segment-size', '0.5'],
      ['vgcreate', dir, 'vgz', 'new.img', '-s', '0'],
      ['pvcreate', dir, 'new', '--size', '-5M'],
    ]) {
      const r = cli(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^lvmscope: option .* is invalid\. .*; see lvmscope \w+ --help\.\n$/);
    }
    expect(imageDigests(dir)).toEqual(before);
  });

  it('pvcreate --size 100T on a filesystem that refuses it is one sentence and leaves no file', () => {
    const dir = folder();
    const r = cli('pvcreate', dir, 'big', '--size', '100T');
    if (r.status === 0) return; // this filesystem takes a sparse 100 TiB file: nothing to refuse
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/big\.img/);
    expect(existsSync(path.join(dir, 'big.img'))).toBe(false);
  });

  it('a 127-character LV name is refused as LVM2 refuses it', () => {
    const dir = folder();
    expect(cli('demo', dir).status).toBe(0);
    const before = imageDigests(dir);
    const r = cli('lvcreate', dir, 'vg0', '-n', 'a'.repeat(127), '-l', '1');
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/too long: LVM2 allows at most 124 characters for the VG and LV names together/);
    expect(imageDigests(dir)).toEqual(before);
  });
});

describe('a PV whose label is damaged', () => {
  it('is pointed at pvck --repair by pvmove and pvs, never at pvcreate, and left unchanged', () => {
    const dir = folder();
    expect(cli('demo', dir).status).toBe(0);
    const fd = openSync(path.join(dir, 'pv4.img'), 'r+');
    writeSync(fd, Buffer.from([0xff]), 0, 1, 512 + 100); // breaks the label's checksum
    closeSync(fd);
    const before = imageDigests(dir);
    const move = cli('pvmove', dir, 'pv4', 'pv1');
    expect(isOneSentence(move.stderr), move.stderr).toBe(true);
    expect(move.stderr).toMatch(/pv4\.img has a damaged LVM label \(the label in sector 1 has a bad checksum\).*pvck --repair/);
    const pvs = cli('pvs', dir, 'pv4');
    expect(pvs.stderr).toMatch(/damaged, named in the warnings, needs LVM2's pvck --repair instead/);
    for (const r of [move, pvs]) expect(r.stderr).not.toMatch(/run pvcreate|becomes one with lvmscope pvcreate/);
    expect(imageDigests(dir)).toEqual(before);
  });
});

describe('demo --force', () => {
  it('replaces only the demo’s own images: a photo and a symlink beside them stay', () => {
    const dir = folder();
    // A demo folder the user also keeps other files in (a folder of nothing but non-images is
    // refused as a whole: see main/workspaceFolder.ts).
    expect(cli('demo', dir).status).toBe(0);
    writeFileSync(path.join(dir, 'holiday.jpg'), 'JFIF: a photo');
    symlinkSync('holiday.jpg', path.join(dir, 'latest.png'));
    writeFileSync(path.join(dir, 'notes.img'), 'not an image at all');
    const refused = cli('demo', dir);
    expect(refused.status).toBe(1);
    expect(isOneSentence(refused.stderr), refused.stderr).toBe(true);
    const forced = cli('demo', dir, '--force');
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'holiday.jpg'), 'utf8')).toBe('JFIF: a photo');
    expect(lstatSync(path.join(dir, 'latest.png')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'notes.img'), 'utf8')).toBe('not an image at all');
  });

  it('refuses to overwrite a demo-named file that holds something else, changing nothing', () => {
    const dir = folder();
    expect(cli('demo', dir).status).toBe(0);
    // pv3.img now holds a (synthetic) ext4 superblock instead of the demo's PV.
    const pv3 = path.join(dir, 'pv3.img');
    const bytes = Buffer.alloc(16 * 1024 * 1024);
    bytes.set([0x53, 0xef], 1080);
    bytes.write('data', 1024 + 0x78);
    writeFileSync(pv3, bytes);
    writeFileSync(path.join(dir, 'pv4.img'), 'someone else’s bytes');
    const before = imageDigests(dir);
    const r = cli('demo', dir, '--force');
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/pv3\.img holds an ext2 filesystem \(label "data"\), not a demo image; the demo will not overwrite it/);
    expect(imageDigests(dir)).toEqual(before);
    truncateSync(pv3, 0);
    const unknown = cli('demo', dir, '--force');
    expect(unknown.stderr).toMatch(/pv4\.img holds data that is not an LVM image/);
    expect(imageDigests(dir)).toEqual({ ...before, 'pv3.img': imageDigests(dir)['pv3.img'] });
  });

  it('demo FILE says the path is a file, in one sentence', () => {
    const dir = folder();
    const file = path.join(dir, 'photo.jpg');
    writeFileSync(file, 'JFIF');
    const r = cli('demo', file);
    expect(r.status).toBe(1);
    expect(isOneSentence(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/photo\.jpg is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('JFIF');
  });
});
