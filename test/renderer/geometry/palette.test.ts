// Proves the colour system: a label on any LV fill (every palette entry, plain or under its
// pattern's marks) has at least 4.5:1 contrast (WCAG AA); every text colour of both themes
// (styles.css) has 4.5:1 against every background of its theme; 34 LVs get 34 different
// styles and, past the 36 styles, two LVs that touch on a PV never share one; PVs have no
// colour at all (a PV name never gets a style).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blend, contrastRatio, labelColour, LV_PALETTE, LV_PATTERNS, lvStyles, relativeLuminance, swatchBackground, touchingLvs } from '../../../renderer/geometry/palette';

const css = readFileSync(path.join(__dirname, '../../../renderer/styles.css'), 'utf8');

/** The custom properties of one theme block of styles.css (`:root {` or `:root[data-theme='dark'] {`). */
function themeVariables(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));
}
const LIGHT = themeVariables(':root');
const DARK = { ...LIGHT, ...themeVariables(":root[data-theme='dark']") };

describe('WCAG contrast', () => {
  it('computes the ratios WCAG gives for black, white and a mid grey', () => {
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 6);
    expect(relativeLuminance('#000000')).toBe(0);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#ffffff', '#767676')).toBeCloseTo(contrastRatio('#767676', '#ffffff'), 9);
  });

  it('picks a label colour with at least 4.5:1 on every LV colour (5.5:1 in fact: none is a dim mid-tone)', () => {
    for (const fill of LV_PALETTE) expect(contrastRatio(labelColour(fill), fill), fill).toBeGreaterThanOrEqual(5.5);
  });

  it('keeps 4.5:1 for a label on the marks of every pattern, in either theme', () => {
    // The marks are white at 55% or black at 35% over the fill, always away from the label.
    for (const style of lvStyles(Array.from({ length: 36 }, (_, i) => `lv${i}`)).values()) {
      const onMark = blend(style.mark, style.fill, style.mark === '#ffffff' ? 0.55 : 0.35);
      expect(contrastRatio(style.label, onMark), `${style.fill} ${style.pattern}`).toBeGreaterThanOrEqual(contrastRatio(style.label, style.fill));
      expect(contrastRatio(style.label, onMark)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it.each([
    ['light', LIGHT],
    ['dark', DARK],
  ])('gives every text colour of the %s theme 4.5:1 on its backgrounds', (_theme, vars) => {
    const texts = ['fg', 'muted', 'accent', 'ok', 'bad', 'warn'];
    const grounds = ['bg', 'panel', 'box'];
    const low = texts.flatMap((t) => grounds.map((g) => [`--${t} on --${g}`, contrastRatio(vars[t], vars[g])] as const)).filter(([, ratio]) => ratio < 4.5);
    expect(low).toEqual([]);
    expect(contrastRatio(vars['on-accent'], vars.accent)).toBeGreaterThanOrEqual(4.5);
  });
});

describe('LV styles', () => {
  it('give 34 LVs 34 different styles, neighbours in metadata order never the same colour', () => {
    const names = Array.from({ length: 34 }, (_, i) => `lv${i}`);
    const styles = lvStyles(names);
    expect(new Set([...styles.values()].map((s) => `${s.fill}/${s.pattern}`)).size).toBe(34);
    names.slice(1).forEach((name, i) => expect(styles.get(name)!.fill).not.toBe(styles.get(names[i])!.fill));
    expect(LV_PALETTE.length * LV_PATTERNS.length).toBeGreaterThanOrEqual(34);
  });

  it('never give two LVs that touch on a PV the same style, even past 36 LVs', () => {
    const names = Array.from({ length: 80 }, (_, i) => `lv${i}`);
    // lv0 and lv36 (same default style) touch, and so do lv37 and lv1, lv38 and lv2 ...
    const runs = names.flatMap((n, i) => (i < 36 && i + 36 < 80 ? [{ lv: n }, { lv: names[i + 36] }, { lv: null }] : []));
    const touching = touchingLvs([{ runs }]);
    expect([...touching.get('lv0')!]).toEqual(['lv36']);
    const styles = lvStyles(names, touching);
    const key = (n: string) => `${styles.get(n)!.fill}/${styles.get(n)!.pattern}`;
    for (const [a, others] of touching) for (const b of others) expect(key(a), `${a} touches ${b}`).not.toBe(key(b));
  });

  it('are stable: an LV keeps its style when a later LV is added', () => {
    const before = lvStyles(['lv0', 'lv1', 'lv2']);
    const after = lvStyles(['lv0', 'lv1', 'lv2', 'lv3']);
    for (const name of ['lv0', 'lv1', 'lv2']) expect(after.get(name)).toEqual(before.get(name));
  });

  it('draw the legend swatch with the pattern of the maps', () => {
    const styles = lvStyles(Array.from({ length: 36 }, (_, i) => `lv${i}`));
    expect(swatchBackground(styles.get('lv0')!)).toBe(LV_PALETTE[0]);
    expect(swatchBackground(styles.get('lv9')!)).toMatch(/^repeating-linear-gradient\(45deg/);
    expect(swatchBackground(styles.get('lv18')!)).toMatch(/^repeating-linear-gradient\(0deg/);
    expect(swatchBackground(styles.get('lv27')!)).toMatch(/^radial-gradient/);
  });
});
