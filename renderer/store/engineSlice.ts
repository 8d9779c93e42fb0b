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
    /** The badge: `reconnecting` while the page waits to open its dropped connection again. */
    connection: 'connecting' | 'open' | 'reconnecting' | 'closed';
    error: string | undefined;
    log: LogEvent[];
  };
  setEngineInfo(info: EngineInfo, host: HostInfo): void;
  setConnection(state: 'connecting' | 'open' | 'reconnecting' | 'closed'): void;
  setEngineError(message: string): void;
  appendLog(lines: LogEvent[]): void;
  /** The engine's log so far (log.recent), under the lines already received as events. */
  setLogHistory(lines: LogEvent[]): void;
}

const lineKey = (l: LogEvent) => `${l.timeMs}\u0000${l.source}\u0000${l.message}`;

/** `history` then the lines of `received` it does not hold (events that came before its answer). */
export function mergeLogHistory(history: readonly LogEvent[], received: readonly LogEvent[]): LogEvent[] {
  const known = new Set(history.map(lineKey));
  return [...history, ...received.filter((l) => !known.has(lineKey(l)))].slice(-MAX_LOG_LINES);
}

export const createEngineSlice: StateCreator<AppState, [], [], EngineSlice> = (set) => ({
  engine: { info: undefined, host: undefined, connection: 'connecting', error: undefined, log: [] },
  setEngineInfo: (info, host) => set((s) => ({ engine: { ...s.engine, info, host, error: undefined } })),
  setConnection: (connection) => set((s) => ({ engine: { ...s.engine, connection } })),
  setEngineError: (error) => set((s) => ({ engine: { ...s.engine, error } })),
  appendLog: (lines) => set((s) => ({ engine: { ...s.engine, log: [...s.engine.log, ...lines].slice(-MAX_LOG_LINES) } })),
  setLogHistory: (lines) => set((s) => ({ engine: { ...s.engine, log: mergeLogHistory(lines, s.engine.log) } })),
});
