// The store reaches components through a React context (so tests can pass a fresh store),
// read with narrow selectors: one field at a time. Figures that change faster than anyone reads
// them are read through the display clock (useCalmAppStore), a few times a second.
import { createContext, useCallback, useContext, useRef, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from './store';
import { IMMEDIATE_CLOCK, type DisplayClock } from './store/displayClock';

export const StoreContext = createContext<AppStore | null>(null);

/** The window's display clock (main.tsx); without one every change shows at once (tests, the video's frames). */
export const DisplayClockContext = createContext<DisplayClock>(IMMEDIATE_CLOCK);

export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore: no StoreContext provider above this component.');
  return store;
}

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}

/**
 * The selected value as of the display clock's last tick: a store change re-renders the
 * component at the next tick (when the value differs by `equal`), not at once. A render for any
 * other reason (a prop, a structural change read with useAppStore) reads the value as it is now.
 * `equal` also lets a selector build a new object that is kept while it is equal to the last.
 */
export function useCalmAppStore<T>(selector: (state: AppState) => T, equal: (a: T, b: T) => boolean = Object.is): T {
  return useSelected(selector, equal, useContext(DisplayClockContext));
}

/** As useAppStore, with `equal` deciding whether the selected value changed (the last equal one is returned). */
export function useAppStoreWith<T>(selector: (state: AppState) => T, equal: (a: T, b: T) => boolean): T {
  return useSelected(selector, equal, IMMEDIATE_CLOCK);
}

function useSelected<T>(selector: (state: AppState) => T, equal: (a: T, b: T) => boolean, clock: DisplayClock): T {
  const store = useAppStoreApi();
  const last = useRef<{ value: T } | null>(null);
  const subscribe = useCallback(
    (notify: () => void) => {
      let waiting = false;
      let cancel = () => undefined as void;
      const unsubscribe = store.subscribe(() => {
        if (waiting) return;
        waiting = true;
        cancel = clock.request(() => {
          waiting = false;
          notify();
        });
      });
      return () => {
        unsubscribe();
        cancel();
      };
    },
    [store, clock],
  );
  const snapshot = () => {
    const value = selector(store.getState());
    const kept = last.current;
    if (kept && equal(kept.value, value)) return kept.value;
    last.current = { value };
    return value;
  };
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
