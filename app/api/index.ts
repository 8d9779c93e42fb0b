// The contract between the engine and its hosts / the renderer. The renderer may import
// only from here (DESIGN §2).
export * from './contract';
export * from './wire';
export * from './client';
export type { CoalescePolicy } from './coalesce';
