// Proves memoized(): each key is computed once, an undefined answer included, keys apart.
import { describe, expect, it } from 'vitest';
import { memoized } from '../../../app/base/memo';

describe('memoized', () => {
  it('computes each key once, an undefined answer too, and keeps keys apart', () => {
    const asked: string[] = [];
    const lookup = memoized((key: string) => (asked.push(key), key === 'gone' ? undefined : key.toUpperCase()));
    expect([lookup('pv1'), lookup('pv2'), lookup('pv1'), lookup('gone'), lookup('gone')]).toEqual(['PV1', 'PV2', 'PV1', undefined, undefined]);
    expect(asked).toEqual(['pv1', 'pv2', 'gone']);
  });
});
