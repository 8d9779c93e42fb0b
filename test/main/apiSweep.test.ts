// Sweeps the API's entry points (issue 13): every method of the contract is called through
// the dispatch every transport uses, with the Node host on a demo workspace in a temporary
// folder, with valid parameters and with seeded mutations of them (values of every wrong type,
// missing and unknown keys, absurd numbers, hostile names and paths). Whatever comes in, the
// answer is data: dispatch never rejects, an error has a known code and a message that is one
// readable sentence (no stack trace, no echo of a huge input), and no file appears outside the
// temporary folder. SEED=<n> replays.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../app/api/contract';
import { dispatch } from '../../app/api/server';
import { Engine } from '../../app/engine';
import { createNodeHost } from '../../main/host';
import { randomSource, type RandomSource } from '../helpers/seededRandom';
import { fixtureText } from '../app/lvm/fixtureImages';

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const CALLS = 1000;
const ERROR_CODES = ['BAD_REQUEST', 'NOT_FOUND', 'EXISTS', 'INVALID', 'CORRUPT', 'BUSY', 'LOCKED', 'NO_SPACE', 'UNSUPPORTED', 'IO', 'STATE', 'INTERNAL'];

const root = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-api-sweep-'));
const demo = path.join(root, 'demo');
const engine = new Engine(createNodeHost({ kind: 'browser', holderName: 'lvmscope api sweep', workspace: () => ({ path: demo, recent: [] }) }));

beforeAll(async () => {
  expect(await dispatch(engine.handlers, 'workspace.createDemo', { path: demo, scenario: 'seed' })).toMatchObject({ ok: true });
});
afterAll(async () => {
  await engine.dispose();
  rmSync(root, { recursive: true, force: true });
});

type Random = RandomSource;

/** Valid parameters for every method, so that mutations start from calls that reach handlers. */
function samples(n: number): Record<string, unknown[]> {
  const move = { vg: 'vg0', sources: ['pv2.img'], destinations: ['pv4.img'] };
  return {
    'engine.info': [{}],
    'host.info': [{}],
    'log.recent': [{}],
    'workspace.listImages': [{ path: demo }, { path: root }],
    'workspace.suggestDemoFolder': [{}, { near: demo }],
    'workspace.open': [{ path: demo }],
    // Mostly refused (the demo exists): each created demo costs about a second.
    'workspace.createDemo': [{ path: path.join(root, `demo-${n}`), scenario: 'seed' }, { path: demo, scenario: 'seed', force: false }, { path: demo, scenario: 'nope' }, { path: '/etc', scenario: 'seed', force: true }],
    'workspace.view': [{}],
    'workspace.close': [{}],
    'lvm.command': [
      { op: 'lvcreate', vg: 'vg0', name: `lv${n}`, extents: 1 },
      { op: 'lvextend', vg: 'vg0', lv: 'lv0', byExtents: 1 },
      { op: 'lvreduce', vg: 'vg0', lv: 'lv0', byExtents: 1 },
      { op: 'lvrename', vg: 'vg0', lv: `lv${n}`, newName: `lv${n + 1}` },
      { op: 'lvremove', vg: 'vg0', lv: `lv${n}` },
      { op: 'pvcreate', image: `pv${n}.img`, sizeBytes: 8 << 20 },
      { op: 'vgextend', vg: 'vg0', images: [`pv${n}.img`] },
      { op: 'vgreduce', vg: 'vg0', pvs: [`pv${n}.img`] },
    ],
    'vg.backup': [{ vg: 'vg0' }],
    'dm.list': [{}],
    'workspace.import': [{ path: path.join(root, `import-${n}`), backup: { name: 'vg0.vg', text: fixtureText('seed', 'vgcfgbackup.txt') } }, { path: demo, backup: { name: 'notes', text: 'not a backup' } }],
    'workspace.rehearsal': [{}],
    'move.script': [{ request: move, rateBytesPerSec: 1 << 20 }, { request: move }],
    'move.plan': [move],
    'move.check': [move],
    'move.start': [{ request: move, options: { regionSizeSectors: 1024 } }],
    'move.resume': [{ vg: 'vg0' }],
    'move.control': [{ action: 'pause' }, { action: 'resume' }, { action: 'abort' }, { action: 'next' }, { action: 'setRate', rateBytesPerSec: 1 << 20 }, { action: 'setStepMode', stepMode: true }],
    'move.abortRecorded': [{ vg: 'vg0' }],
    'move.state': [{}],
    'move.transcript': [{}],
    'workspace.crash': [{}],
    'scenario.list': [{}],
    'scenario.state': [{}],
    'scenario.run': [{ name: 'seed', path: path.join(root, `scenario-${n}`), speed: 1000 }],
    'workload.start': [{ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 100, seed: n }],
    'workload.stop': [{}],
    'verify.run': [{ vg: 'vg0', lv: 'lv0' }],
  };
}

