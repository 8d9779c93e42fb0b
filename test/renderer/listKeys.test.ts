// Proves the arrow keys of the Move to… menu and the presentation picker: ↓ / ↑ move and wrap
// around, Home / End go to the ends, the first ↓ with nothing focused lands on the first item,
// and other keys (Enter, letters) or an empty list move nothing.
import { describe, expect, it } from 'vitest';
import { menuIndexAfter } from '../../renderer/listKeys';

describe('menu keys', () => {
  it('move down and up, wrapping at the ends', () => {
    expect([menuIndexAfter('ArrowDown', 0, 3), menuIndexAfter('ArrowDown', 2, 3), menuIndexAfter('ArrowUp', 0, 3), menuIndexAfter('ArrowUp', 2, 3)]).toEqual([1, 0, 2, 1]);
  });

  it('go to the first and last item with Home and End, and start from the ends when nothing is focused', () => {
    expect([menuIndexAfter('Home', 2, 3), menuIndexAfter('End', 0, 3), menuIndexAfter('ArrowDown', -1, 3), menuIndexAfter('ArrowUp', -1, 3)]).toEqual([0, 2, 0, 2]);
  });

  it('leave other keys and empty lists alone', () => {
    expect([menuIndexAfter('Enter', 1, 3), menuIndexAfter('x', 1, 3), menuIndexAfter('ArrowDown', -1, 0)]).toEqual([null, null, null]);
  });
});
