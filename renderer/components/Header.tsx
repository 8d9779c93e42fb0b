import { useAppStore } from '../storeContext';
import { nextTheme } from '../store/uiSlice';
import { Logo } from './Logo';

export function Header() {
  const info = useAppStore((s) => s.engine.info);
  const connection = useAppStore((s) => s.engine.connection);
  const theme = useAppStore((s) => s.ui.theme);
  const setTheme = useAppStore((s) => s.setTheme);
  return (
    <header className="app-header">
      <Logo />
      <h1 className="product">lvmscope</h1>
      <span className="engine-info" data-testid="engine-info">
        {info ? `engine ${info.version} · ${info.host}` : 'connecting to the engine…'}
      </span>
      <span className={`connection connection-${connection}`} data-testid="connection" title="connection to the engine">
        {connection}
      </span>
      <button type="button" className="theme-button" onClick={() => setTheme(nextTheme(theme))} title="Switch theme (light, dark, follow the system)">
        theme: {theme}
      </button>
    </header>
  );
}
