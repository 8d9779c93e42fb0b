// Proves the Node EngineHost's real clock and randomness behave as the interfaces promise:
// time is monotonic and timers fire (or not, once cancelled); random numbers stay in range.

import { describe, expect, it } from 'vitest';
import { createNodeHost, cryptoRandom, defaultDemoWorkspace, nodeClock } from '../../main/host';

describe('the Node host', () => {
  it('runs timers after their delay and never after cancel', async () => {
    const start = nodeClock.now();
    const fired: string[] = [];
    nodeClock.setTimer(5, () => fired.push('kept'));
    nodeClock.setTimer(5, () => fired.push('cancelled')).cancel();
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toEqual(['kept']);
    expect(nodeClock.now()).toBeGreaterThanOrEqual(start + 5);
  });

  it('draws uniform floats in [0, 1) and integers in [0, n)', () => {
    for (let i = 0; i < 2000; i++) {
      const x = cryptoRandom.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = cryptoRandom.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
    }
  });

  it('exposes the workspace only when the host has one, and puts the demo under user data', () => {
    expect(createNodeHost({ kind: 'cli' }).workspace).toBeUndefined();
    expect(createNodeHost({ kind: 'browser', workspace: () => ({ path: '/w', recent: [] }) }).workspace?.()).toEqual({ path: '/w', recent: [] });
    expect(defaultDemoWorkspace('/home/u/.config/lvmscope')).toBe('/home/u/.config/lvmscope/demo-workspace');
  });

  it('names its process in workspace locks and gives wall-clock unix seconds', () => {
    const host = createNodeHost({ kind: 'browser', holderName: 'lvmscope serve' });
    // The lock file records the pid, host and time beside the name (main/node/fileStorage.ts).
    expect(host.holder).toBe('lvmscope serve');
    expect(createNodeHost({ kind: 'cli' }).holder).toBe('lvmscope cli');
    expect(Math.abs(host.unixTime!() - Date.now() / 1000)).toBeLessThan(2);
  });
});
