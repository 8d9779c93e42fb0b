// Image sets for kernel tests: copies of the real-LVM2 fixtures (gzip, decompressed into a
// per-test temporary folder, so the committed files are never modified), and temp folders
// that clean up after themselves.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll } from 'vitest';
import { fail } from '../../app/base/result';
import type { GuestImage } from './qemu';

const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** Where a real-LVM2 fixture lives: the repository copy, else the shared one on dev machines. */
export function lvm2FixtureDir(name: string): string {
  const candidates = [path.join(REPO_ROOT, 'test', 'fixtures', 'lvm2', name), path.join('/work/shared/fixtures/lvm2', name)];
  const found = candidates.find((dir) => existsSync(dir));
  return found ?? fail('NOT_FOUND', `LVM2 fixture "${name}" is missing: expected it in test/fixtures/lvm2/${name}.`);
}

/**
 * Decompresses every `<name>.img.gz` of a real-LVM2 fixture into `dir` and returns them as
 * guest disks named after the file (pv1, pv2, ...), in name order.
 */
export function copyLvm2Fixture(fixture: string, dir: string): GuestImage[] {
  const source = lvm2FixtureDir(fixture);
  const files = readdirSync(source)
    .filter((f) => f.endsWith('.img.gz'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return files.map((f) => {
    const name = f.replace(/\.img\.gz$/, '');
    const target = path.join(dir, `${name}.img`);
    writeFileSync(target, gunzipSync(readFileSync(path.join(source, f))));
    return { path: target, name };
  });
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix = 'lvmscope-kernel-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * For a test file: a maker of fresh temporary folders, every one of them removed after the
 * file's tests (call it at the top level of the file).
 */
export function workDirsRemovedAfterAll(prefix?: string): () => string {
  const temps: Array<() => void> = [];
  afterAll(() => temps.splice(0).forEach((remove) => remove()));
  return () => {
    const t = tempDir(prefix);
    temps.push(t.remove);
    return t.dir;
  };
}
