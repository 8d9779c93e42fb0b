// Builds the three parts of the desktop app into out/ (electron-vite):
//   out/main      the Electron main process (ESM), from main/electron/main.ts
//   out/preload   the preload, CommonJS and fully bundled: a sandboxed preload cannot load
//                 ESM nor require packages from node_modules
//   out/renderer  the React UI, from renderer/index.html; browser mode (lvmscope serve)
//                 serves this same folder
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve('main/electron/main.ts'), formats: ['es'] },
      rolldownOptions: { output: { entryFileNames: 'index.js' } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      lib: { entry: resolve('main/electron/preload.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { entryFileNames: 'index.cjs', format: 'cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: resolve('renderer/index.html') },
    },
  },
});
