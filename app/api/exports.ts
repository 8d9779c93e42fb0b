// Exports: LVs that real programs use while lvmscope moves them (issue 17). A host serves them
// over a transport the engine knows nothing about (NBD on a Unix socket or 127.0.0.1, in
// main/); the engine sees only LV ports opened by named clients, counts their IO apart from the
// built-in workload, and publishes this view so every window can list who is connected.

import { z } from 'zod';

/** One connected client of one exported LV, with its live counters. */
export const ExportClientView = z.object({
  /** Unique within the engine's life. */
  id: z.number().int().nonnegative(),
  /** Where it connected from, as the host says it ("unix:/run/x.sock #3", "127.0.0.1:50514"). */
  address: z.string(),
  /** Engine clock (ms) when it connected. */
  sinceMs: z.number(),
  reads: z.number().int().nonnegative(),
  writes: z.number().int().nonnegative(),
  bytesRead: z.number().nonnegative(),
  bytesWritten: z.number().nonnegative(),
  flushes: z.number().int().nonnegative(),
  trims: z.number().int().nonnegative(),
  /** Its writes that a mirror held until their region was copied. */
  interceptedWrites: z.number().int().nonnegative(),
  /** Requests received and not answered yet (held behind a suspend, for example). */
  inFlight: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
});
export type ExportClientView = z.infer<typeof ExportClientView>;

export const ExportView = z.object({
  /** The export name a client asks for: `vg/lv`. */
  name: z.string(),
  vg: z.string(),
  lv: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  clients: z.array(ExportClientView),
});
export type ExportView = z.infer<typeof ExportView>;

export const ExportsView = z.object({
  /** Where the host listens, e.g. "unix:/tmp/lvmscope.sock" or "127.0.0.1:10809"; null when nothing is served. */
  listening: z.string().nullable(),
  exports: z.array(ExportView),
});
export type ExportsView = z.infer<typeof ExportsView>;
