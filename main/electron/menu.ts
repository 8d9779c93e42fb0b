// The native menu, as a plain template (Electron's MenuItemConstructorOptions shape) built
// from the app's state and a record of actions, so it is tested in Node; main.ts turns it
// into a Menu with Menu.buildFromTemplate. Menu items that change the UI reach the renderer
// as `ui.command` events (app/api/contract.ts), never as direct webContents calls.

import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openWorkspace(): void;
  newDemoWorkspace(): void;
  /** The renderer's "Import a volume group…" dialog (a vgcfgbackup into a new rehearsal workspace). */
  importVolumeGroup(): void;
  openRecent(folder: string): void;
  /** Replay a recorded move (a .lvmrec file) in the window, without the engine. */
  openRecording(): void;
  togglePresentation(): void;
  /** The audience's window (the diagram only) for the projector. */
  openAudienceWindow(): void;
  setTheme(theme: 'light' | 'dark' | 'system'): void;
  showAbout(): void;
  runScenario(name: string): void;
  quit(): void;
}

export interface MenuState {
  /** Development build: adds Reload and Toggle Developer Tools. */
  isDev: boolean;
  recent: readonly string[];
  theme: 'light' | 'dark' | 'system';
  /** The demo scenarios (assets/scenarios), for the Scenarios menu. */
  scenarios: readonly { name: string; title: string }[];
}

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  return [fileMenu(state, actions), viewMenu(state, actions), scenariosMenu(state, actions), helpMenu(actions)];
}

/** Each scenario creates its own workspace beside the current one and runs its script. */
function scenariosMenu(state: MenuState, actions: MenuActions): MenuItemConstructorOptions {
  const items: MenuItemConstructorOptions[] = state.scenarios.length
    ? state.scenarios.map((s, i) => ({ label: s.title, accelerator: i < 9 ? `Alt+${i + 1}` : undefined, click: () => actions.runScenario(s.name) }))
    : [{ label: 'No scenarios found', enabled: false }];
  return { label: 'Scenarios', submenu: items };
}

function fileMenu(state: MenuState, actions: MenuActions): MenuItemConstructorOptions {
  const recent: MenuItemConstructorOptions[] = state.recent.length
    ? state.recent.map((folder) => ({ label: folder, click: () => actions.openRecent(folder) }))
    : [{ label: 'No recent workspaces', enabled: false }];
  return {
    label: 'File',
    submenu: [
      { label: 'Open workspace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openWorkspace() },
      { label: 'New demo workspace…', accelerator: 'CmdOrCtrl+N', click: () => actions.newDemoWorkspace() },
      { label: 'Import a volume group…', click: () => actions.importVolumeGroup() },
      { label: 'Open recent', submenu: recent },
      { label: 'Open recording…', click: () => actions.openRecording() },
      { type: 'separator' },
      { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
    ],
  };
}

function viewMenu(state: MenuState, actions: MenuActions): MenuItemConstructorOptions {
  const themes = (['light', 'dark', 'system'] as const).map(
    (theme): MenuItemConstructorOptions => ({
      label: theme[0].toUpperCase() + theme.slice(1),
      type: 'radio',
      checked: state.theme === theme,
      click: () => actions.setTheme(theme),
    }),
  );
  const dev: MenuItemConstructorOptions[] = state.isDev
    ? [{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }]
    : [];
  return {
    label: 'View',
    submenu: [
      { label: 'Presentation mode', accelerator: 'F5', click: () => actions.togglePresentation() },
      { label: 'Audience window', accelerator: 'Shift+F5', click: () => actions.openAudienceWindow() },
      { label: 'Theme', submenu: themes },
      ...dev,
    ],
  };
}

function helpMenu(actions: MenuActions): MenuItemConstructorOptions {
  return { label: 'Help', submenu: [{ label: 'About lvmscope', click: () => actions.showAbout() }] };
}
