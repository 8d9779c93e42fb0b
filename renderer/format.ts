// Human-readable sizes for the UI (binary units, as LVM2 prints them).
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(sizeBytes: number): string {
  let value = sizeBytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** `20 s`, `3 min 5 s`, `1 h 2 min`: durations for ETAs and estimates. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A log time: wall-clock `HH:MM:SS.mmm` for epoch milliseconds, else seconds since start. */
export function formatLogTime(timeMs: number): string {
  if (timeMs > 1e12) {
    const d = new Date(timeMs);
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  }
  return `${(timeMs / 1000).toFixed(3)} s`;
}

/** What a crash now would cost a move, for people: `a crash now re-copies 12.0 MiB`. */
export function crashCostText(bytes: number): string {
  return bytes > 0 ? `a crash now re-copies ${formatBytes(bytes)}` : 'a crash now re-copies nothing';
}
