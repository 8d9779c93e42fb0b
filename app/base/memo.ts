// One small cache used where a lookup is asked again and again with few distinct keys (a PV's
// display name, asked once per segment area: 50,000 times for a 10,000-LV VG's view or report).

/** `compute` with each key's answer remembered for the life of the returned function. */
export function memoized<K, V>(compute: (key: K) => V): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key) as V;
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}
