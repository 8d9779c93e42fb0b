// Region runs as the API sends them: a range event applied to a run list gives the same runs
// as applying it region by region, and neighbours of one state merge.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../app/base/clock';
import { countIn, uniformRuns, withRange } from '../../../app/api/regionRuns';
import type { RegionRun } from '../../../app/api/views';

const STATES: RegionRun['state'][] = ['pending', 'copying', 'copied'];

function expand(runs: readonly RegionRun[]): string[] {
  return runs.flatMap((r) => Array.from({ length: r.count }, () => r.state));
}

describe('withRange', () => {
  it('gives the runs of applying the range region by region, merged, for random ranges', () => {
    const random = new SeededRandom(20);
    const n = 200;
    let runs = uniformRuns(n, 'pending');
    const model = expand(runs);
    for (let i = 0; i < 500; i++) {
      const start = random.int(n);
      const count = 1 + random.int(n - start);
      const state = STATES[random.int(3)];
      runs = withRange(runs, start, count, state);
      model.fill(state, start, start + count);
      expect(expand(runs)).toEqual(model);
      runs.forEach((r, j) => j > 0 && expect(r.state === runs[j - 1].state && runs[j - 1].start + runs[j - 1].count === r.start, `runs ${j - 1} and ${j} should have merged`).toBe(false));
    }
  });

  it('extends a copied prefix in place: a copy in order stays two runs', () => {
    let runs = uniformRuns(2_097_152, 'pending');
    for (let start = 0; start < 4096; start += 64) runs = withRange(withRange(runs, start, 64, 'copying'), start, 64, 'copied');
    expect(runs).toEqual([{ start: 0, count: 4096, state: 'copied' }, { start: 4096, count: 2_097_152 - 4096, state: 'pending' }]);
    expect(countIn(runs, 'copied')).toBe(4096);
  });
});
