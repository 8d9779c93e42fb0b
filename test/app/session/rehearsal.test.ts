// Proves the engine's rehearsal methods (issue 18 item 5): workspace.import writes a vgcfgbackup
// into a new folder of images named after the devices and opens it with its badge; it refuses
// a folder that holds images, bad backup text and a running move with a sentence, writing
// nothing; move.script gives the plan as the bash script export-script writes, with the real
// device names of an imported VG and the time at a given rate.

import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../app/api/server';
import { Engine } from '../../../app/engine';
import { createNodeHost } from '../../../main/host';
import { fixtureText } from '../lvm/fixtureImages';
import { lvLayout, waitForEnd } from '../pvmove/harness';

const BACKUP = { name: 'vg0.vg', text: fixtureText('seed', 'vgcfgbackup.txt') };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-rehearsal-'));
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  cleanups.push(() => engine.dispose());
  const call = async (method: string, params: unknown) => dispatch(engine.handlers, method, params);
  return { dir, engine, call };
}

describe('workspace.import', () => {
  it('writes the backup into a new folder as images named after its devices, opens it and gives its rehearsal badge', async () => {
    const { dir, call } = await setup();
    const target = path.join(dir, 'vg0-rehearsal');
    const r = await call('workspace.import', { path: target, backup: BACKUP });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect((await readdir(target)).filter((f) => f.endsWith('.img')).sort()).toEqual(['loop0.img', 'loop1.img', 'loop2.img', 'loop3.img']);
    const view = await call('workspace.view', {});
    if (!view.ok) throw new Error(view.error.message);
    const shown = view.value as Parameters<typeof lvLayout>[0];
    expect(shown.path).toBe(target);
    expect(lvLayout(shown, 'lv0')).toEqual(['loop0:0-5', 'loop1:0-3', 'loop2:0-4']);
    const badge = await call('workspace.rehearsal', {});
    expect(badge).toEqual({ ok: true, value: { badge: 'rehearsal of vg0 from vm 2026-11-21', source: 'backup vg0.vg' } });
  });

  it('takes a backup longer than any name or path may be (the file text is bounded by its own schema)', async () => {
    const { dir, call } = await setup();
    const padded = `${BACKUP.text}\n${'# padding\n'.repeat(1000)}`;
    expect(padded.length).toBeGreaterThan(4096);
    const r = await call('workspace.import', { path: path.join(dir, 'big'), backup: { name: 'vg0.vg', text: padded } });
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });

  it('takes the device sizes a backup lacks from the pvs JSON report, and asks for the report without it', async () => {
    const { dir, call } = await setup();
    const sizeless = { name: 'vg0.vg', text: BACKUP.text.replace(/\n\s*dev_size = \d+[^\n]*/g, '') };
    const refused = await call('workspace.import', { path: path.join(dir, 'a'), backup: sizeless });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/^vg0\.vg records no device size \(dev_size\) for pv0 \(\/dev\/loop0\), .*--report/);
    const rows = ['loop0', 'loop1', 'loop2', 'loop3'].map((d) => ({ pv_name: `/dev/${d}`, dev_size: '16777216B' }));
    const report = { name: 'pvs.json', text: JSON.stringify({ report: [{ pv: rows }] }) };
    const r = await call('workspace.import', { path: path.join(dir, 'b'), backup: sizeless, report });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(await call('workspace.rehearsal', {})).toEqual({ ok: true, value: { badge: 'rehearsal of vg0 from vm 2026-11-21', source: 'backup vg0.vg with report pvs.json' } });
  });

  it('refuses a folder that already holds images with a sentence, and writes nothing there', async () => {
    const { dir, call } = await setup();
    await writeFile(path.join(dir, 'mine.img'), Buffer.alloc(1 << 20));
    const r = await call('workspace.import', { path: dir, backup: BACKUP });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`${dir} is not empty (it holds mine.img); import into a new or empty folder, so no image of yours is overwritten.`);
    expect(await readdir(dir)).toEqual(['mine.img']);
  });

  it('refuses text that is not a vgcfgbackup with a sentence naming the file, creating no folder', async () => {
    const { dir, call } = await setup();
    const target = path.join(dir, 'new');
    const r = await call('workspace.import', { path: target, backup: { name: 'notes.txt', text: 'hello, this is not LVM2 metadata' } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(/notes\.txt/);
      expect(r.error.message).not.toMatch(/\n\s+at /);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an empty backup file and a relative folder with a sentence each', async () => {
    const { dir, call } = await setup();
    const empty = await call('workspace.import', { path: path.join(dir, 'x'), backup: { name: 'vg0.vg', text: '' } });
    expect(empty).toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST', message: 'Invalid parameters for workspace.import: the file is empty (at backup.text).' }) });
    const relative = await call('workspace.import', { path: 'rehearsal', backup: BACKUP });
    expect(relative.ok).toBe(false);
    if (!relative.ok) expect(relative.error.message).toMatch(/is relative/);
  });

  it('refuses while a move runs in the open workspace, as opening another folder does', async () => {
    const { dir, engine, call } = await setup();
    const demo = path.join(dir, 'demo');
    await mkdir(demo);
    await engine.handlers['workspace.createDemo']({ path: demo, scenario: 'seed', force: false });
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 16 * 1024 } });
    const target = path.join(dir, 'vg0-rehearsal');
    const r = await call('workspace.import', { path: target, backup: BACKUP });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BUSY');
      expect(r.error.message).toMatch(new RegExp(`^A move is in progress in ${demo} .*before importing a volume group into ${target}\\.$`));
    }
    expect(await readdir(dir)).toEqual(['demo']);
    await engine.handlers['move.control']({ action: 'abort' });
  });
});

