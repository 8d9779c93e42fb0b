// The SVG patterns of the LV styles (palette.ts): every map, bar and diagram that fills by LV
// defines them once inside itself, under an id of its own (two SVGs never share an id).
import { memo, useId } from 'react';
import { LV_PATTERNS, type LvStyle } from '../geometry/palette';

const MARKS = [
  { key: 'w', colour: '#ffffff', opacity: 0.55 },
  { key: 'k', colour: '#000000', opacity: 0.35 },
] as const;

/** The id prefix of one SVG's patterns (useId's colons are not valid in url(#…)). */
export function usePatternPrefix(): string {
  return `lvp${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
}

/** The fill of `style`'s pattern overlay inside the SVG whose defs use `prefix`, or null for a plain fill. */
export function patternFill(prefix: string, style: LvStyle | undefined): string | null {
  if (!style || style.pattern === 'solid') return null;
  return `url(#${prefix}-${style.pattern}-${style.mark === '#ffffff' ? 'w' : 'k'})`;
}

/** Every pattern mark (diagonal, horizontal stripes, dots; in white and in black), as <defs> (memo: they depend on the prefix only). */
export const LvPatternDefs = memo(function LvPatternDefs({ prefix }: { prefix: string }) {
  return (
    <defs>
      {MARKS.flatMap((m) =>
        LV_PATTERNS.filter((p) => p !== 'solid').map((p) => (
          <pattern key={`${p}-${m.key}`} id={`${prefix}-${p}-${m.key}`} patternUnits="userSpaceOnUse" width={p === 'dots' ? 5 : 6} height={p === 'dots' ? 5 : 6} patternTransform={p === 'diagonal' ? 'rotate(45)' : undefined}>
            {p === 'diagonal' && <rect width={2.2} height={6} fill={m.colour} fillOpacity={m.opacity} />}
            {p === 'horizontal' && <rect width={6} height={2.2} fill={m.colour} fillOpacity={m.opacity} />}
            {p === 'dots' && <circle cx={2.5} cy={2.5} r={1.3} fill={m.colour} fillOpacity={m.opacity} />}
          </pattern>
        )),
      )}
    </defs>
  );
});