const WEIRD: unknown[] = [null, true, false, 0, -1, 0.5, -0.0, 1e308, -1e308, 2 ** 53, 2 ** 31, 511, 513, '', ' ', '.', '..', '/', '/etc', 'relative', '../../x', 'vg0', 'lv0', 'pv1.img', '../pv1.img', 'pv1.img/..', 'a/b', 'é🙂', '\u0000', 'x'.repeat(5000), 'y'.repeat(4096), [], [''], ['pv1.img', 'pv1.img'], {}, { nested: { deep: [1] } }, '__proto__', 'constructor'];

/** A valid sample, or one changed at one random key: wrong value, removed, or an extra key. */
function mutate(random: Random, params: unknown): unknown {
  if (random.next() < 0.3) return params;
  if (random.next() < 0.05) return random.pick(WEIRD);
  const copy = structuredClone(params) as Record<string, unknown>;
  const keys = Object.keys(copy);
  const roll = random.next();
  if (roll < 0.2 || keys.length === 0) copy[random.pick(['extra', 'path', 'vg', 'lv', 'force', '__proto__'])] = random.pick(WEIRD);
  else if (roll < 0.35) delete copy[random.pick(keys)];
  else {
    const key = random.pick(keys);
    const value = copy[key];
    copy[key] = value && typeof value === 'object' && !Array.isArray(value) && random.next() < 0.5 ? mutate(random, value) : random.pick(WEIRD);
  }
  return copy;
}

describe('the API entry points', () => {
  it(`answer every call with data and a readable sentence, whatever the parameters (SEED=${SEED})`, async () => {
    console.log(`apiSweep SEED=${SEED}`);
    const random = randomSource(SEED);
    const byCode = new Map<string, number>();
    const internal: string[] = [];
    for (let n = 0; n < CALLS; n++) {
      const method = random.next() < 0.02 ? random.pick(['', 'nope', '__proto__', 'toString']) : random.pick(METHOD_NAMES);
      const table = samples(n);
      const params = mutate(random, random.pick(Object.hasOwn(table, method) ? table[method] : [{}]));
      const call = `${method}(${JSON.stringify(params)?.slice(0, 200)}) (SEED=${SEED}, call ${n})`;
      const result = await dispatch(engine.handlers, method, params);
      expect(typeof result.ok, call).toBe('boolean');
      const code = result.ok ? 'ok' : result.error.code;
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
      if (result.ok) continue;
      expect(ERROR_CODES, call).toContain(result.error.code);
      expect(result.error.message.length, call).toBeGreaterThan(10);
      // At most one echoed path (4096 characters) and the sentence around it.
      expect(result.error.message.length, call).toBeLessThan(5000);
      expect(result.error.message, call).not.toMatch(/\n\s+at /);
      if (result.error.code === "INTERNAL") internal.push(`${call}: ${result.error.message}`);
    }
    await dispatch(engine.handlers, 'workload.stop', {});
    console.log(`apiSweep: ${CALLS} calls; answers by code: ${JSON.stringify(Object.fromEntries(byCode))}`);
    expect(existsSync(path.join(process.cwd(), 'relative'))).toBe(false);
    expect(existsSync('/pv1.img') || existsSync('/etc/.lvmscope.lock')).toBe(false);
    // An INTERNAL error is a failure nobody put into words: each one is a bug to fix.
    expect(internal).toEqual([]);
  }, 120_000);
});
