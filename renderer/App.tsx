// The app shell: header (product, engine, connection, theme), the workspace's image files,
// the engine log. Later issues add the volume-group, device and move views here.
import { useEffect, useSyncExternalStore } from 'react';
import { AboutDialog } from './components/AboutDialog';
import { Header } from './components/Header';
import { LogPanel } from './components/LogPanel';
import { WorkspacePanel } from './components/WorkspacePanel';
import { useAppStore } from './storeContext';
import { resolveTheme } from './store/uiSlice';

function subscribePrefersDark(onChange: () => void): () => void {
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}
const prefersDark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

export function App() {
  const theme = useAppStore((s) => s.ui.theme);
  const presentation = useAppStore((s) => s.ui.presentation);
  const dark = useSyncExternalStore(subscribePrefersDark, prefersDark);
  const shown = resolveTheme(theme, dark);
  useEffect(() => {
    document.documentElement.dataset.theme = shown;
    document.documentElement.dataset.presentation = String(presentation);
  }, [shown, presentation]);
  return (
    <div className="app">
      <Header />
      <main className="app-main">
        <WorkspacePanel />
        <LogPanel />
      </main>
      <AboutDialog />
    </div>
  );
}
