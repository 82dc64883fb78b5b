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

/**
 * Hash of one endpoint: four address words and a port. The words are combined
 * with multiplies by distinct odd constants (so equal words in different
 * positions do not cancel) and mixed once: a quarter of the cost of mixing
 * each word, with the same spread over buckets for IPv4 and IPv6 keys.
 */
export function endpointHash(a0: number, a1: number, a2: number, a3: number, port: number): number {
  const h = Math.imul(a0, 0x9e3779b1) ^ Math.imul(a1, 0x85ebca77) ^ Math.imul(a2, 0xc2b2ae3d) ^ Math.imul(a3, 0x27d4eb2f) ^ Math.imul(port + 1, 0x165667b1);
  return fmix32(h);
}
