// Arrow-key movement through a list of items (a menu, a listbox), as WAI-ARIA's APG patterns
// describe it: ↓ / ↑ to the next / previous item (wrapping around), Home / End to the ends.
// Pure, so the Move to… menu and presentation mode's picker share one tested rule.

/** The index focus moves to after `key` from `current` (-1: none focused) in a list of `length`; null when the key does not move. */
export function menuIndexAfter(key: string, current: number, length: number): number | null {
  if (length === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return current < 0 ? 0 : (current + 1) % length;
    case 'ArrowUp':
      return current < 0 ? length - 1 : (current - 1 + length) % length;
    case 'Home':
      return 0;
    case 'End':
      return length - 1;
    default:
      return null;
  }
}
