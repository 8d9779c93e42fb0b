// Purely visual state: the theme (light / dark / follow the system), presentation mode, the
// About box, what is selected (highlighted everywhere), the keyboard cursor on a PV map, the
// drag in progress with the drop target's verdict, presentation mode's move picker, the
// hidden-LV toggle and the pane sizes. Native menu items change it through `ui.command` events.
import type { StateCreator } from 'zustand/vanilla';
import type { UiCommand } from '../../app/api';
import type { MoveCheckView } from '../../app/api/move';
import type { ExtentCursor } from './extentCursor';
import type { Selection } from './selection';
import type { AppState } from './index';

export type ThemeChoice = 'light' | 'dark' | 'system';

/** The verdict of hovering a drop target: checking (waiting for move.plan), yes (with the plan), or no with the reason. */
export type DropVerdict = { status: 'checking' } | { status: 'yes'; plan: MoveCheckView } | { status: 'no'; reason: string };

export interface DragState {
  selection: Selection;
  /** Pointer position in the page, for the drag label. */
  x: number;
  y: number;
  overPv: string | null;
  verdict: DropVerdict | null;
}

export interface UiSlice {
  ui: {
    theme: ThemeChoice;
    presentation: boolean;
    aboutOpen: boolean;
    /** The "Import a volume group…" dialog is open (the header button or File → Import). */
    importOpen: boolean;
    selection: Selection | null;
    drag: DragState | null;
    showHiddenLvs: boolean;
    /** Widths of the left column and height of the bottom row, in px (resizable panes); 0 = fitted to the window. */
    panes: { leftPx: number; bottomPx: number };
    /** "Move to…" chooser open (the keyboard path). */
    moveToOpen: boolean;
    /** The keyboard cursor on a PV map and the anchor of a Shift-extended PE range (also set by clicks). */
    cursor: ExtentCursor | null;
    /** Presentation mode's source / destination picker (M) is open: it owns the keys meanwhile. */
    pickerOpen: boolean;
  };
  setTheme(theme: ThemeChoice): void;
  togglePresentation(): void;
  setAboutOpen(open: boolean): void;
  setImportOpen(open: boolean): void;
  applyUiCommand(command: UiCommand): void;
  select(selection: Selection | null): void;
  setDrag(drag: DragState | null): void;
  updateDrag(patch: Partial<DragState>): void;
  setShowHiddenLvs(show: boolean): void;
  setPanes(panes: Partial<UiSlice['ui']['panes']>): void;
  setMoveToOpen(open: boolean): void;
  setCursor(cursor: ExtentCursor | null): void;
  setPickerOpen(open: boolean): void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  ui: { theme: 'system', presentation: false, aboutOpen: false, importOpen: false, selection: null, drag: null, showHiddenLvs: false, panes: { leftPx: 0, bottomPx: 0 }, moveToOpen: false, cursor: null, pickerOpen: false },
  setTheme: (theme) => set((s) => ({ ui: { ...s.ui, theme } })),
  // Leaving presentation mode closes its picker: it must not reopen, holding the keys, next time.
  togglePresentation: () => set((s) => ({ ui: { ...s.ui, presentation: !s.ui.presentation, pickerOpen: false } })),
  setAboutOpen: (aboutOpen) => set((s) => ({ ui: { ...s.ui, aboutOpen } })),
  setImportOpen: (importOpen) => set((s) => ({ ui: { ...s.ui, importOpen } })),
  select: (selection) => set((s) => ({ ui: { ...s.ui, selection, moveToOpen: selection ? s.ui.moveToOpen : false } })),
  setDrag: (drag) => set((s) => ({ ui: { ...s.ui, drag } })),
  updateDrag: (patch) => set((s) => (s.ui.drag ? { ui: { ...s.ui, drag: { ...s.ui.drag, ...patch } } } : {})),
  setShowHiddenLvs: (showHiddenLvs) => set((s) => ({ ui: { ...s.ui, showHiddenLvs } })),
  setPanes: (panes) => set((s) => ({ ui: { ...s.ui, panes: { ...s.ui.panes, ...panes } } })),
  setMoveToOpen: (moveToOpen) => set((s) => ({ ui: { ...s.ui, moveToOpen } })),
  setCursor: (cursor) => set((s) => ({ ui: { ...s.ui, cursor } })),
  setPickerOpen: (pickerOpen) => set((s) => ({ ui: { ...s.ui, pickerOpen } })),
  applyUiCommand(command) {
    switch (command.command) {
      case 'theme.set':
        return get().setTheme(command.theme);
      case 'presentation.toggle':
        return get().togglePresentation();
      case 'about.show':
        return get().setAboutOpen(true);
      case 'import.show':
        return get().setImportOpen(true);
      case 'workspace.opened':
        // Opening the workspace is the job of the event binding (store/engineEvents.ts).
        return;
      case 'scenario.run':
        // Running a scenario is the job of the presentation actions (renderer/main.tsx).
        return;
      case 'recording.open':
        // Replaying it is the job of the replay controller (renderer/replay/boot.ts).
        return;
    }
  },
});

/** The theme actually shown: `system` follows the OS preference. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
}

export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return choice === 'system' ? 'light' : choice === 'light' ? 'dark' : 'system';
}
