// F5 in the main window enters presentation mode (the native menu's View → Presentation
// sends the same toggle as a ui.command event). Renders nothing.
import { useEffect } from 'react';
import { useAppStoreApi } from '../storeContext';

export function PresentationLauncher() {
  const store = useAppStoreApi();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'F5' || e.ctrlKey || e.metaKey || e.altKey || store.getState().ui.presentation) return;
      e.preventDefault();
      store.getState().togglePresentation();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
  return null;
}
