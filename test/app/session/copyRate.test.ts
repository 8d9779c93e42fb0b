// Proves that the copy speed is measured over copy time only, between the moments the copier's
// byte count grew: a pause or a wait for Next adds no time to the window (so the speed right
// after it is the speed before it), a rate change starts a new window (so the speed is the new
// rate's at once, not an average with the old), a stall lowers the speed as time goes by, and
// the ETA falls back to the rate limit until two chunks were measured.
import { describe, expect, it } from 'vitest';
import { CopyRateMeter, etaSeconds, RATE_WINDOW_MS } from '../../../app/session/copyRate';

const CHUNK = 64 * 1024;

/** Samples every 100 ms for `ms`; a chunk lands every `chunkMs` while `copying`. */
function run(meter: CopyRateMeter, from: { t: number; bytes: number }, ms: number, chunkMs: number | null, copying = true): { t: number; bytes: number } {
  let { t, bytes } = from;
  for (let i = 0; i < ms / 100; i += 1) {
    t += 100;
    if (copying && chunkMs !== null && t % chunkMs === 0) bytes += CHUNK;
    meter.sample(t, bytes, copying);
  }
  return { t, bytes };
}

describe('CopyRateMeter', () => {
  it('measures the copy speed between chunks, and nothing before two were seen', () => {
    const meter = new CopyRateMeter();
    meter.sample(0, 0, true);
    expect(meter.bytesPerSec()).toBeNull();
    run(meter, { t: 0, bytes: 0 }, 1000, 500);
    expect(meter.bytesPerSec()).toBeCloseTo(CHUNK * 2);
  });

  it('stays steady between chunks that land every two seconds', () => {
    const meter = new CopyRateMeter();
    meter.sample(0, 0, true);
    let at = run(meter, { t: 0, bytes: 0 }, 6000, 2000);
    for (let i = 0; i < 19; i += 1) {
      at = run(meter, at, 100, 2000);
      expect(meter.bytesPerSec()).toBeCloseTo(CHUNK / 2);
    }
  });

  it('does not count a pause of ten seconds: the speed after it is the speed before it', () => {
    const meter = new CopyRateMeter();
    meter.sample(0, 0, true);
    let at = run(meter, { t: 0, bytes: 0 }, 2000, 200);
    meter.sample(at.t, at.bytes, false);
    at = run(meter, at, 10_000, null, false);
    // Resume measures at once (move.control publishes), so the copy time restarts from here.
    meter.sample(at.t, at.bytes, true);
    run(meter, at, 600, 200);
    expect(meter.bytesPerSec()).toBeCloseTo(CHUNK * 5);
  });

  it('does not count a wait for Next between two copies', () => {
    const meter = new CopyRateMeter();
    meter.sample(0, 0, true);
    let at = run(meter, { t: 0, bytes: 0 }, 1000, 200);
    meter.sample(at.t, at.bytes, false);
    at = run(meter, at, 30_000, null, false);
    meter.sample(at.t, at.bytes, true);
    run(meter, at, 1000, 200);
    expect(meter.bytesPerSec()).toBeCloseTo(CHUNK * 5);
  });

  it('shows a new rate as soon as two chunks were copied at it, not an average with the old one', () => {
    const meter = new CopyRateMeter();
    meter.sample(0, 0, true);
    const at = run(meter, { t: 0, bytes: 0 }, RATE_WINDOW_MS, 100);
    meter.reset();
    expect(meter.bytesPerSec()).toBeNull();
    run(meter, at, 1000, 500);
    expect(meter.bytesPerSec()).toBeCloseTo(CHUNK * 2);
  });

  it('lowers the speed when the chunks stop coming while a copy is under way', () => {
    const meter = new CopyRateMeter();
    meter.sample(0, 0, true);
    const at = run(meter, { t: 0, bytes: 0 }, 2000, 500);
    const before = meter.bytesPerSec()!;
    run(meter, at, 4000, null);
    expect(meter.bytesPerSec()).toBeLessThan(before / 2);
  });
});

describe('etaSeconds', () => {
  it('is the remaining bytes at the measured speed, else at the rate limit, else unknown', () => {
    expect(etaSeconds(1_000_000, 250_000, 100_000)).toBe(4);
    expect(etaSeconds(1_000_000, null, 100_000)).toBe(10);
    expect(etaSeconds(1_000_000, null, 0)).toBeNull();
    expect(etaSeconds(0, null, 0)).toBe(0);
  });
});
