// Proves the key handling of presentation mode as pure functions: which key asks for which
// command (a clicker's Space / arrows / Page keys included, modified keys ignored), what →
// does in each situation (history first, then the step-mode Next, else nothing), the copy
// rate presets + and − walk through, what S does to the next move's stack (nothing while a move
// runs: it keeps its stack), when M may open the move picker, and where a scenario's folder goes.
import { describe, expect, it } from 'vitest';
import { commandForKey, nextSpeed, nextStack, pickRefusal, resolveNext, SPEED_PRESETS, speedLabel } from '../../../renderer/presentation/keys';
import { parentFolder, scenarioFolder, scenarioSpeedFrom } from '../../../renderer/scenarios/scenarioPath';

describe('presentation keys', () => {
  it('maps the presenter keys to commands', () => {
    const kinds = [' ', 'ArrowRight', 'PageDown', 'ArrowLeft', 'PageUp', 'p', 'P', '+', '=', '-', 'Escape', 'F5', 'f', 'F', 'h', 'H', 'e', 'E'].map((key) => commandForKey({ key })?.kind);
    expect(kinds).toEqual(['next', 'next', 'next', 'back', 'back', 'pause', 'pause', 'speed', 'speed', 'speed', 'leave', 'leave', 'fullscreen', 'fullscreen', 'hint', 'hint', 'export', 'export']);
    expect(commandForKey({ key: '+' })).toEqual({ kind: 'speed', direction: 1 });
    expect(commandForKey({ key: '-' })).toEqual({ kind: 'speed', direction: -1 });
    expect(commandForKey({ key: '3' })).toEqual({ kind: 'scenario', index: 2 });
  });

  it('leaves other keys and modified keys alone (Ctrl+F, Alt+←, letters)', () => {
    expect([commandForKey({ key: 'f', ctrlKey: true }), commandForKey({ key: 'ArrowLeft', altKey: true }), commandForKey({ key: 'x' }), commandForKey({ key: '0' }), commandForKey({ key: 'Enter' })]).toEqual([null, null, null, null, null]);
  });

  it('makes → walk the history first, then run the next step in step mode, else do nothing', () => {
    expect(resolveNext(2, { status: 'waiting-step' })).toBe('history-forward');
    expect(resolveNext(null, { status: 'waiting-step' })).toBe('move-next');
    expect(resolveNext(null, { status: 'running' })).toBe('none');
    expect(resolveNext(null, null)).toBe('none');
  });

  it('steps the copy rate through the presets, unlimited being the fastest', () => {
    expect(nextSpeed(200 * 1024, 1)).toBe(512 * 1024);
    expect(nextSpeed(200 * 1024, -1)).toBe(100 * 1024);
    expect(nextSpeed(0, 1)).toBe(0);
    expect(nextSpeed(0, -1)).toBe(4 * 1024 * 1024);
    expect(nextSpeed(SPEED_PRESETS[0], -1)).toBe(SPEED_PRESETS[0]);
    expect(nextSpeed(700 * 1024, 1)).toBe(1024 * 1024);
    expect(nextSpeed(700 * 1024, -1)).toBe(512 * 1024);
    expect([speedLabel(0), speedLabel(200 * 1024), speedLabel(4 * 1024 * 1024)]).toEqual(['unlimited', '200 KiB/s', '4 MiB/s']);
  });

  it('puts a scenario in a folder beside the workspace and reads the speed factor from the URL', () => {
    expect(scenarioFolder('/home/a/demo-workspace', 'seed')).toBe('/home/a/lvmscope-scenario-seed');
    expect(scenarioFolder('/home/a/demo-workspace/', 'empty-a-pv')).toBe('/home/a/lvmscope-scenario-empty-a-pv');
    expect(scenarioFolder('C:\\Users\\a\\ws', 'seed')).toBe('C:\\Users\\a\\lvmscope-scenario-seed');
    expect([parentFolder('/ws'), parentFolder('ws')]).toEqual(['/', '.']);
    expect(scenarioFolder('/ws', 'seed')).toBe('/lvmscope-scenario-seed');
    expect([scenarioSpeedFrom('?token=x&scenarioSpeed=8'), scenarioSpeedFrom('?token=x'), scenarioSpeedFrom('?scenarioSpeed=-2')]).toEqual([8, 1, 1]);
  });

  it('switches the next move\'s stack with S, outline ⇄ lvm2, but not while a move runs', () => {
    expect([commandForKey({ key: 's' }), commandForKey({ key: 'S' })]).toEqual([{ kind: 'stack' }, { kind: 'stack' }]);
    expect(nextStack('outline', null)).toEqual({ stack: 'lvm2', text: 'next move: LVM2 today (pvmove0)' });
    expect(nextStack('lvm2', { status: 'done' })).toEqual({ stack: 'outline', text: 'next move: 2002 outline' });
    for (const status of ['running', 'paused', 'waiting-step', 'aborting'] as const) expect(nextStack('outline', { status })).toBeNull();
  });

  it('opens the move picker with M, unless a move runs or there is no VG', () => {
    expect([commandForKey({ key: 'm' }), commandForKey({ key: 'M' }), commandForKey({ key: 'm', ctrlKey: true })]).toEqual([{ kind: 'pick' }, { kind: 'pick' }, null]);
    expect([pickRefusal(null, true), pickRefusal({ status: 'done' }, true), pickRefusal({ status: 'aborted' }, true)]).toEqual([null, null, null]);
    for (const status of ['running', 'paused', 'waiting-step', 'aborting'] as const) expect(pickRefusal({ status }, true)).toMatch(/a move is running/);
    expect(pickRefusal(null, false)).toMatch(/no volume group/);
  });
});
