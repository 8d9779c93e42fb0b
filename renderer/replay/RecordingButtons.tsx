// Open recording… (a file chooser, in the header) and Save recording (the running or last
// move's recording, downloaded; in the export bar beside the transcript). Saving needs an
// engine, so a replay offers only Open.
import { useRef } from 'react';
import { useAppStore } from '../storeContext';
import { useReplay } from './controller';

export function OpenRecordingButton() {
  const replay = useReplay();
  const input = useRef<HTMLInputElement>(null);
  if (!replay) return null;
  return (
    <>
      <button type="button" data-testid="open-recording" title="Replay a recorded move (.lvmrec) without an engine: every view shows any instant of it (or drop the file on the window)" onClick={() => input.current?.click()}>Open recording…</button>
      <input ref={input} type="file" accept=".lvmrec,.ndjson,.json,.gz" hidden data-testid="open-recording-file" onChange={(e) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (file) void replay.openFile(file);
      }} />
    </>
  );
}

export function SaveRecordingButton() {
  const replay = useReplay();
  const replaying = useAppStore((s) => s.replay.info !== null);
  const hasMove = useAppStore((s) => s.move.state !== null);
  const setError = useAppStore((s) => s.setReplayError);
  if (!replay || replaying) return null;
  return (
    <button type="button" data-testid="save-recording" disabled={!hasMove} title={hasMove ? 'Download the running or last move as a recording, to replay it anywhere (Open recording…, lvmscope serve --replay)' : 'No move has run yet; every move is recorded.'} onClick={() => void replay.saveLast().then((error) => error && setError(error))}>
      Recording
    </button>
  );
}
