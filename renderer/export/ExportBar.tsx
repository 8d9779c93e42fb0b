// Export buttons under the move diagram: the diagram as SVG or PNG, the move as a Markdown
// transcript (plan, layouts, each step's narration, commands and tables), the move's recording
// (renderer/replay), the last move as a video (VideoDialog.tsx).
import { useState } from 'react';
import { usePresentationActions } from '../presentation/actions';
import { useAppStore } from '../storeContext';
import { ExportScriptButton } from '../rehearsal/ExportScriptButton';
import { SaveRecordingButton } from '../replay/RecordingButtons';
import { VideoDialog } from './VideoDialog';

export function ExportBar() {
  const actions = usePresentationActions();
  const hasMove = useAppStore((s) => s.move.state !== null);
  const [videoOpen, setVideoOpen] = useState(false);
  return (
    <div className="export-bar" data-testid="export-bar">
      <span className="muted">Export</span>
      <button type="button" data-testid="export-svg" title="Download the diagram as it is now, as a stand-alone SVG" onClick={() => void actions.exportSvg()}>Diagram SVG</button>
      <button type="button" data-testid="export-png" title="Download the diagram as it is now, as a PNG" onClick={() => void actions.exportPng()}>Diagram PNG</button>
      <button type="button" data-testid="export-md" disabled={!hasMove} title={hasMove ? 'Download the move as Markdown: plan, layouts, the eight steps with narration, commands and tables' : 'No move has run yet; the transcript describes a move.'} onClick={() => void actions.exportTranscript()}>Transcript (Markdown)</button>
      <SaveRecordingButton />
      <button type="button" data-testid="export-video" title="Make a WebM or GIF of the last move (from its recording, a recording file, or the live diagram as this window showed it): size, speed and captions" onClick={() => setVideoOpen(true)}>Video…</button>
      <ExportScriptButton label="Plan as a script" testId="export-script" disabledReason={hasMove ? null : 'No move has been planned yet; the script runs a planned move on the real system.'} />
      {videoOpen && <VideoDialog onClose={() => setVideoOpen(false)} />}
    </div>
  );
}
