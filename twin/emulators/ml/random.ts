// A small seeded random source (sfc32, seeded through splitmix32) so that the synthetic data, the
// data split, the weight initialisation and the mini-batch order are the same on every run with the
// same seed. Math.random is never used by the ML library.

/** A deterministic stream of random numbers. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** True with probability p. */
  bernoulli(p: number): boolean;
  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T;
}

/** A Random seeded by an integer (any safe integer; the same seed gives the same stream). */
export function seededRandom(seed: number): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  // splitmix32 spreads the seed over the four words of sfc32's state.
  let s = (seed ^ Math.floor(seed / 0x100000000)) >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 0x100000000;
  };
  for (let i = 0; i < 12; i++) next();
  const random: Random = {
    next,
    normal() {
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    bernoulli: (p) => next() < p,
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
  };
  return random;
}
