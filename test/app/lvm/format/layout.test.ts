// Proves the on-disk codecs match LVM2 byte for byte: the CRC test vectors from
// docs/lvm2-format.md §3.4, a label and mda header rebuilt from the model compared with the
// real bytes of a fixture image, and the circular-buffer placement rules of §3.2.

import { describe, expect, it } from 'vitest';
import { DEFAULT_MDA0_OFFSET_BYTES, DEFAULT_MDA0_SIZE_BYTES, EMPTY_RAW_LOCN, INITIAL_CRC, MDA_HEADER_BYTES, calcCrc, decodeMdaHeader, encodeLabelSector, encodeMdaHeader, formatUuid, maxTextBytes, nextTextOffset, parseUuid, scanLabel, textPieces } from '../../../../app/lvm/format/layout';
import { fixtureImages } from '../fixtureImages';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('calc_crc', () => {
  it('matches the LVM2 test vectors', () => {
    expect(calcCrc(INITIAL_CRC, ascii('123456789'))).toBe(0x4991cf02);
    expect(calcCrc(INITIAL_CRC, new Uint8Array(0))).toBe(0xf597a6cf);
  });

  it('gives 0xdb8ed616 for the header of a fresh default mda', () => {
    const bytes = encodeMdaHeader({ startBytes: 4096, sizeBytes: 1044480, committed: EMPTY_RAW_LOCN, precommitted: EMPTY_RAW_LOCN });
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x16, 0xd6, 0x8e, 0xdb]);
  });

  it('gives the documented label CRCs for an orphan and an in-VG 64 MiB PV', () => {
    const label = { labelSector: 1, pvUuid: 'wSWSRk7q9F6fqx9K9DCL8xIsZI8xxAoO', deviceSizeBytes: 64 * 1024 * 1024, dataAreas: [{ offsetBytes: 0x100000, sizeBytes: 0 }], metadataAreas: [{ offsetBytes: 0x1000, sizeBytes: 0xff000 }], extVersion: 2, extFlags: 0, bootloaderAreas: [] };
    const view = (b: Uint8Array) => new DataView(b.buffer).getUint32(0x10, true);
    expect(view(encodeLabelSector(label))).toBe(0x3dfb1916);
    expect(view(encodeLabelSector({ ...label, extFlags: 1 }))).toBe(0x3cb2ecf8);
  });
});

describe('label and mda header codecs', () => {
  it('re-encode the label sector and mda header of a real PV byte for byte', () => {
    const image = fixtureImages('seed').get('pv1.img')!;
    const scan = scanLabel(image.subarray(0, 2048));
    expect(scan.problems).toEqual([]);
    const label = scan.label!;
    expect(label.labelSector).toBe(1);
    expect(label.metadataAreas).toEqual([{ offsetBytes: DEFAULT_MDA0_OFFSET_BYTES, sizeBytes: DEFAULT_MDA0_SIZE_BYTES }]);
    expect(label.dataAreas).toEqual([{ offsetBytes: 1024 * 1024, sizeBytes: 0 }]);
    expect(label.extFlags).toBe(1);
    expect(encodeLabelSector(label)).toEqual(image.subarray(512, 1024));
    const header = decodeMdaHeader(image.subarray(4096, 4096 + 512), 4096);
    expect(encodeMdaHeader(header)).toEqual(image.subarray(4096, 4096 + 512));
  });

  it('rejects a label whose CRC is wrong and says why', () => {
    const image = fixtureImages('seed').get('pv1.img')!;
    image[512 + 0x30] ^= 1;
    const scan = scanLabel(image.subarray(0, 2048));
    expect(scan.label).toBeUndefined();
    expect(scan.problems[0]).toMatch(/bad checksum/);
  });

  it('rejects an mda header with a bad checksum, magic or start', () => {
    const good = encodeMdaHeader({ startBytes: 4096, sizeBytes: 8192, committed: EMPTY_RAW_LOCN, precommitted: EMPTY_RAW_LOCN });
    expect(() => decodeMdaHeader(good, 8192)).toThrow(/starts at byte 4096/);
    const bad = good.slice();
    bad[10] ^= 0xff;
    expect(() => decodeMdaHeader(bad, 4096)).toThrow(/bad checksum/);
  });

  it('formats and parses uuids in the 6-4-4-4-4-4-6 form', () => {
    const id = 'wSWSRk7q9F6fqx9K9DCL8xIsZI8xxAoO';
    expect(formatUuid(id)).toBe('wSWSRk-7q9F-6fqx-9K9D-CL8x-IsZI-8xxAoO');
    expect(parseUuid(formatUuid(id), 'x')).toBe(id);
    expect(() => parseUuid('short', 'PV pv0')).toThrow(/PV pv0 has the invalid id/);
  });
});

describe('circular text buffer placement', () => {
  const locn = (offsetBytes: number, sizeBytes: number) => ({ offsetBytes, sizeBytes, checksum: 0, flags: 0 });

  it('starts at 512 when there is no committed copy or it is ignored', () => {
    expect(nextTextOffset(1044480, undefined)).toBe(MDA_HEADER_BYTES);
    expect(nextTextOffset(1044480, { ...locn(2048, 100), flags: 1 })).toBe(MDA_HEADER_BYTES);
  });

  it('places the next copy at the next sector after the old one, as on a fresh 1 MiB mda', () => {
    // Real offsets seen: 512, 2048, 4096, … (old copies of 1400-2000 bytes).
    expect(nextTextOffset(1044480, locn(512, 1500))).toBe(2048);
    expect(nextTextOffset(1044480, locn(2048, 1897))).toBe(4096);
  });

  it('wraps a copy that runs past the end into two pieces and restarts after it', () => {
    // The 60 KiB mda of the wrapped fixture: offset 58880, size 3035 → 2560 + 475 bytes.
    expect(textPieces(61440, 58880, 3035)).toEqual([
      { mdaOffsetBytes: 58880, lengthBytes: 2560 },
      { mdaOffsetBytes: 512, lengthBytes: 475 },
    ]);
    expect(nextTextOffset(61440, locn(58880, 3035))).toBe(1024);
  });

  it('restarts at 512 when the old copy ends within the last sector', () => {
    expect(nextTextOffset(61440, locn(60000, 1440))).toBe(512);
    // Ending 537 bytes before the end still leaves room for one more sector (rule 3).
    expect(nextTextOffset(61440, locn(59904, 1000))).toBe(60928);
  });

  it('limits the text to half the buffer minus a sector', () => {
    expect(maxTextBytes(61440)).toBe((61440 - 512) / 2 - 512);
  });
});
