// Time and randomness reach the engine only through these interfaces, so the whole engine
// can run on a simulated disk under one seed (TigerBeetle's simulator habit). Hosts in
// `main/` provide real implementations; tests provide deterministic ones.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since an arbitrary origin; monotonic. */
  now(): number;
  /** Runs `callback` after `ms` milliseconds (0 = as soon as possible, after the current task). */
  setTimer(ms: number, callback: () => void): Timer;
}

export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** sleep on a Clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, resolve));
}

/** A small, fast, seeded PRNG (mulberry32), for the simulator and the workload generator. */
export class SeededRandom implements Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
