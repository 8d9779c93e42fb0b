// Proves the store's slice logic on a fresh vanilla store: the log is bounded, menu commands
// change the UI slice, the theme cycles and `system` follows the OS preference.

import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../renderer/store';
import { MAX_LOG_LINES } from '../../../renderer/store/engineSlice';
import { nextTheme, resolveTheme } from '../../../renderer/store/uiSlice';

describe('the app store', () => {
  it('keeps only the newest MAX_LOG_LINES log lines', () => {
    const store = createAppStore();
    const lines = Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => ({ timeMs: i, level: 'info' as const, source: 't', message: `m${i}` }));
    store.getState().appendLog(lines);
    const log = store.getState().engine.log;
    expect(log).toHaveLength(MAX_LOG_LINES);
    expect(log[0].message).toBe('m5');
    expect(log.at(-1)?.message).toBe(`m${MAX_LOG_LINES + 4}`);
  });

  it('applies presentation, theme and about commands from the menu', () => {
    const store = createAppStore();
    store.getState().applyUiCommand({ command: 'presentation.toggle' });
    store.getState().applyUiCommand({ command: 'theme.set', theme: 'light' });
    store.getState().applyUiCommand({ command: 'about.show' });
    expect(store.getState().ui).toMatchObject({ theme: 'light', presentation: true, aboutOpen: true });
  });

  it('cycles system → light → dark → system, and resolves system from the OS preference', () => {
    expect([nextTheme('system'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'system']);
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });

  it('records a workspace error without losing the folder path', () => {
    const store = createAppStore();
    store.getState().setWorkspaceLoading('/w');
    store.getState().setWorkspaceError('The folder /w does not exist.');
    expect(store.getState().workspace).toMatchObject({ path: '/w', status: 'error', error: 'The folder /w does not exist.' });
  });
});

describe('the move slice after a reopen', () => {
  it('forgets the progress and figures of a move the engine no longer has (a crash, a reopen)', () => {
    const store = createAppStore();
    const progress = { bytesTotal: 4 << 20, bytesCopied: 2 << 20, percent: 50, bytesPerSec: 1 << 20, etaSeconds: 2, rateBytesPerSec: 0, paused: false, interceptedWrites: 8, waitingWrites: 0, mirrors: [], crashCostBytes: 0 };
    store.getState().setProgress(progress);
    expect(store.getState().move.progress?.percent).toBe(50);
    store.getState().setMoveState(null);
    expect(store.getState().move.progress).toBeNull();
    expect(store.getState().move.figures).toEqual({ moveId: null, regionsTotal: {} });
  });
});
