// What every verb shares: open the workspace folder through the Engine (the same engine the
// app uses, host kind 'cli'), do the work, close it (releasing the lock) in any case; and name
// PVs the way users type them (`pv2`, `pv2.img`, `DIR/pv2.img`).

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../../app/engine';
import { LvmscopeError } from '../../app/base/result';
import type { WorkspaceView } from '../../app/api/views';
import { createNodeHost } from '../host';

export function cliEngine(verb: string): Engine {
  return new Engine(createNodeHost({ kind: 'cli', holderName: `lvmscope ${verb}` }));
}

/** DIR from where the user typed it: `npm run cli` runs in the package root but sets INIT_CWD. */
export function resolveDir(dir: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), dir);
}

/** The absolute workspace folder; a sentence when it does not exist. */
export function workspaceDir(dir: string): string {
  const abs = resolveDir(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new LvmscopeError('NOT_FOUND', `There is no workspace folder at ${abs}; create one with 'lvmscope demo ${dir}', or point at a folder of image files.`);
  return abs;
}

/** Opens DIR, runs `work`, closes the workspace even when `work` throws. */
export async function withWorkspace<T>(verb: string, dir: string, work: (engine: Engine, view: WorkspaceView) => Promise<T>): Promise<T> {
  const abs = workspaceDir(dir);
  const engine = cliEngine(verb);
  try {
    const view = await engine.handlers['workspace.open']({ path: abs });
    return await work(engine, view);
  } finally {
    await engine.dispose();
  }
}

/** The image file a user means by `pv2`, `pv2.img` or `DIR/pv2.img`, or null. */
export function findImage(view: WorkspaceView, ref: string): string | null {
  const base = path.basename(ref);
  const names = view.images.map((i) => i.name);
  return names.find((n) => n === base) ?? names.find((n) => n.replace(/\.[^.]+$/, '') === base) ?? null;
}

export function imageOf(view: WorkspaceView, ref: string): string {
  const image = findImage(view, ref);
  if (!image) throw new LvmscopeError('NOT_FOUND', `There is no image named ${ref} in ${view.path}; the images are ${view.images.map((i) => i.name).join(', ') || '(none)'}.`);
  return image;
}

/** `vg0/lv0` → { vg, lv }; a sentence when the form is wrong. */
export function splitLvPath(text: string): { vg: string; lv: string } {
  const parts = text.replace(/^\/dev\//, '').split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new LvmscopeError('INVALID', `Name the LV as VG/LV (like vg0/lv0), not '${text}'.`);
  return { vg: parts[0], lv: parts[1] };
}

/** The VG a PV (by image) belongs to. */
export function vgOfImage(view: WorkspaceView, image: string): string | null {
  return view.vgs.find((vg) => vg.pvs.some((pv) => pv.image === image))?.name ?? null;
}
