import { createCipheriv } from 'node:crypto';

/**
 * Seeded pseudo-random numbers (sfc32) so that the demo capture is byte-for-byte
 * reproducible from its seed. Not for cryptography: "random" key material in the demo only has
 * to look random to a packet parser.
 */
export class DemoRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over the 128-bit state.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform real in [min, max). */
  real(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** One element, with probability proportional to `weight(item)`. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    let total = 0;
    for (const it of items) total += weight(it);
    let x = this.next() * total;
    for (const it of items) {
      x -= weight(it);
      if (x < 0) return it;
    }
    return items[items.length - 1];
  }

  /** Exponentially distributed with the given mean (inter-arrival times). */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Log-uniform in [min, max]: sizes that span orders of magnitude. */
  logUniform(min: number, max: number): number {
    return Math.exp(this.real(Math.log(min), Math.log(max)));
  }

  /** A derived generator, so one session's draws do not shift another's. */
  fork(): DemoRandom {
    return new DemoRandom(this.u32());
  }

  /** `n` pseudo-random bytes (an AES-128-CTR keystream keyed from this generator: fast for megabytes of "ciphertext"). */
  bytes(n: number): Buffer {
    if (n <= 64) {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
      return out;
    }
    const key = Buffer.alloc(16);
    const iv = Buffer.alloc(16);
    for (let i = 0; i < 16; i += 4) {
      key.writeUInt32LE(this.u32(), i);
      iv.writeUInt32LE(this.u32(), i);
    }
    const cipher = createCipheriv('aes-128-ctr', key, iv);
    return Buffer.concat([cipher.update(Buffer.alloc(n)), cipher.final()]);
  }
}
