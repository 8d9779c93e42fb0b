// Proves the animator's reduced-motion path: with prefers-reduced-motion every moving part is
// still (a copying region solid, the ring of a waiting write at rest, a landing write's flash
// whole and its strokes drawn to both legs from its first frame to its last), while without it
// they pulse, breathe, fade and travel; the moments themselves last as long either way.
import { describe, expect, it } from 'vitest';
import { heldPhase, MIN_MOMENT_MS, motionAt } from '../../../renderer/animation/regionAnimator';

describe('the motion of the region grid', () => {
  it('is still with reduced motion: the same picture at every instant of a moment', () => {
    const frames = [0, 37, 120, 500, 1234, 9999].flatMap((now) => [0, 0.3, 0.99].map((t) => motionAt(now, t, true)));
    expect(new Set(frames.map((m) => JSON.stringify(m))).size).toBe(1);
    expect(frames[0]).toEqual({ pulse: 1, ring: 1, flash: 1, reach: 1 });
  });

  it('moves without it: the copying region pulses, the ring breathes, the landing fades and travels', () => {
    expect(new Set([0, 100, 200, 300].map((now) => motionAt(now, 0, false).pulse.toFixed(3))).size).toBeGreaterThan(1);
    expect(new Set([0, 100, 200, 300].map((now) => motionAt(now, 0, false).ring.toFixed(3))).size).toBeGreaterThan(1);
    expect(motionAt(0, 0, false).flash).toBe(1);
    expect(motionAt(0, 0.9, false).flash).toBeCloseTo(0.1);
    expect(motionAt(0, 0.1, false).reach).toBeCloseTo(0.2);
  });

  it('keeps every moment on screen at least MIN_MOMENT_MS with or without motion (the timing is not the motion)', () => {
    const w = { seenMs: 0, releasedMs: 0, landedMs: 0 };
    expect(heldPhase(w, MIN_MOMENT_MS - 1).phase).toBe('held');
    expect(heldPhase(w, 2 * MIN_MOMENT_MS - 1).phase).toBe('copied');
    expect(heldPhase(w, 2 * MIN_MOMENT_MS).phase).toBe('landing');
  });
});
