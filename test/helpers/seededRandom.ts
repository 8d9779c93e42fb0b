// A small seeded generator for fuzzers (mulberry32): the same seed gives the same sequence on
// every machine, so a failing run is replayed with SEED=<n>.

export function randomSource(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
    bytes: (n: number) => Uint8Array.from({ length: n }, () => int(256)),
  };
}

export type RandomSource = ReturnType<typeof randomSource>;
