// The engine as the UI sees it: what it is (engine.info), where it runs (host.info), whether
// the connection is up, and the newest lines of its event log (bounded).
import type { StateCreator } from 'zustand/vanilla';
import type { EngineInfo, HostInfo, LogEvent } from '../../app/api';
import type { AppState } from './index';

export const MAX_LOG_LINES = 200;

export interface EngineSlice {
  engine: {
    info: EngineInfo | undefined;
    host: HostInfo | undefined;
    connection: 'connecting' | 'open' | 'closed';
    error: string | undefined;
    log: LogEvent[];
  };
  setEngineInfo(info: EngineInfo, host: HostInfo): void;
  setConnection(state: 'connecting' | 'open' | 'closed'): void;
  setEngineError(message: string): void;
  appendLog(lines: LogEvent[]): void;
}

export const createEngineSlice: StateCreator<AppState, [], [], EngineSlice> = (set) => ({
  engine: { info: undefined, host: undefined, connection: 'connecting', error: undefined, log: [] },
  setEngineInfo: (info, host) => set((s) => ({ engine: { ...s.engine, info, host, error: undefined } })),
  setConnection: (connection) => set((s) => ({ engine: { ...s.engine, connection } })),
  setEngineError: (error) => set((s) => ({ engine: { ...s.engine, error } })),
  appendLog: (lines) => set((s) => ({ engine: { ...s.engine, log: [...s.engine.log, ...lines].slice(-MAX_LOG_LINES) } })),
});
