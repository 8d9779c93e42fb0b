// Proves the frame layout: the diagram is scaled to fit between the header and the caption
// band, centred, never overlapping either; a 1920×1080 frame is the 1280×720 one scaled by
// 1.5; without captions the diagram gets the band's room; the clock and figures line read
// like the diagram panel.
import { describe, expect, it } from 'vitest';
import { clockText, figuresText, frameLayout } from '../../../renderer/export/frameLayout';
import { createAppStore } from '../../../renderer/store';

describe('the video frame layout', () => {
  it('fits the diagram between the header and the caption band, centred', () => {
    const l = frameLayout(1280, 720, { width: 1000, height: 400 }, true);
    const bottom = l.diagram.y + 400 * l.diagram.scale;
    expect(l.diagram.y).toBeGreaterThanOrEqual(l.figures.y);
    expect(bottom).toBeLessThanOrEqual(l.caption!.y);
    expect(l.diagram.x).toBeCloseTo((1280 - 1000 * l.diagram.scale) / 2);
    expect(l.caption).toMatchObject({ lines: 3, y: 720 - l.caption!.height });
  });

  it('scales everything by 1.5 at 1920×1080', () => {
    const small = frameLayout(1280, 720, { width: 1000, height: 400 }, true);
    const big = frameLayout(1920, 1080, { width: 1000, height: 400 }, true);
    expect(big.title.font).toBeCloseTo(small.title.font * 1.5);
    expect(big.diagram.scale).toBeCloseTo(small.diagram.scale * 1.5);
    expect(big.caption!.height).toBeCloseTo(small.caption!.height * 1.5);
  });

  it('gives a tall diagram the caption band’s room when no captions are burned in', () => {
    const withBand = frameLayout(1280, 720, { width: 600, height: 700 }, true);
    const without = frameLayout(1280, 720, { width: 600, height: 700 }, false);
    expect(without.caption).toBeNull();
    expect(without.diagram.scale).toBeGreaterThan(withBand.diagram.scale);
  });

  it('writes the clock as m:ss.s and the figures as the panel shows them', () => {
    expect(clockText(0)).toBe('0:00.0');
    expect(clockText(7_549)).toBe('0:07.5');
    expect(clockText(61_000)).toBe('1:01.0');
    expect(figuresText(createAppStore().getState(), 1500)).toBe('0:01.5');
  });
});
