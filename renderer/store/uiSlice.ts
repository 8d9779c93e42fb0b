// Purely visual state: the theme (light / dark / follow the system), presentation mode and
// the About box. Native menu items change it through `ui.command` events.
import type { StateCreator } from 'zustand/vanilla';
import type { UiCommand } from '../../app/api';
import type { AppState } from './index';

export type ThemeChoice = 'light' | 'dark' | 'system';

export interface UiSlice {
  ui: { theme: ThemeChoice; presentation: boolean; aboutOpen: boolean };
  setTheme(theme: ThemeChoice): void;
  togglePresentation(): void;
  setAboutOpen(open: boolean): void;
  applyUiCommand(command: UiCommand): void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  ui: { theme: 'system', presentation: false, aboutOpen: false },
  setTheme: (theme) => set((s) => ({ ui: { ...s.ui, theme } })),
  togglePresentation: () => set((s) => ({ ui: { ...s.ui, presentation: !s.ui.presentation } })),
  setAboutOpen: (aboutOpen) => set((s) => ({ ui: { ...s.ui, aboutOpen } })),
  applyUiCommand(command) {
    switch (command.command) {
      case 'theme.set':
        return get().setTheme(command.theme);
      case 'presentation.toggle':
        return get().togglePresentation();
      case 'about.show':
        return get().setAboutOpen(true);
      case 'workspace.opened':
        // Reloading the image list is the job of the event binding (store/engineEvents.ts).
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
