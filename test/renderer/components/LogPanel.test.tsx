// @vitest-environment happy-dom
// Proves the event log keeps the lines it shows when a new one comes: the sixty newest are shown,
// and a new line (the oldest shown dropping off) adds one element and re-creates none of the
// others; equal lines (same time, source and message) each keep their own element.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../app/api';
import { LogPanel } from '../../../renderer/components/LogPanel';
import { createAppStore } from '../../../renderer/store';
import { StoreContext } from '../../../renderer/storeContext';

afterEach(cleanup);

const line = (i: number, message = `line ${i}`): LogEvent => ({ timeMs: 1000 + i, level: 'info', source: 'engine', message });

describe('the event log', () => {
  it('adds a new line without re-creating the lines already shown', () => {
    const store = createAppStore();
    store.getState().appendLog(Array.from({ length: 80 }, (_, i) => line(i)));
    render(
      <StoreContext.Provider value={store}>
        <LogPanel />
      </StoreContext.Provider>,
    );
    const items = () => [...screen.getByTestId('log').querySelectorAll('li')];
    const before = items();
    expect(before).toHaveLength(60);
    expect(before[0].textContent).toContain('line 20');
    act(() => store.getState().appendLog([line(80)]));
    const after = items();
    expect(after).toHaveLength(60);
    expect(after[59].textContent).toContain('line 80');
    // The 59 lines still shown are the very same elements.
    expect(after.slice(0, 59).every((li, i) => li === before[i + 1])).toBe(true);
  });

  it('shows equal lines each in its own element', () => {
    const store = createAppStore();
    store.getState().appendLog([line(1, 'same'), line(1, 'same')]);
    render(
      <StoreContext.Provider value={store}>
        <LogPanel />
      </StoreContext.Provider>,
    );
    expect(screen.getByTestId('log').querySelectorAll('li')).toHaveLength(2);
  });
});
