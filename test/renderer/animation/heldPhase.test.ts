// Proves the animation-side hold of a held write: however fast the engine goes (intercepted,
// released and landed in the same millisecond), the write is drawn held for MIN_MOMENT_MS,
// then its region copied for MIN_MOMENT_MS, then landing on both legs, then gone; a write
// still held stays held (until a minute passes without its release).
import { describe, expect, it } from 'vitest';
import { heldPhase, MIN_MOMENT_MS } from '../../../renderer/animation/regionAnimator';

describe('the moments of a held write on screen', () => {
  it('each last at least MIN_MOMENT_MS even when the engine went through them at once', () => {
    const w = { seenMs: 1000, releasedMs: 1000, landedMs: 1000 };
    expect(heldPhase(w, 1000).phase).toBe('held');
    expect(heldPhase(w, 1000 + MIN_MOMENT_MS - 1).phase).toBe('held');
    expect(heldPhase(w, 1000 + MIN_MOMENT_MS).phase).toBe('copied');
    expect(heldPhase(w, 1000 + 2 * MIN_MOMENT_MS - 1).phase).toBe('copied');
    expect(heldPhase(w, 1000 + 2 * MIN_MOMENT_MS).phase).toBe('landing');
    expect(heldPhase(w, 1000 + 2 * MIN_MOMENT_MS + 5000).phase).toBe('gone');
    expect(MIN_MOMENT_MS).toBeGreaterThanOrEqual(500);
  });

  it('follow the engine when it is slower: held until released, copied until landed', () => {
    expect(heldPhase({ seenMs: 0, releasedMs: null, landedMs: null }, 30_000).phase).toBe('held');
    expect(heldPhase({ seenMs: 0, releasedMs: 5000, landedMs: null }, 5000).phase).toBe('copied');
    expect(heldPhase({ seenMs: 0, releasedMs: 5000, landedMs: null }, 9000).phase).toBe('copied');
    expect(heldPhase({ seenMs: 0, releasedMs: 5000, landedMs: 9000 }, 9000).phase).toBe('landing');
    expect(heldPhase({ seenMs: 0, releasedMs: null, landedMs: null }, 61_000).phase).toBe('gone');
  });
});
