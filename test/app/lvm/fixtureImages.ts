// Loads the real-LVM2 golden images (test/fixtures/lvm2/<name>/*.img.gz) into an in-memory
// workspace, so tests never modify the fixtures and run without touching the disk.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MemoryBlockStore, MemoryWorkspaceStorage } from '../../sim/memory';
import { LvmWorkspace, type WorkspaceOptions } from '../../../app/lvm/workspace/workspace';
import { SeededRandom, type Clock } from '../../../app/base/clock';

export const FIXTURES_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/lvm2');

export type FixtureName = 'seed' | 'seed-pvmove-interrupted' | 'wrapped-mda';

const cache = new Map<string, Map<string, Uint8Array>>();

/** The decompressed images of a fixture, by file name ("pv1.img"). Callers get copies. */
export function fixtureImages(name: FixtureName): Map<string, Uint8Array> {
  if (!cache.has(name)) {
    const dir = path.join(FIXTURES_DIR, name);
    const images = new Map<string, Uint8Array>();
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.img.gz')).sort()) {
      images.set(f.replace(/\.gz$/, ''), new Uint8Array(gunzipSync(readFileSync(path.join(dir, f)))));
    }
    cache.set(name, images);
  }
  return new Map([...cache.get(name)!].map(([k, v]) => [k, v.slice()]));
}

export function fixtureText(name: FixtureName, file: string): string {
  return readFileSync(path.join(FIXTURES_DIR, name, file), 'utf8');
}

export function memoryWorkspace(images: Map<string, Uint8Array>): MemoryWorkspaceStorage {
  const storage = new MemoryWorkspaceStorage();
  for (const [name, bytes] of images) storage.files.set(name, new MemoryBlockStore(name, bytes.length, bytes));
  return storage;
}

export const fixedClock: Clock = {
  now: () => 1_800_000_000_000,
  setTimer: () => ({ cancel() {} }),
};

export function testOptions(seed = 1): WorkspaceOptions {
  return { holder: 'vitest', clock: fixedClock, random: new SeededRandom(seed), hostname: 'testhost' };
}

export async function openFixture(name: FixtureName): Promise<{ ws: LvmWorkspace; storage: MemoryWorkspaceStorage }> {
  const storage = memoryWorkspace(fixtureImages(name));
  return { ws: await LvmWorkspace.open(storage, testOptions()), storage };
}

/** Parses lvs.txt rows: name, start, size, PE ranges ("pv1:0-5" or "pv2:0-3 pv4:0-3"). */
export function lvsRows(name: FixtureName): { lv: string; start: number; size: number; ranges: string }[] {
  const lines = fixtureText(name, 'lvs.txt').trim().split('\n').slice(1);
  return lines.map((line) => {
    const m = /^\s*(\S+)\s+\S+\s+(\d+)\s+(\d+)\s+(.+?)\s+\S+\s*$/.exec(line)!;
    return { lv: m[1].replace(/^\[|\]$/g, ''), start: Number(m[2]), size: Number(m[3]), ranges: m[4].trim() };
  });
}
