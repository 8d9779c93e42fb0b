// bench/results/regions.md is written in two parts: the engine's figures (bench/regions.bench.ts)
// and the UI's (test/e2e/frameRate.test.ts with BENCH=1, which bench/ui.bench.ts runs). Each
// part replaces its own section, so either can be re-run alone.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REGIONS_RESULTS = path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'regions.md');

export function writeRegionsSection(name: 'engine' | 'ui', body: string): void {
  mkdirSync(path.dirname(REGIONS_RESULTS), { recursive: true });
  const head = '## Million-region mirrors (2,097,152 regions: a 1 TiB segment at 512 KiB regions)\n';
  let text = existsSync(REGIONS_RESULTS) ? readFileSync(REGIONS_RESULTS, 'utf8') : head;
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  // The engine's section first, the UI's after it, whichever is written first.
  text = re.test(text) ? text.replace(re, section) : name === 'engine' && text.includes('<!-- ui -->') ? text.replace('<!-- ui -->', `${section}\n\n<!-- ui -->`) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(REGIONS_RESULTS, text);
}
