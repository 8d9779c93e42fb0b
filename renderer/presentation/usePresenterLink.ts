// The presenter's side of the audience channel (audience.ts): while presentation mode is on,
// every change of the step shown (live, or an earlier one after ←) is sent to the audience's
// window, and an audience window that opens later asks for it and gets it. Leaving
// presentation mode sends "live" (the audience follows the engine again).
import { useEffect, useRef } from 'react';
import { openAudienceLink, type AudienceLink } from './audience';
import type { StepSnapshot } from './history';

export function usePresenterLink(snapshot: StepSnapshot | null): void {
  const link = useRef<AudienceLink | null>(null);
  const shown = useRef<StepSnapshot | null>(snapshot);
  shown.current = snapshot;
  useEffect(() => {
    const opened = openAudienceLink((message) => {
      if (message.kind === 'hello') opened?.post({ kind: 'shown', snapshot: shown.current, presenting: true });
    });
    link.current = opened;
    return () => {
      opened?.post({ kind: 'shown', snapshot: null, presenting: false });
      opened?.close();
      link.current = null;
    };
  }, []);
  useEffect(() => link.current?.post({ kind: 'shown', snapshot, presenting: true }), [snapshot]);
}
