// IPC channel names, shared by the main process and the preload (kept tiny so the preload
// bundle stays small): `lvmscope:<method>` for calls, `lvmscope:event` for event batches.
import { CHANNEL_PREFIX } from '../../app/api/wire';

export const EVENT_CHANNEL = `${CHANNEL_PREFIX}event`;

export function methodChannel(method: string): string {
  return `${CHANNEL_PREFIX}${method}`;
}

/** One coalesced batch of events of one kind, oldest first. */
export interface EventBatch {
  name: string;
  payloads: unknown[];
}
