// Sizes as LVM2's reports print them (lib/display/display.c): `--units h` (the default) picks
// the largest binary unit the size reaches and prints two decimals, with `<` in front when
// rounding went up (a 17403 KiB PV shows `<17.00m`); b and s print whole bytes / sectors with
// an upper-case suffix; k, m, g, t print two decimals with no `<`. `--nosuffix` drops the unit.

export type ReportUnit = 'h' | 'b' | 's' | 'k' | 'm' | 'g' | 't';
export const REPORT_UNITS: ReportUnit[] = ['h', 'b', 's', 'k', 'm', 'g', 't'];

const POWERS: Record<'k' | 'm' | 'g' | 't' | 'p' | 'e', number> = { k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };

export function formatSize(bytes: number, unit: ReportUnit, nosuffix = false): string {
  if (unit === 'b') return `${bytes}${nosuffix ? '' : 'B'}`;
  if (unit === 's') return `${Math.floor(bytes / 512)}${nosuffix ? '' : 'S'}`;
  if (unit === 'h') return humanSize(bytes, nosuffix);
  const value = bytes / 1024 ** POWERS[unit];
  return `${value.toFixed(2)}${nosuffix ? '' : unit}`;
}

function humanSize(bytes: number, nosuffix: boolean): string {
  if (bytes === 0) return nosuffix ? '0' : '0 ';
  let suffix: keyof typeof POWERS | '' = '';
  for (const s of ['e', 'p', 't', 'g', 'm', 'k'] as const) {
    if (bytes >= 1024 ** POWERS[s]) {
      suffix = s;
      break;
    }
  }
  if (!suffix) return `${bytes.toFixed(2)}${nosuffix ? '' : 'B'}`;
  const value = bytes / 1024 ** POWERS[suffix];
  const shown = value.toFixed(2);
  const roundedUp = Number(shown) > value;
  return `${roundedUp ? '<' : ''}${shown}${nosuffix ? '' : suffix}`;
}
