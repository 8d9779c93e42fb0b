// The data pattern of the real-LVM2 fixtures (test/fixtures/lvm2/README.md): every 512-byte
// sector of an LV holds `<vg>/<lv> LE <le> sector <n>\n` repeated and cut to 512 bytes, where
// <n> is the LV-relative sector and <le> the logical extent it belongs to. Any misplaced,
// stale or torn sector names the wrong extent or sector, so one comparison checks a layout.

export const SECTOR_BYTES = 512;

/** Writes the pattern of LV sectors [firstSector, firstSector + count) into `out` at 0. */
export function writePattern(
  out: Uint8Array,
  vg: string,
  lv: string,
  extentSectors: number,
  firstSector: number,
  count: number,
): void {
  const buf = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < count; i++) {
    const sector = firstSector + i;
    const text = `${vg}/${lv} LE ${Math.floor(sector / extentSectors)} sector ${sector}\n`;
    const at = i * SECTOR_BYTES;
    // Write the line once, then double it in place until the sector is full.
    let filled = buf.write(text, at, SECTOR_BYTES, 'latin1');
    while (filled < SECTOR_BYTES) {
      const n = Math.min(filled, SECTOR_BYTES - filled);
      buf.copy(buf, at + filled, at, at + n);
      filled += n;
    }
  }
}

/** The whole content of an LV of `sizeSectors` sectors, as the fixtures write it. */
export function lvPattern(vg: string, lv: string, extentSectors: number, sizeSectors: number): Uint8Array {
  const out = new Uint8Array(sizeSectors * SECTOR_BYTES);
  writePattern(out, vg, lv, extentSectors, 0, sizeSectors);
  return out;
}

/**
 * The first LV sector whose bytes differ from the pattern, with what it holds instead, or
 * null when all of `bytes` matches. Compares a chunk at a time to stay fast on 256 MiB.
 */
export function firstPatternMismatch(
  bytes: Uint8Array,
  vg: string,
  lv: string,
  extentSectors: number,
): { sector: number; found: string } | null {
  if (bytes.length % SECTOR_BYTES !== 0) return { sector: Math.floor(bytes.length / SECTOR_BYTES), found: '(partial sector)' };
  const chunkSectors = 2048;
  const expected = new Uint8Array(chunkSectors * SECTOR_BYTES);
  const totalSectors = bytes.length / SECTOR_BYTES;
  for (let first = 0; first < totalSectors; first += chunkSectors) {
    const count = Math.min(chunkSectors, totalSectors - first);
    writePattern(expected, vg, lv, extentSectors, first, count);
    const actual = bytes.subarray(first * SECTOR_BYTES, (first + count) * SECTOR_BYTES);
    if (Buffer.compare(actual, expected.subarray(0, actual.length)) === 0) continue;
    for (let s = 0; s < count; s++) {
      const a = actual.subarray(s * SECTOR_BYTES, (s + 1) * SECTOR_BYTES);
      if (Buffer.compare(a, expected.subarray(s * SECTOR_BYTES, (s + 1) * SECTOR_BYTES)) !== 0) {
        return { sector: first + s, found: JSON.stringify(Buffer.from(a.subarray(0, 48)).toString('latin1')) };
      }
    }
  }
  return null;
}
