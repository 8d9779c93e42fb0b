// Proves the ruler's PE numbers stay short on a PV of millions of extents (2M, not 2000000),
// and exact everywhere else.
import { describe, expect, it } from 'vitest';
import { rulerLabel } from '../../../renderer/views/ExtentRuler';

describe('the numbers under a PV ruler', () => {
  it('writes round millions as 2M or 1.5M and every other PE number in full', () => {
    expect(rulerLabel(0)).toBe('0');
    expect(rulerLabel(4095)).toBe('4095');
    expect(rulerLabel(500_000)).toBe('500000');
    expect(rulerLabel(2_000_000)).toBe('2M');
    expect(rulerLabel(1_500_000)).toBe('1.5M');
    expect(rulerLabel(2_000_001)).toBe('2000001');
  });
});
