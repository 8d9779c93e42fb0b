// The engine's API, declared once (VS Code's ProxyChannel habit): every method with the
// runtime schema of its params and result, every event with the schema of its payload and its
// coalescing policy. Hosts register all of it generically (server.ts); the renderer gets a
// typed client (client.ts). Adding a capability = adding an entry here and a handler in
// engine.ts; the compiler then demands it everywhere it matters.

import { z } from 'zod';
import type { CoalescePolicy } from './coalesce';

interface MethodSpec<P extends z.ZodType, R extends z.ZodType> {
  params: P;
  result: R;
  /** One sentence for tooltips, `--help` and docs. */
  doc: string;
}
interface EventSpec<P extends z.ZodType> {
  payload: P;
  coalesce: CoalescePolicy;
  doc: string;
}
const method = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R, doc: string): MethodSpec<P, R> => ({ params, result, doc });
const event = <P extends z.ZodType>(payload: P, coalesce: CoalescePolicy, doc: string): EventSpec<P> => ({ payload, coalesce, doc });

const NoParams = z.object({}).strict();
/** A workspace is a folder of image files, named by its path on the host. */
const WorkspacePath = z.string().min(1, 'a workspace path is required').max(4096);

export const EngineInfo = z.object({
  name: z.literal('lvmscope'),
  version: z.string(),
  /** Which host serves this engine: electron, browser (serve) or cli. */
  host: z.enum(['electron', 'browser', 'cli', 'test']),
  /** What the engine can do today; grows with each capability (no faked capabilities). */
  capabilities: z.array(z.string()),
});
export type EngineInfo = z.infer<typeof EngineInfo>;

export const ImageFile = z.object({
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
});
export type ImageFile = z.infer<typeof ImageFile>;

export const LogEvent = z.object({
  timeMs: z.number(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  source: z.string(),
  message: z.string(),
});
export type LogEvent = z.infer<typeof LogEvent>;

export const methods = {
  'engine.info': method(NoParams, EngineInfo, 'What this engine is and what it can do.'),
  'workspace.listImages': method(
    z.object({ path: WorkspacePath }).strict(),
    z.object({ path: z.string(), images: z.array(ImageFile) }),
    'List the image files in a workspace folder.',
  ),
} as const;

export const events = {
  log: event(LogEvent, { mode: 'all' }, 'A line of the engine event log.'),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type PayloadOf<E extends EventName> = z.output<Events[E]['payload']>;

/** The channel list the Electron preload and the IPC registration are built from. */
export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