describe('workspace.rehearsal', () => {
  it('gives no badge for a workspace that was not imported', async () => {
    const { dir, engine, call } = await setup();
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
    expect(await call('workspace.rehearsal', {})).toEqual({ ok: true, value: { badge: null, source: null } });
  });
});

describe('move.script', () => {
  it('writes the plan of an imported VG with its real devices, the imported seqno and the time at the given rate', async () => {
    const { dir, call } = await setup();
    await call('workspace.import', { path: path.join(dir, 'vg0-rehearsal'), backup: BACKUP });
    const r = await call('move.script', { request: { vg: 'vg0', sources: ['loop1'], destinations: ['loop3'] }, rateBytesPerSec: 1024 * 1024 });
    if (!r.ok) throw new Error(r.error.message);
    const { script, fileName } = r.value as { script: string; fileName: string };
    expect(fileName).toBe('vg0-pvmove.sh');
    expect((r.value as { differences: string[] }).differences).toEqual([]);
    expect(script.startsWith('#!')).toBe(true);
    expect(script).toMatch(/^vgcfgbackup /m);
    expect(script).toMatch(/^pvmove .*\/dev\/loop1:0-3 \/dev\/loop3:0-3/m);
    expect(script).toMatch(/rehearsal of vg0 from vm 2026-11-21/);
    expect(script).toContain('rehearsal imported seqno 4');
    expect(script).toMatch(/the copy rate set in lvmscope/);
  });

  it('says in a sentence where LVM2 would differ (an LV with allocation policy cling), in the script and beside it', async () => {
    const { dir, call } = await setup();
    const cling = BACKUP.text.replace('\t\t\tcreation_host = "vm"\n', '\t\t\tcreation_host = "vm"\n\t\t\tallocation_policy = "cling"\n');
    expect(cling).not.toBe(BACKUP.text);
    const imported = await call('workspace.import', { path: path.join(dir, 'cling'), backup: { name: 'vg0.vg', text: cling } });
    expect(imported.ok, JSON.stringify(imported)).toBe(true);
    const r = await call('move.script', { request: { vg: 'vg0', sources: ['loop1'], destinations: ['loop3'] } });
    if (!r.ok) throw new Error(r.error.message);
    const { script, differences } = r.value as { script: string; differences: string[] };
    expect(differences).toEqual(['LV lv0 has allocation policy cling: LVM2 would keep it on the PVs it already uses, which lvmscope does not model; the script passes --alloc normal and exact extents, so LVM2 places it as rehearsed.']);
    expect(script).toContain('NOTE: LV lv0 has allocation policy cling');
  });

  it('names the PVs of a workspace that was not imported /dev/<name>', async () => {
    const { dir, engine, call } = await setup();
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
    const r = await call('move.script', { request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'] } });
    if (!r.ok) throw new Error(r.error.message);
    expect((r.value as { script: string }).script).toMatch(/^pvmove .*\/dev\/pv2:0-3 \/dev\/pv4:0-3/m);
  });

  it('writes the running or last move when no request is given, and says so when no move was planned', async () => {
    const { dir, engine, call } = await setup();
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
    const none = await call('move.script', {});
    expect(none).toEqual({ ok: false, error: expect.objectContaining({ code: 'STATE', message: 'No move has been planned in this workspace yet; plan one (drop extents on a PV, or Move to…), then export it as a script.' }) });
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 0 } });
    await waitForEnd(engine);
    const r = await call('move.script', {});
    if (!r.ok) throw new Error(r.error.message);
    expect((r.value as { script: string }).script).toMatch(/^pvmove .*\/dev\/pv2:0-3 \/dev\/pv4:0-3/m);
  });

  it('refuses a rate of zero and a move it cannot plan with a sentence', async () => {
    const { dir, engine, call } = await setup();
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
    const zero = await call('move.script', { request: { vg: 'vg0', sources: ['pv2'] }, rateBytesPerSec: 0 });
    expect(zero).toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST', message: 'Invalid parameters for move.script: the rate must be a whole number of bytes per second, more than zero (at rateBytesPerSec).' }) });
    const empty = await call('move.script', { request: { vg: 'vg0', sources: ['pv4'] } });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.error.message).toMatch(/pv4/);
  });
});
