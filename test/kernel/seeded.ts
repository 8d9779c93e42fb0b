// Seeded choices for the kill tests: the seed comes from SEED=<n> or is drawn at random, and the
// tests print it, so any run's kill points replay exactly.

/** The seed of this run: SEED from the environment, else a random one. */
export function runSeed(): number {
  return Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
}

/** mulberry32: a small seeded generator, so the kill points replay from the printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
