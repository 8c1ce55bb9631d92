// A seeded pseudo-random generator for the simulator (xoshiro128**, seeded by splitmix32): the same seed gives
// the same numbers on every machine, which Math.random cannot promise.

function splitmix32(state: number): { state: number; value: number } {
  const s = (state + 0x9e3779b9) >>> 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return { state: s, value: (z ^ (z >>> 16)) >>> 0 };
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Random {
  private readonly s: Uint32Array;

  constructor(seed: number) {
    this.s = new Uint32Array(4);
    let state = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      const r = splitmix32(state);
      state = r.state;
      this.s[i] = r.value;
    }
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1] as number, 5) >>> 0, 7), 9) >>> 0;
    const t = ((s[1] as number) << 9) >>> 0;
    s[2] = (s[2] as number) ^ (s[0] as number);
    s[3] = (s[3] as number) ^ (s[1] as number);
    s[1] = (s[1] as number) ^ (s[2] as number);
    s[0] = (s[0] as number) ^ (s[3] as number);
    s[2] = (s[2] as number) ^ t;
    s[3] = rotl(s[3] as number, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Log-normal with the given median and shape (σ of the underlying normal), by Box–Muller. */
  logNormal(median: number, sigma: number): number {
    const u = 1 - this.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
    return median * Math.exp(sigma * normal);
  }

  /** n bytes, for keys derived from the seed. */
  bytes(n: number): Buffer {
    const b = Buffer.alloc(Math.ceil(n / 4) * 4);
    for (let i = 0; i < b.length; i += 4) b.writeUInt32LE(this.u32(), i);
    return b.subarray(0, n);
  }
}
