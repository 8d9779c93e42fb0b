// The keyboard of presentation mode: one window listener that turns keys into commands
// (keys.ts) and runs them against the store and the engine. Keys typed into a form field
// are left alone, and so are all keys while the move picker (M) is open: it handles its own;
// handled keys do not scroll or reload the page.
import { isMoveActive } from '../store/moveSlice';
import { useEffect } from 'react';
import { useActions } from '../actions';
import { useAppStoreApi } from '../storeContext';
import { usePresentationActions } from './actions';
import { commandForKey, nextStack, pickRefusal, resolveNext, type PresentationCommand } from './keys';
import { useReplay, type ReplayController } from '../replay/controller';


function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function toggleFullscreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  else void document.documentElement.requestFullscreen?.().catch(() => undefined);
}

export function usePresentationKeys(toast: (text: string) => void): void {
  const store = useAppStoreApi();
  const actions = useActions();
  const pActions = usePresentationActions();
  const replay = useReplay();
  useEffect(() => {
    const run = (command: PresentationCommand) => {
      const s = store.getState();
      if (s.replay.info && replay && runOnRecording(replay, command, toast)) return;
      switch (command.kind) {
        case 'next': {
          const what = resolveNext(s.presenting.history.cursor, s.move.state);
          if (what === 'history-forward') s.historyForward();
          else if (what === 'move-next') void actions.control({ action: 'next' });
          return;
        }
        case 'back':
          return s.historyBack();
        case 'pause':
          return void pActions.togglePause();
        case 'speed':
          return void pActions.changeSpeed(command.direction).then((label) => toast(`copy rate ${label}`));
        case 'leave':
          if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
          s.historyLive();
          return s.togglePresentation();
        case 'fullscreen':
          return toggleFullscreen();
        case 'hint':
          return s.toggleHint();
        case 'export':
          return void pActions.exportSvg().then((error) => toast(error ?? 'diagram exported as SVG'));
        case 'stack': {
          const next = nextStack(s.move.settings.stack, s.move.state);
          if (!next) return toast('the move keeps its stack until it ends');
          s.setMoveSettings({ stack: next.stack });
          return toast(next.text);
        }
        case 'pick': {
          const refusal = pickRefusal(s.move.state, Boolean(s.workspace.view?.vgs[0]));
          if (refusal) return toast(refusal);
          return s.setPickerOpen(true);
        }
        case 'scenario': {
          const scenario = s.presenting.scenarios[command.index];
          const busy = (s.move.state && isMoveActive(s.move.state.status)) || s.presenting.scenario?.status === 'running';
          if (scenario && !busy) void pActions.runScenario(scenario.name);
          return;
        }
      }
    };
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.defaultPrevented || store.getState().ui.pickerOpen) return;
      const command = commandForKey(e);
      if (!command) return;
      e.preventDefault();
      if (e.repeat && command.kind !== 'back' && command.kind !== 'next') return;
      run(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, actions, pActions, toast, replay]);
}

/**
 * The same keys on a recording (issue 19): → / ← step through it, P plays and pauses, + / −
 * change the speed; keys that would start something on the engine say there is none. Returns
 * false for keys that work as usual (leave, full screen, hint, export).
 */
function runOnRecording(replay: ReplayController, command: PresentationCommand, toast: (text: string) => void): boolean {
  switch (command.kind) {
    case 'next':
      return replay.nextStep(), true;
    case 'back':
      return replay.previousStep(), true;
    case 'pause':
      return replay.togglePlay(), true;
    case 'speed':
      return toast(`replay speed ${replay.changeSpeed(command.direction)}`), true;
    case 'stack':
    case 'pick':
    case 'scenario':
      return toast('a recording is shown: there is no engine to start a move on'), true;
    default:
      return false;
  }
}
