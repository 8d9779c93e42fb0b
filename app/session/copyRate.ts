// The copy speed of a move as the engine measures it: the copier's bytes over a sliding window
// of copy time only. Wall time would count a pause, a step-mode wait for Next and the metadata
// steps between copies as time spent copying at 0 B/s, so the speed would sag for seconds
// after each of them and the ETA grow; a rate change would be averaged with the old rate for
// the length of the window. Here the window's clock only runs while a copy is under way, and a
// rate change starts a new window, so the figures follow what the copier does now.
//
// The copier's byte count grows a chunk at a time (64 KiB regions, up to 512 KiB chunks: at a
// demo rate, one chunk every two seconds), so the speed is taken between the moments the count
// grew, not from an arbitrary sample, which would swing by a whole chunk per window; a stall
// (no chunk for twice the usual gap) lowers it as the copy time goes by.

/** How much copy time the speed is averaged over (at least; never fewer than MIN_CHUNKS chunks). */
export const RATE_WINDOW_MS = 3000;
/** The window keeps this many chunk completions, however long they took. */
const MIN_CHUNKS = 3;

interface Point {
  /** Copy time elapsed (ms) when the byte count grew. */
  copyMs: number;
  bytes: number;
}

export class CopyRateMeter {
  private points: Point[] = [];
  private copyMs = 0;
  private last: { t: number; copying: boolean; bytes: number } | null = null;

  /**
   * Adds a sample: the copier's `bytes` at time `t`, and whether a copy is under way from now
   * on. The time since the previous sample counts as copy time only if a copy was under way
   * then (a pause that starts now still counts the copying before it; a resume does not count
   * the pause before it).
   */
  sample(t: number, bytes: number, copying: boolean): void {
    if (this.last?.copying) this.copyMs += Math.max(0, t - this.last.t);
    // The first sample is only the base: a chunk landing after it ends the first measured gap.
    const grew = this.last !== null && bytes > this.last.bytes;
    this.last = { t, copying, bytes };
    if (!grew) return;
    this.points.push({ copyMs: this.copyMs, bytes });
    while (this.points.length > MIN_CHUNKS + 1 && this.copyMs - this.points[1].copyMs >= RATE_WINDOW_MS) this.points.shift();
  }

  /** Forgets the window (the rate limit changed): the next speed is measured at the new rate. */
  reset(): void {
    this.points = [];
  }

  /** Bytes per second of copy time over the window, or null until two chunks were seen in it. */
  bytesPerSec(): number | null {
    const first = this.points[0];
    const newest = this.points.at(-1)!;
    if (this.points.length < 2 || newest.copyMs <= first.copyMs) return null;
    const bytes = newest.bytes - first.bytes;
    const gapMs = (newest.copyMs - first.copyMs) / (this.points.length - 1);
    // No chunk for more than twice the usual gap: the copy slowed down; count the time since.
    const spanMs = this.copyMs - newest.copyMs > 2 * gapMs ? this.copyMs - first.copyMs : newest.copyMs - first.copyMs;
    return (bytes * 1000) / spanMs;
  }
}

/**
 * The time still needed to copy `remainingBytes`: at the measured speed, else at the rate limit
 * (right after a start or a rate change, before two chunks were measured); null when neither
 * says anything (unlimited and not measured yet).
 */
export function etaSeconds(remainingBytes: number, measured: number | null, rateLimitBytesPerSec: number): number | null {
  if (remainingBytes <= 0) return 0;
  const speed = measured !== null && measured > 0 ? measured : rateLimitBytesPerSec > 0 ? rateLimitBytesPerSec : null;
  return speed === null ? null : remainingBytes / speed;
}
