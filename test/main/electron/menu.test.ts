// Proves the native menu template: File / View / Help with the items the issue names, each
// item calling its action, the recent list filled in (or a disabled placeholder), the theme
// radio reflecting the current theme, and developer items only in development.

import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from '../../../main/electron/menu';
import type { MenuActions, MenuState } from '../../../main/electron/menu';

function recordingActions() {
  const calls: string[] = [];
  const actions: MenuActions = {
    openWorkspace: () => calls.push('openWorkspace'),
    newDemoWorkspace: () => calls.push('newDemoWorkspace'),
    importVolumeGroup: () => calls.push('importVolumeGroup'),
    openRecent: (f) => calls.push(`openRecent ${f}`),
    openRecording: () => calls.push('openRecording'),
    togglePresentation: () => calls.push('togglePresentation'),
    openAudienceWindow: () => calls.push('openAudienceWindow'),
    setTheme: (t) => calls.push(`setTheme ${t}`),
    showAbout: () => calls.push('showAbout'),
    runScenario: (name) => calls.push(`runScenario ${name}`),
    quit: () => calls.push('quit'),
  };
  return { calls, actions };
}

const submenu = (item: MenuItemConstructorOptions | undefined) => (item?.submenu ?? []) as MenuItemConstructorOptions[];
const byLabel = (items: MenuItemConstructorOptions[], label: string) => items.find((i) => i.label === label);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as (() => void) | undefined)?.();

const state: MenuState = { isDev: false, recent: ['/w/a', '/w/b'], theme: 'dark', scenarios: [{ name: 'seed', title: 'The seed' }, { name: 'empty-a-pv', title: 'Empty a PV' }] };

describe('the menu template', () => {
  it('has File, View and Help menus with the named items wired to their actions', () => {
    const { calls, actions } = recordingActions();
    const [file, view, scenarios, help] = buildMenuTemplate(state, actions);
    expect([file.label, view.label, scenarios.label, help.label]).toEqual(['File', 'View', 'Scenarios', 'Help']);
    click(byLabel(submenu(file), 'Open workspace…'));
    click(byLabel(submenu(file), 'New demo workspace…'));
    click(byLabel(submenu(file), 'Import a volume group…'));
    click(submenu(byLabel(submenu(file), 'Open recent'))[1]);
    click(byLabel(submenu(file), 'Open recording…'));
    click(byLabel(submenu(file), 'Quit'));
    const presentation = byLabel(submenu(view), 'Presentation mode');
    expect(presentation?.accelerator).toBe('F5');
    click(presentation);
    click(byLabel(submenu(view), 'Audience window'));
    click(byLabel(submenu(byLabel(submenu(view), 'Theme')), 'Light'));
    click(byLabel(submenu(help), 'About lvmscope'));
    click(byLabel(submenu(scenarios), 'Empty a PV'));
    expect(calls).toEqual(['openWorkspace', 'newDemoWorkspace', 'importVolumeGroup', 'openRecent /w/b', 'openRecording', 'quit', 'togglePresentation', 'openAudienceWindow', 'setTheme light', 'showAbout', 'runScenario empty-a-pv']);
    expect(buildMenuTemplate({ ...state, scenarios: [] }, actions)[2].submenu).toEqual([{ label: 'No scenarios found', enabled: false }]);
  });

  it('checks the current theme and shows a disabled placeholder when nothing was opened yet', () => {
    const { actions } = recordingActions();
    const [file, view] = buildMenuTemplate({ ...state, recent: [] }, actions);
    const themes = submenu(byLabel(submenu(view), 'Theme'));
    expect(themes.map((t) => [t.label, t.checked])).toEqual([['Light', false], ['Dark', true], ['System', false]]);
    expect(submenu(byLabel(submenu(file), 'Open recent'))).toEqual([{ label: 'No recent workspaces', enabled: false }]);
  });

  it('offers reload and developer tools only in development', () => {
    const { actions } = recordingActions();
    const roles = (isDev: boolean) => submenu(buildMenuTemplate({ ...state, isDev }, actions)[1]).map((i) => i.role).filter(Boolean);
    expect(roles(false)).toEqual([]);
    expect(roles(true)).toEqual(['reload', 'toggleDevTools']);
  });
});
