/**
 * 32-bit hashing of address words on the packet path: numbers only, no
 * allocation. murmur3's finalizer gives good avalanche at a few multiplies.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of one endpoint: four address words and a port. */
export function endpointHash(a0: number, a1: number, a2: number, a3: number, port: number): number {
  let h = fmix32(a0 ^ 0x9e3779b9);
  h = fmix32(h ^ a1);
  h = fmix32(h ^ a2);
  h = fmix32(h ^ a3 ^ (port << 7));
  return h;
}
