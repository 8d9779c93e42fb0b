// What an external client (an NBD connection) wrote cannot be regenerated the way a workload
// write can (pattern.ts): the journal keeps a 32-bit hash of every sector it wrote instead, so
// the verifier can still tell whether the sector holds what was acknowledged. The hash mixes
// whole 32-bit words (murmur-style multiply and shift): cheap enough to run on every byte an
// NBD client writes, and a random change of a sector escapes it with odds of 1 in 2^32.

import { SECTOR_SIZE } from '../base/units';

const WORDS = SECTOR_SIZE / 4;

/** The hash of the sector at byte `offset` of `data`. */
export function sectorHash(data: Uint8Array, offset = 0): number {
  const words = wordsOf(data, offset);
  let h = 0x9747b28c;
  for (let i = 0; i < WORDS; i += 1) {
    let k = Math.imul(words[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** One hash per sector of `data` (a whole number of sectors). */
export function sectorHashes(data: Uint8Array): Uint32Array {
  const count = Math.floor(data.length / SECTOR_SIZE);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i += 1) out[i] = sectorHash(data, i * SECTOR_SIZE);
  return out;
}

/** The sector as 32-bit words; a sector that does not start on a 4-byte boundary is copied first. */
function wordsOf(data: Uint8Array, offset: number): Uint32Array {
  const start = data.byteOffset + offset;
  if (start % 4 === 0) return new Uint32Array(data.buffer, start, WORDS);
  return new Uint32Array(data.slice(offset, offset + SECTOR_SIZE).buffer);
}

const HEX = new TextEncoder().encode('0123456789abcdef');
const ascii = new TextDecoder('latin1');

/** Hashes as journal text: 8 hex digits each, no separator (digits written as bytes: a 1 MiB write has 2,048 hashes). */
export function hashesToText(hashes: Uint32Array): string {
  const out = new Uint8Array(hashes.length * 8);
  for (let i = 0; i < hashes.length; i += 1) {
    const h = hashes[i];
    for (let d = 0; d < 8; d += 1) out[i * 8 + d] = HEX[(h >>> (28 - 4 * d)) & 15];
  }
  return ascii.decode(out);
}

/** The hashes of journal text, or undefined when it is not `count` groups of 8 hex digits. */
export function hashesFromText(text: string, count: number): Uint32Array | undefined {
  if (text.length !== count * 8 || !/^[0-9a-f]*$/.test(text)) return undefined;
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i += 1) out[i] = parseInt(text.slice(i * 8, i * 8 + 8), 16);
  return out;
}
