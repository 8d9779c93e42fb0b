// The Electron main process: one hardened window, the engine behind generic IPC handlers,
// the native menu. Deliberately thin — the logic lives in modules that do not import
// electron (senderCheck, ipc, windowState, recent, menu, security) and is tested in Node.

import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session } from 'electron';
import { readRecordingText } from '../node/recordingFile';
import type { IpcMainInvokeEvent } from 'electron';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LvmscopeError } from '../../app/base/result';
import { Engine, ENGINE_VERSION } from '../../app/engine';
import type { UiCommand } from '../../app/api/contract';
import { createNodeHost, defaultDemoWorkspace, nodeClock } from '../host';
import { loadScenarios } from '../scenarios';
import { EVENT_CHANNEL, forwardEvents, registerApiHandlers } from './ipc';
import { buildMenuTemplate } from './menu';
import type { MenuState } from './menu';
import { addRecent, loadRecent, saveRecent } from './recent';
import { contentSecurityPolicy } from './security';
import { checkSender, isAudienceRequest } from './senderCheck';
import { fitToDisplays, loadWindowState, saveWindowState } from './windowState';

const here = path.dirname(fileURLToPath(import.meta.url));
const devUrl = process.env.ELECTRON_RENDERER_URL;
const rendererUrl = devUrl ?? pathToFileURL(path.join(here, '../renderer/index.html')).href;
const userData = app.getPath('userData');
// Packaged builds get their icon from the .desktop entry; `npm start` uses the repo's PNG.
const devIcon = path.join(here, '../../assets/icons/512x512.png');

let window: BrowserWindow | undefined;
/** The audience's window (the diagram only, for the projector), while it is open. */
let audience: BrowserWindow | undefined;
let workspacePath = defaultDemoWorkspace(userData);
let recent = loadRecent(userData);
const menuState: MenuState = { isDev: !app.isPackaged && Boolean(devUrl), recent, theme: 'system', scenarios: safeScenarios() };

