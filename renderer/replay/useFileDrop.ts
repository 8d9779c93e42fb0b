// Drag-and-drop of a recording file onto the window (issue 19): the window shows a hint while
// a file is dragged over it and opens the file dropped. Extents dragged inside the window
// (renderer/dnd.ts) carry no files and are left alone.
import { useEffect, useState } from 'react';
import { useReplay } from './controller';

const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

/** Whether a file is being dragged over the window now. */
export function useFileDrop(): boolean {
  const replay = useReplay();
  const [over, setOver] = useState(false);
  useEffect(() => {
    if (!replay) return;
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overWindow = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault(); // allows the drop
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault(); // the browser would otherwise navigate to the file
      depth = 0;
      setOver(false);
      const file = e.dataTransfer?.files[0];
      if (file) void replay.openFile(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overWindow);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overWindow);
      window.removeEventListener('drop', drop);
    };
  }, [replay]);
  return over;
}
