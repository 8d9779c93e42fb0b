// The one colour system of the maps, bars and diagrams: every LV has a style (a fill colour and
// a pattern), PVs have none (they are named by their label and their row, never by a colour),
// and the region grid keeps its own greys and violets (styles.css --region-*). A label drawn on
// an LV's fill takes the text colour with the larger WCAG contrast against that fill.

/**
 * Tableau 10 without its grey (grey reads as free space), its blue darkened and its brown
 * lightened: as printed both sit where neither black nor white labels reach 5:1 (4.6 at
 * best), so labels on them looked dim. 9 hues, and with 4 patterns 36 LVs get a style of
 * their own; beyond that two LVs that touch on a PV never share one.
 */
export const LV_PALETTE = ['#37659a', '#f28e2c', '#59a14f', '#e15759', '#76b7b2', '#edc949', '#af7aa1', '#ff9da7', '#b08a72'] as const;

/** The second dimension once the hues repeat: plain, diagonal stripes, horizontal stripes, dots. */
export const LV_PATTERNS = ['solid', 'diagonal', 'horizontal', 'dots'] as const;
export type LvPattern = (typeof LV_PATTERNS)[number];

export interface LvStyle {
  fill: string;
  pattern: LvPattern;
  /** The text colour for a label on this fill (black or white, whichever contrasts more). */
  label: string;
  /** The colour of the pattern's marks: away from the label's, so a label on them only gains contrast. */
  mark: string;
}

const BLACK = '#000000';
const WHITE = '#ffffff';

/** WCAG 2.x relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The text colour (black or white) with the larger contrast against `fill`: never under 4.58:1. */
export function labelColour(fill: string): string {
  return contrastRatio(fill, BLACK) >= contrastRatio(fill, WHITE) ? BLACK : WHITE;
}

/** `fill` seen through `opacity` over `background` (both #rrggbb): what a label on it really sits on. */
export function blend(fill: string, background: string, opacity: number): string {
  const channel = (hex: string, i: number) => parseInt(hex.slice(i, i + 2), 16);
  return `#${[1, 3, 5].map((i) => Math.round(channel(fill, i) * opacity + channel(background, i) * (1 - opacity)).toString(16).padStart(2, '0')).join('')}`;
}

function styleAt(index: number): LvStyle {
  const fill = LV_PALETTE[index % LV_PALETTE.length];
  const pattern = LV_PATTERNS[Math.floor(index / LV_PALETTE.length) % LV_PATTERNS.length];
  const label = labelColour(fill);
  return { fill, pattern, label, mark: label === BLACK ? WHITE : BLACK };
}

const STYLE_COUNT = LV_PALETTE.length * LV_PATTERNS.length;

/**
 * A stable style per LV, in the order given (metadata order): the n-th LV takes hue n mod 9
 * and the next pattern each time the hues wrap, so up to 36 LVs no two share a style. Past
 * that, an LV whose style a neighbour (`touching`: LVs whose runs meet on a PV) already has
 * takes the next style no neighbour has.
 */
export function lvStyles(names: readonly string[], touching: ReadonlyMap<string, ReadonlySet<string>> = new Map()): Map<string, LvStyle> {
  const chosen = new Map<string, number>();
  names.forEach((name, i) => {
    const taken = new Set([...(touching.get(name) ?? [])].map((n) => chosen.get(n)).filter((s): s is number => s !== undefined));
    let style = i % STYLE_COUNT;
    for (let k = 0; k < STYLE_COUNT && taken.has(style); k += 1) style = (style + 1) % STYLE_COUNT;
    chosen.set(name, style);
  });
  return new Map([...chosen].map(([name, style]) => [name, styleAt(style)]));
}

/** Which LVs touch which on the PVs: two runs of different LVs next to each other. */
export function touchingLvs(pvs: readonly { runs: readonly { lv: string | null }[] }[]): Map<string, Set<string>> {
  const touching = new Map<string, Set<string>>();
  const link = (a: string, b: string) => touching.set(a, (touching.get(a) ?? new Set()).add(b));
  for (const pv of pvs)
    pv.runs.forEach((run, i) => {
      const next = pv.runs[i + 1];
      if (run.lv && next?.lv && next.lv !== run.lv) {
        link(run.lv, next.lv);
        link(next.lv, run.lv);
      }
    });
  return touching;
}

/** An HTML swatch's CSS background for `style` (the same marks as the SVG patterns). */
export function swatchBackground(style: LvStyle): string {
  const mark = style.mark === WHITE ? 'rgb(255 255 255 / 55%)' : 'rgb(0 0 0 / 35%)';
  switch (style.pattern) {
    case 'solid':
      return style.fill;
    case 'diagonal':
      return `repeating-linear-gradient(45deg, ${mark} 0 2px, transparent 2px 5px), ${style.fill}`;
    case 'horizontal':
      return `repeating-linear-gradient(0deg, ${mark} 0 2px, transparent 2px 5px), ${style.fill}`;
    case 'dots':
      return `radial-gradient(${mark} 1.2px, transparent 1.6px) 0 0 / 4px 4px, ${style.fill}`;
  }
}
