// Proves the terminal progress line shows the engine's measured speed, and says "paused"
// for a paused move instead of a speed of 0 (issue 16: paused = no speed).
import { describe, expect, it } from 'vitest';
import { speedText } from '../../../main/cli/progress';

describe('the progress line', () => {
  it('shows the measured speed in MiB/s, and "paused" while the move is paused', () => {
    expect(speedText({ bytesPerSec: 3 * 1024 * 1024, paused: false })).toBe('3.0 MiB/s');
    expect(speedText({ bytesPerSec: 0, paused: false })).toBe('0.0 MiB/s');
    expect(speedText({ bytesPerSec: 0, paused: true })).toBe('paused');
  });
});
