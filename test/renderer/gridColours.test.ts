// Proves the region grid's colours are never a PV's colour: every --region-* colour of both
// themes (styles.css) is far (in RGB distance) from every colour of PV_PALETTE, so a copied
// region never looks like "on pv3"; and the diagram's legend names every state the animation
// paints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PV_PALETTE } from '../../renderer/geometry/extentMap';
import { GRID_LEGEND } from '../../renderer/views/MoveDiagram';

const css = readFileSync(path.join(__dirname, '../../renderer/styles.css'), 'utf8');
const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const distance = (a: string, b: string) => Math.hypot(...rgb(a).map((x, i) => x - rgb(b)[i]));

describe('region grid colours', () => {
  it('are at least 80 apart (RGB) from every PV colour, in both themes', () => {
    const regionColours = [...css.matchAll(/--region-[a-z]+:\s*(#[0-9a-f]{6})/gi)].map((m) => m[1]);
    expect(regionColours.length).toBe(10);
    for (const region of regionColours) for (const pv of PV_PALETTE) expect(distance(region, pv), `${region} vs ${pv}`).toBeGreaterThanOrEqual(80);
  });

  it('each have a line in the legend', () => {
    const states = GRID_LEGEND.map((item) => item.state);
    expect(states).toEqual(['pending', 'copying', 'copied', 'held', 'landed']);
    for (const item of GRID_LEGEND) expect(css).toContain(item.color.slice(4, -1));
  });
});
