// The engine facade hosts use (Electron main, browser mode, CLI): it owns the open
// workspace, implements every method of the contract (app/api/contract.ts) and publishes
// engine events. Storage, time and randomness come from the host (EngineHost), so the same
// engine runs on image files, in memory, or on the seeded simulated disk.

import type { Clock, Random } from './base/clock';
import type { Disposable } from './base/emitter';
import { Emitter } from './base/emitter';
import type { WorkspaceStorage } from './block/blockStore';
import type { EventName, PayloadOf } from './api/contract';
import type { EventSource, Handlers } from './api/server';

export const ENGINE_VERSION = '0.1.0';

export interface EngineHost {
  kind: 'electron' | 'browser' | 'cli' | 'test';
  clock: Clock;
  random: Random;
  /** The storage of the workspace folder at `path` (a folder of image files). */
  storage(path: string): WorkspaceStorage;
  /** The host name written into LVM2 metadata (`creation_host`). */
  hostname: string;
}

interface AnyEvent {
  name: EventName;
  payload: unknown;
}

export class Engine implements EventSource {
  readonly handlers: Handlers;
  private readonly events = new Emitter<AnyEvent>();

  constructor(readonly host: EngineHost) {
    this.handlers = {
      'engine.info': async () => ({
        name: 'lvmscope' as const,
        version: ENGINE_VERSION,
        host: host.kind,
        capabilities: ['workspace.listImages'],
      }),
      'workspace.listImages': async ({ path }) => {
        const storage = host.storage(path);
        const names = await storage.listImages();
        const images = [];
        for (const name of names) {
          const store = await storage.open(name);
          images.push({ name, sizeBytes: store.sizeBytes });
          await store.close();
        }
        this.log('info', 'workspace', `listed ${images.length} image file(s) in ${path}`);
        return { path, images };
      },
    };
  }

  subscribe(listener: <E extends EventName>(name: E, payload: PayloadOf<E>) => void): Disposable {
    return this.events.on((e) => listener(e.name, e.payload as never));
  }

  emit<E extends EventName>(name: E, payload: PayloadOf<E>): void {
    this.events.emit({ name, payload });
  }

  log(level: PayloadOf<'log'>['level'], source: string, message: string): void {
    this.emit('log', { timeMs: this.host.clock.now(), level, source, message });
  }

  async dispose(): Promise<void> {}
}
