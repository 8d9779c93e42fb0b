// Proves the region grid's colours are never an LV's colour: every --region-* colour of both
// themes (styles.css) is far (in RGB distance) from every colour of LV_PALETTE, so a copied
// region never looks like "data of lv3"; and the diagram's legend names every state the animation
// paints (an export client's held write, issue 17, has its own colour and line).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LV_PALETTE } from '../../renderer/geometry/palette';
import { CLIENT_LEGEND } from '../../renderer/views/diagramParts';
import { GRID_LEGEND } from '../../renderer/views/MoveDiagram';

const css = readFileSync(path.join(__dirname, '../../renderer/styles.css'), 'utf8');
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const distance = (a: string, b: string) => Math.hypot(...rgb(a).map((x, i) => x - rgb(b)[i]));

describe('region grid colours', () => {
  it('are at least 80 apart (RGB) from every LV colour, in both themes', () => {
    const regionColours = [...css.matchAll(/--region-[a-z]+:\s*(#[0-9a-f]{6})/gi)].map((m) => m[1]);
    expect(regionColours.length).toBe(12);
    for (const region of regionColours) for (const lv of LV_PALETTE) expect(distance(region, lv), `${region} vs ${lv}`).toBeGreaterThanOrEqual(80);
  });

  it('each have a line in the legend', () => {
    const states = [...GRID_LEGEND, CLIENT_LEGEND].map((item) => item.state);
    expect(states).toEqual(['pending', 'copying', 'copied', 'held', 'landed', 'client']);
    for (const item of [...GRID_LEGEND, CLIENT_LEGEND]) expect(css).toContain(item.color.slice(4, -1));
  });
});
