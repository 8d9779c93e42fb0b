// The preload (sandboxed, CommonJS bundle): exposes `window.lvmscope` and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { exposePreloadApi } from './preloadApi';

exposePreloadApi(contextBridge, ipcRenderer);
