// Regression tests for issue 13's workspace paths over the API: `workspace.open` created any
// missing path (mkdir -p, as root), wrote a lock file into any folder (/etc included), and
// resolved relative paths from the server's folder. Through the same dispatch the WebSocket
// and IPC servers use, with the Node host, this proves: relative paths are refused for every
// method that takes one; opening never creates a folder; a folder of files that are not disk
// images is refused with nothing written — byte for byte — even for a forced demo; a demo may
// make the last folder of its path only; and a refused path leaves the open workspace open.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../app/api/server';
import { Engine } from '../../app/engine';
import { createNodeHost } from '../../main/host';
import { isDiskImage } from '../../main/workspaceFolder';

const root = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-folders-'));
const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function engine(): Engine {
  const e = new Engine(createNodeHost({ kind: 'browser', holderName: 'lvmscope test' }));
  engines.push(e);
  return e;
}

function call(e: Engine, method: string, params: unknown) {
  return dispatch(e.handlers, method, params);
}

/** Every file of a folder with its bytes, to prove a refusal changed nothing. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(readdirSync(folder).sort().map((name) => [name, readFileSync(path.join(folder, name)).toString('base64')]));
}

/** A folder like /etc: files, none of them a disk image. */
function configFolder(): string {
  const folder = mkdtempSync(path.join(root, 'etc-'));
  writeFileSync(path.join(folder, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(path.join(folder, 'hostname'), 'box\n');
  writeFileSync(path.join(folder, 'photo.jpg'), Buffer.alloc(700_001, 0xff));
  return folder;
}

describe('workspace paths over the API', () => {
  it('refuses relative paths in every method that takes one, creating nothing', async () => {
    const e = engine();
    for (const relative of ['x', './x', '../x', '~/x', 'lvmscope-demo/sub']) {
      for (const [method, params] of [
        ['workspace.listImages', { path: relative }],
        ['workspace.open', { path: relative }],
        ['workspace.createDemo', { path: relative, scenario: 'seed' }],
        ['scenario.run', { name: 'seed', path: relative }],
      ] as const) {
        const r = await call(e, method, params);
        expect(r.ok, `${method} ${relative}`).toBe(false);
        if (!r.ok && method !== 'scenario.run') expect(r.error.message).toMatch(/is relative; the lvmscope API has no current folder, so give an absolute path/);
      }
      expect(existsSync(path.resolve(relative))).toBe(false);
    }
  });

  it('opens no missing folder, and creates none', async () => {
    const e = engine();
    for (const missing of [path.join(root, 'missing'), path.join(root, 'a', 'b', 'c'), '/lvmscope-missing-folder']) {
      const r = await call(e, 'workspace.open', { path: missing });
      expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('nothing was created') } });
      expect(existsSync(missing)).toBe(false);
      expect((await call(e, 'workspace.listImages', { path: missing })).ok).toBe(false);
    }
  });

  it('refuses a folder that holds files but no disk images, writing nothing into it (not even for a forced demo)', async () => {
    const e = engine();
    const folder = configFolder();
    const before = snapshot(folder);
    const open = await call(e, 'workspace.open', { path: folder });
    expect(open).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    if (!open.ok) expect(open.error.message).toBe(`${folder} holds no disk images: what it holds (hostname, passwd, photo.jpg) is neither an image with an LVM2 label nor a blank image (whole 512-byte sectors, at least 1 MiB), so ${folder} is not an lvmscope workspace. Nothing was written; open the folder that holds your image files, or an empty folder.`);
    for (const force of [false, true]) expect((await call(e, 'workspace.createDemo', { path: folder, scenario: 'seed', force })).ok).toBe(false);
    expect((await call(e, 'scenario.run', { name: 'seed', path: folder, force: true })).ok).toBe(false);
    expect(snapshot(folder)).toEqual(before);
  });

  it('refuses /etc itself and leaves no lock file there', async () => {
    const e = engine();
    const r = await call(e, 'workspace.open', { path: '/etc' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID', message: expect.stringContaining('/etc holds no disk images') } });
    expect(existsSync('/etc/.lvmscope.lock')).toBe(false);
  });

  it('refuses a demo in a folder of folders or devices (/, /dev), which is not empty', async () => {
    const e = engine();
    for (const folder of ['/', '/dev']) {
      const r = await call(e, 'workspace.createDemo', { path: folder, scenario: 'seed' });
      expect(r, folder).toMatchObject({ ok: false, error: { code: 'INVALID', message: expect.stringContaining(`${folder} holds no disk images`) } });
      expect(existsSync(path.join(folder, 'pv1.img'))).toBe(false);
    }
    const parent = mkdtempSync(path.join(root, 'parent-'));
    mkdirSync(path.join(parent, 'photos'));
    expect(await call(e, 'workspace.open', { path: parent })).toMatchObject({ ok: false, error: { message: expect.stringContaining('what it holds (photos)') } });
    expect(readdirSync(parent)).toEqual(['photos']);
  });

  it('refuses a file, and a path with a NUL, with a sentence', async () => {
    const e = engine();
    const file = path.join(root, 'plain-file');
    writeFileSync(file, 'x');
    expect(await call(e, 'workspace.open', { path: file })).toMatchObject({ ok: false, error: { message: expect.stringContaining('is a file, not a folder') } });
    expect(await call(e, 'workspace.open', { path: `${root}/\0x` })).toMatchObject({ ok: false, error: { code: 'INVALID', message: expect.stringContaining('NUL') } });
  });

  it('opens an empty folder and a folder of blank images (nothing else is written there)', async () => {
    const e = engine();
    const empty = mkdtempSync(path.join(root, 'empty-'));
    expect(await call(e, 'workspace.open', { path: empty })).toMatchObject({ ok: true });
    const blank = mkdtempSync(path.join(root, 'blank-'));
    writeFileSync(path.join(blank, 'notes.txt'), 'my notes');
    writeFileSync(path.join(blank, 'pv1.img'), '');
    truncateSync(path.join(blank, 'pv1.img'), 8 << 20);
    expect(await call(e, 'workspace.open', { path: blank })).toMatchObject({ ok: true, value: { images: [{ name: 'pv1.img' }] } });
    await e.dispose();
    expect(readdirSync(empty)).toEqual([]);
  });

  it('creates a demo in a missing folder whose parent exists, but never a chain of folders', async () => {
    const e = engine();
    const fresh = path.join(root, 'new-demo');
    const created = await call(e, 'workspace.createDemo', { path: fresh, scenario: 'seed' });
    expect(created).toMatchObject({ ok: true });
    expect(readdirSync(fresh).filter((f) => f.endsWith('.img')).sort()).toEqual(['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img']);
    const deep = path.join(root, 'no-such-parent', 'demo');
    expect(await call(e, 'workspace.createDemo', { path: deep, scenario: 'seed' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('nothing was created') } });
    expect(existsSync(path.dirname(deep))).toBe(false);
  });

  it('suggests a new demo folder that the demo can be created in, every time (issue 16: it suggested one it then refused)', async () => {
    const e = engine();
    const shown = path.join(root, 'suggest', 'workspace');
    mkdirSync(shown, { recursive: true });
    for (let round = 0; round < 3; round += 1) {
      // Near the workspace shown: the first time the original, then the demo made last.
      const suggested = await call(e, 'workspace.suggestDemoFolder', { near: round === 0 ? shown : `${shown}-new${round === 1 ? '' : `-${round}`}` });
      if (!suggested.ok) throw new Error(suggested.error.message);
      const folder = (suggested.value as { path: string }).path;
      expect(path.dirname(folder)).toBe(path.dirname(shown));
      // Each demo fills its folder, so the next suggestion is another, still creatable one.
      expect(await call(e, 'workspace.createDemo', { path: folder, scenario: 'seed' })).toMatchObject({ ok: true });
    }
    expect(readdirSync(path.dirname(shown)).sort()).toEqual(['workspace', 'workspace-new', 'workspace-new-2', 'workspace-new-3']);
    // Beside a workspace whose parent is gone, it suggests a folder in the home folder, and creates nothing.
    const lost = await call(e, 'workspace.suggestDemoFolder', { near: path.join(root, 'gone', 'deeper', 'ws') });
    expect(lost).toMatchObject({ ok: true, value: { path: expect.stringMatching(new RegExp(`^${os.homedir()}/lvmscope-demo`)) } });
    expect(existsSync(path.join(root, 'gone'))).toBe(false);
  });

  it('keeps the open workspace open when another path is refused', async () => {
    const e = engine();
    const demo = path.join(root, 'kept-open');
    expect((await call(e, 'workspace.createDemo', { path: demo, scenario: 'seed' })).ok).toBe(true);
    expect((await call(e, 'workspace.open', { path: configFolder() })).ok).toBe(false);
    expect((await call(e, 'workspace.open', { path: 'relative' })).ok).toBe(false);
    expect(await call(e, 'workspace.view', {})).toMatchObject({ ok: true, value: { path: demo } });
  });
});

describe('what counts as a disk image', () => {
  it('is a file with an LVM2 label, or whole sectors of at least 1 MiB', () => {
    const folder = mkdtempSync(path.join(root, 'kinds-'));
    const make = (name: string, bytes: Buffer | number) => {
      const file = path.join(folder, name);
      writeFileSync(file, typeof bytes === 'number' ? '' : bytes);
      if (typeof bytes === 'number') truncateSync(file, bytes);
      return file;
    };
    const labelled = Buffer.alloc(4096);
    labelled.write('LABELONE', 512, 'latin1');
    expect(isDiskImage(make('labelled.img', labelled))).toBe(true);
    expect(isDiskImage(make('blank.img', 1 << 20))).toBe(true);
    expect(isDiskImage(make('odd.img', (1 << 20) + 1))).toBe(false);
    expect(isDiskImage(make('small.img', 512 * 100))).toBe(false);
    expect(isDiskImage(make('text', Buffer.from('a LABELONE that is not at a sector start')))).toBe(false);
    expect(isDiskImage(make('later', Buffer.concat([Buffer.alloc(2048), Buffer.from('LABELONE')])))).toBe(false);
    mkdirSync(path.join(folder, 'dir'));
    expect(isDiskImage(path.join(folder, 'dir'))).toBe(false);
    expect(isDiskImage(path.join(folder, 'missing'))).toBe(false);
  });
});
