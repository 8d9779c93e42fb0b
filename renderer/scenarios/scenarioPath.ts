// Where a scenario runs: a fresh folder of its own beside the host's workspace
// (`<workspace>/../lvmscope-scenario-<name>`), so a scenario never touches the images the
// user opened. The engine creates the folder if it is missing and replaces its images.

/** The parent folder of `path` (POSIX or Windows separators; a trailing separator is ignored). */
export function parentFolder(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (cut < 0) return '.';
  return cut === 0 ? trimmed.slice(0, 1) : trimmed.slice(0, cut);
}

export function scenarioFolder(workspacePath: string, name: string): string {
  const parent = parentFolder(workspacePath);
  const sep = parent.includes('\\') && !parent.includes('/') ? '\\' : '/';
  return `${parent.endsWith(sep) ? parent : parent + sep}lvmscope-scenario-${name}`;
}

/** The scenario speed factor from the page URL (`?scenarioSpeed=8`; tests use it), else 1. */
export function scenarioSpeedFrom(search: string): number {
  const value = Number(new URLSearchParams(search).get('scenarioSpeed'));
  return Number.isFinite(value) && value > 0 ? Math.min(value, 1000) : 1;
}