/** The scenarios for the menu; a broken scenario file leaves the menu empty rather than the app dead. */
function safeScenarios(): { name: string; title: string }[] {
  try {
    return loadScenarios().map(({ name, title }) => ({ name, title }));
  } catch (e) {
    console.error(`lvmscope: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
}

const engine = new Engine(createNodeHost({ kind: 'electron', holderName: 'lvmscope (desktop app)', workspace: () => ({ path: workspacePath, recent, demo: workspacePath === defaultDemoWorkspace(userData) }) }));

function sendUi(command: UiCommand): void {
  engine.emit('ui.command', command);
}

function openWorkspace(folder: string): void {
  // A move running in the open workspace keeps it open: the window says why and shows it still.
  const refusal = engine.refusalToOpen(path.resolve(folder));
  if (refusal) {
    if (window) void dialog.showMessageBox(window, { type: 'info', message: 'The workspace stays open while its move runs.', detail: refusal });
    return;
  }
  mkdirSync(folder, { recursive: true });
  workspacePath = path.resolve(folder);
  recent = addRecent(recent, workspacePath);
  saveRecent(userData, recent);
  installMenu();
  sendUi({ command: 'workspace.opened', path: workspacePath });
}

function installMenu(): void {
  menuState.recent = recent;
  const template = buildMenuTemplate(menuState, {
    openWorkspace: () => void chooseWorkspace(),
    newDemoWorkspace: () => void newDemoWorkspace(),
    openRecent: (folder) => openWorkspace(folder),
    openRecording: () => void chooseRecording(),
    togglePresentation: () => sendUi({ command: 'presentation.toggle' }),
    openAudienceWindow: () => openAudienceWindow(),
    setTheme: (theme) => {
      menuState.theme = theme;
      sendUi({ command: 'theme.set', theme });
    },
    showAbout: () => sendUi({ command: 'about.show' }),
    importVolumeGroup: () => sendUi({ command: 'import.show' }),
    runScenario: (name) => sendUi({ command: 'scenario.run', name }),
    quit: () => app.quit(),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** File → New demo workspace…: the seed demo in a folder the user picks (replacing its files only if they agree). */
async function newDemoWorkspace(): Promise<void> {
  if (!window) return;
  const choice = await dialog.showOpenDialog(window, { title: 'New demo workspace: choose or create an empty folder', properties: ['openDirectory', 'createDirectory'] });
  const folder = choice.canceled ? undefined : choice.filePaths[0];
  if (!folder) return;
  const create = (force: boolean) => engine.handlers['workspace.createDemo']({ path: path.resolve(folder), scenario: 'seed', force });
  try {
    await create(false);
  } catch (e) {
    if (!(e instanceof LvmscopeError) || e.code !== 'EXISTS') {
      await dialog.showMessageBox(window, { type: 'error', message: 'The demo workspace could not be created.', detail: e instanceof Error ? e.message : String(e) });
      return;
    }
    const { response } = await dialog.showMessageBox(window, { type: 'warning', buttons: ['Replace the files', 'Cancel'], defaultId: 1, cancelId: 1, message: e.message, detail: 'Replace every file in this folder with the seed demo?' });
    if (response !== 0) return;
    await create(true);
  }
  openWorkspace(folder);
}

/** File → Open recording…: the file is read here and its text replayed by the window. */
async function chooseRecording(): Promise<void> {
  if (!window) return;
  const choice = await dialog.showOpenDialog(window, { title: 'Open recording', properties: ['openFile'], filters: [{ name: 'lvmscope recordings', extensions: ['lvmrec', 'ndjson', 'gz'] }] });
  const file = choice.canceled ? undefined : choice.filePaths[0];
  if (!file) return;
  try {
    const { text, fileName } = await readRecordingText(file);
    sendUi({ command: 'recording.open', fileName, text });
  } catch (e) {
    await dialog.showMessageBox(window, { type: 'error', message: 'The recording could not be opened.', detail: e instanceof Error ? e.message : String(e) });
  }
}

async function chooseWorkspace(): Promise<void> {
  if (!window) return;
  const choice = await dialog.showOpenDialog(window, { title: 'Open workspace', properties: ['openDirectory', 'createDirectory'] });
  if (!choice.canceled && choice.filePaths[0]) openWorkspace(choice.filePaths[0]);
}

function hardenSession(): void {
  const csp = contentSecurityPolicy();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/**
 * Every lvmscope window (the app's, the audience's) is made here, with the same hardened
 * preferences (Electron's security checklist), written out where a static checker sees them.
 */
function hardenedWindow(options: Omit<Electron.BrowserWindowConstructorOptions, 'webPreferences'>): BrowserWindow {
  return new BrowserWindow({
    ...options,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click opens links in new windows through a path setWindowOpenHandler does not see.
      disableBlinkFeatures: 'Auxclick',
    },
  });
}

function createWindow(): BrowserWindow {
  const displays = screen.getAllDisplays().map((d) => d.workArea);
  const state = fitToDisplays(loadWindowState(userData), displays);
  const win = hardenedWindow({
    ...state,
    title: 'lvmscope',
    show: false,
    backgroundColor: '#16181d',
    ...(existsSync(devIcon) ? { icon: devIcon } : {}),
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => saveWindowState(userData, { ...win.getNormalBounds(), maximized: win.isMaximized() }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // The UI opens one window, the audience's, which this process creates with its own
  // options; every other window.open is denied, and there are no external links.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAudienceRequest(url, rendererUrl)) openAudienceWindow();
    return { action: 'deny' };
  });
  loadRenderer(win, null);
  return win;
}

function loadRenderer(win: BrowserWindow, view: 'audience' | null): void {
  if (devUrl) void win.loadURL(view ? `${devUrl}${devUrl.includes('?') ? '&' : '?'}view=${view}` : devUrl);
  else void win.loadFile(path.join(here, '../renderer/index.html'), view ? { query: { view } } : {});
}

/**
 * View → Audience window: the diagram only, on the second display in full screen when there is
 * one (the projector), else a 1280x720 window. One at a time: asking again brings it forward.
 */
function openAudienceWindow(): void {
  if (audience) return audience.focus();
  const primary = screen.getPrimaryDisplay();
  const projector = screen.getAllDisplays().find((d) => d.id !== primary.id);
  const bounds = projector ? projector.bounds : { width: 1280, height: 720 };
  const win = hardenedWindow({ ...bounds, title: 'lvmscope · audience', show: false, fullscreen: projector !== undefined, backgroundColor: '#16181d' });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.on('closed', () => (audience = undefined));
  loadRenderer(win, 'audience');
  audience = win;
}

function verifySender(event: IpcMainInvokeEvent) {
  const frame = event.senderFrame;
  return checkSender(
    // A frame without a parent is the top-level frame (WebFrameMain wrappers are not compared by identity).
    { webContentsId: event.sender.id, frameUrl: frame?.url, isMainFrame: frame !== null && frame.parent === null },
    { webContentsIds: [window, audience].flatMap((w) => (w ? [w.webContents.id] : [])), rendererUrl },
  );
}

app.enableSandbox();
app.whenReady().then(() => {
  hardenSession();
  mkdirSync(workspacePath, { recursive: true });
  registerApiHandlers(ipcMain, engine.handlers, verifySender);
  forwardEvents(engine, nodeClock, (batch) => {
    for (const w of [window, audience]) w?.webContents.send(EVENT_CHANNEL, batch);
  });
  installMenu();
  window = createWindow();
  window.on('closed', () => {
    window = undefined;
    audience?.close();
  });
  engine.log('info', 'host', `lvmscope ${ENGINE_VERSION} (electron) shows ${workspacePath}`);
});
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});
app.on('window-all-closed', () => app.quit());
