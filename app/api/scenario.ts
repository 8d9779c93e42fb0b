// Scenarios (assets/scenarios/*.json): a demo workspace layout plus a script of actions with
// narration, for presentations (issue 7) and for `lvmscope demo --scenario NAME`. Validated
// against this schema when loaded; a bad file is refused with the path of the first problem.

import { z } from 'zod';

const Name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a scenario name is lower-case letters, digits and dashes');

export const ScenarioLayout = z.object({
  vg: z.string().min(1),
  extentSizeMiB: z.number().positive(),
  pvs: z.array(z.object({ image: z.string().min(1), sizeMiB: z.number().positive() })).min(1),
  lvs: z.array(z.object({ name: z.string().min(1), pieces: z.array(z.object({ extents: z.number().int().positive(), image: z.string().min(1) })).min(1) })),
}).strict();
export type ScenarioLayout = z.infer<typeof ScenarioLayout>;

export const ScenarioAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('narrate'), text: z.string().min(1), pauseMs: z.number().int().nonnegative().default(0) }).strict(),
  z.object({ action: z.literal('workload.start'), lv: z.string(), pattern: z.enum(['randwrite', 'seqwrite', 'randrw', 'randread']), blockSizeBytes: z.number().int().positive(), iops: z.number().positive() }).strict(),
  z.object({ action: z.literal('workload.stop') }).strict(),
  z.object({
    action: z.literal('move'),
    sources: z.array(z.string()).min(1),
    destinations: z.array(z.string()).default([]),
    lv: z.string().optional(),
    alloc: z.enum(['normal', 'contiguous', 'anywhere']).default('normal'),
    stepMode: z.boolean().default(false),
    regionSizeSectors: z.number().int().positive().optional(),
    stack: z.enum(['outline', 'lvm2']).default('outline'),
    maxSegmentSizeMiB: z.number().int().positive().optional(),
  }).strict(),
  /** Waits until the running move has copied this share of its data. */
  z.object({ action: z.literal('wait.percent'), percent: z.number().min(0).max(100) }).strict(),
  /**
   * Waits until the running move has finished the given step: its id (`copy-2`, `lv0/commit`),
   * or a number, the step's position among the steps of `lv` (the outline's 1..8).
   */
  z.object({ action: z.literal('wait.step'), step: z.union([z.number().int().min(1), z.string().min(1)]), lv: z.string().optional() }).strict(),
  z.object({ action: z.literal('wait.end') }).strict(),
  /** Waits until this many runs of the move are checkpointed (extents_moved) on disk. */
  z.object({ action: z.literal('wait.checkpoint'), count: z.number().int().positive() }).strict(),
  z.object({ action: z.literal('rate'), bytesPerSec: z.number().int().nonnegative() }).strict(),
  /** The process dies: nothing more is written, the workspace lock is released. */
  z.object({ action: z.literal('crash') }).strict(),
  z.object({ action: z.literal('reopen') }).strict(),
  z.object({ action: z.literal('resume') }).strict(),
  z.object({ action: z.literal('abort') }).strict(),
  z.object({ action: z.literal('verify'), lv: z.string() }).strict(),
  /** Fails the scenario unless the LV's segments are exactly these (`pv1:0-5`, …). */
  z.object({ action: z.literal('expect.layout'), lv: z.string(), segments: z.array(z.string()) }).strict(),
]);
export type ScenarioAction = z.infer<typeof ScenarioAction>;

export const Scenario = z.object({
  name: Name,
  title: z.string().min(1),
  description: z.string().min(1),
  layout: ScenarioLayout,
  /** The copy rate the scenario starts with (bytes/s, 0 = unlimited). */
  rateBytesPerSec: z.number().int().nonnegative().default(0),
  actions: z.array(ScenarioAction).min(1),
}).strict();
export type Scenario = z.infer<typeof Scenario>;

export const ScenarioSummary = z.object({ name: z.string(), title: z.string(), description: z.string() });
export type ScenarioSummary = z.infer<typeof ScenarioSummary>;

export const ScenarioStateView = z.object({
  name: z.string(),
  title: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  actionIndex: z.number().int(),
  actionCount: z.number().int(),
  /** The narration being shown now. */
  narration: z.string(),
  error: z.string().nullable(),
});
export type ScenarioStateView = z.infer<typeof ScenarioStateView>;
