// @vitest-environment happy-dom
// Proves the app shell renders what the store holds: the product name, the engine version
// and host, the workspace's image files with human sizes, and that the theme button cycles
// the theme and sets it on the document. Renders with @testing-library/react on happy-dom.

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App';
import { createAppStore } from '../../renderer/store';
import { StoreContext } from '../../renderer/storeContext';
import { formatBytes } from '../../renderer/format';

afterEach(cleanup);

function renderWithStore() {
  const store = createAppStore();
  store.getState().setEngineInfo({ name: 'lvmscope', version: '0.1.0', host: 'browser', capabilities: [] }, { host: 'browser', workspacePath: '/ws', recentWorkspaces: [], demoFolder: false });
  store.getState().setWorkspaceImages('/ws', [{ name: 'pv1.img', sizeBytes: 8 << 20 }, { name: 'pv2.img', sizeBytes: 1536 }]);
  render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
  return store;
}

describe('the app shell', () => {
  it('shows the product, the engine and the workspace’s image files', () => {
    renderWithStore();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('lvmscope');
    expect(screen.getByTestId('engine-info').textContent).toBe('engine 0.1.0 · browser');
    expect(screen.getByTestId('workspace-path').textContent).toBe('/ws');
    expect(screen.getAllByTestId('image-row').map((r) => r.textContent)).toEqual(['pv1.img8.00 MiB', 'pv2.img1.50 KiB']);
  });

  it('cycles the theme with its button and applies it to the document', () => {
    const store = renderWithStore();
    act(() => fireEvent.click(screen.getByRole('button', { name: /theme: system/ })));
    expect(store.getState().ui.theme).toBe('light');
    expect(document.documentElement.dataset.theme).toBe('light');
    act(() => fireEvent.click(screen.getByRole('button', { name: /theme: light/ })));
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('formats sizes in binary units', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1024), formatBytes(12 * 2 ** 20), formatBytes(300 * 2 ** 30)]).toEqual(['0 B', '1023 B', '1.00 KiB', '12.0 MiB', '300 GiB']);
  });
});
