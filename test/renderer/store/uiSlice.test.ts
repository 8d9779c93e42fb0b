// Proves the keyboard fields of the UI slice: the extent cursor is kept as set, presentation
// mode's move picker opens and closes, and leaving presentation mode closes the picker so it
// cannot come back holding every key the next time presentation mode starts.
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../renderer/store';

describe('the UI slice', () => {
  it('keeps the extent cursor as set, and clears it', () => {
    const store = createAppStore();
    store.getState().setCursor({ pv: 'pv3', pe: 4, anchor: 2 });
    expect(store.getState().ui.cursor).toEqual({ pv: 'pv3', pe: 4, anchor: 2 });
    store.getState().setCursor(null);
    expect(store.getState().ui.cursor).toBeNull();
  });

  it('closes the move picker when presentation mode is left', () => {
    const store = createAppStore();
    store.getState().togglePresentation();
    store.getState().setPickerOpen(true);
    expect(store.getState().ui.pickerOpen).toBe(true);
    store.getState().togglePresentation();
    expect(store.getState().ui).toMatchObject({ presentation: false, pickerOpen: false });
  });
});
