// How a window comes to show a recording (issue 19) besides Open recording… and a dropped
// file: the desktop menu's File → Open recording… (the main process reads the file and sends
// its text in a ui.command), and `lvmscope serve --replay FILE`, whose page fetches the
// recording from its server (`/recording?token=…`) and has no engine at all.
import { RecordingError } from '../../app/api/recording';
import type { ApiClient } from '../../app/api';
import type { AppStore } from '../store';
import type { Disposable } from '../store/types';
import type { ReplayController } from './controller';

/** The page of `serve --replay` (its URL says `replay=1`). */
export function isReplayPage(search: string): boolean {
  return new URLSearchParams(search).get('replay') === '1';
}

/** Fetches the served recording and shows it; a refusal is shown as its sentence. */
export async function loadServedRecording(location: Pick<Location, 'search'>, replay: ReplayController, store: AppStore): Promise<void> {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  store.getState().setConnection('open');
  try {
    const response = await fetch(`/recording?token=${encodeURIComponent(token)}`);
    if (!response.ok) throw new RecordingError(`The server did not send its recording (${response.status}): open the full URL that lvmscope serve --replay printed.`);
    const name = decodeURIComponent(response.headers.get('X-Recording-Name') ?? 'recording.lvmrec');
    await replay.openFile(Object.assign(await response.blob(), { name }));
  } catch (e) {
    store.getState().setReplayError(e instanceof RecordingError ? e.message : `The recording could not be loaded: ${e instanceof Error ? e.message : String(e)}.`);
  }
}

/** The desktop menu's File → Open recording… (the text comes with the command). */
export function bindRecordingMenu(client: Pick<ApiClient, 'on'>, replay: ReplayController): Disposable {
  return client.on('ui.command', (command) => {
    if (command.command === 'recording.open') void replay.openText(command.text, command.fileName);
  });
}
