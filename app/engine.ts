// The engine facade hosts use (Electron main, browser mode, CLI): it owns the open
// workspace, implements every method of the contract (app/api/contract.ts) and publishes
// engine events. Storage, time and randomness come from the host (EngineHost), so the same
// engine runs on image files, in memory, or on the seeded simulated disk.

import type { Clock, Random } from './base/clock';
import type { Disposable } from './base/emitter';
import { Emitter } from './base/emitter';
import { LvmscopeError } from './base/result';
import type { WorkspaceStorage } from './block/blockStore';
import type { EventName, MethodName, PayloadOf } from './api/contract';
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
  /** The workspace folder the UI shows and the recent ones (hosts with a UI provide it). */
  workspace?: () => { path: string; recent: string[] };
}

// TEMPORARY during the build-up of this session: methods declared in the contract whose engine
// parts are still being written answer UNSUPPORTED (never a fake result), and engine.info does
// not list them as capabilities. Each is replaced by its real handler as its part lands.
type PendingMethod = Exclude<MethodName, 'engine.info' | 'host.info' | 'workspace.listImages'>;
function notYetAvailable(names: PendingMethod[]): Pick<Handlers, PendingMethod> {
  const out: Record<string, () => Promise<never>> = {};
  for (const name of names) {
    out[name] = async () => {
      throw new LvmscopeError('UNSUPPORTED', `${name} is not available in this build yet.`);
    };
  }
  return out as unknown as Pick<Handlers, PendingMethod>;
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
      'host.info': async () => {
        if (!host.workspace) throw new LvmscopeError('UNSUPPORTED', `The ${host.kind} host shows no workspace; open one with a host that has a UI (lvmscope serve, or the desktop app).`);
        const { path, recent } = host.workspace();
        return { host: host.kind, workspacePath: path, recentWorkspaces: recent };
      },
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
      ...notYetAvailable([
        'workspace.open', 'workspace.createDemo', 'workspace.view', 'workspace.close', 'vg.backup', 'dm.list',
        'move.plan', 'move.start', 'move.resume', 'move.control', 'move.state',
        'workload.start', 'workload.stop', 'verify.run',
      ]),
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
