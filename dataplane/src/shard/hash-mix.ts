/**
 * 32-bit hashing of address words on the packet path: numbers only, no
 * allocation. murmur3's finalizer gives good avalanche at a few multiplies.
 *
 * Results are signed int32 (`| 0`), never uint32: V8 keeps int32 values as
 * small integers, while a uint32 above 2^31 that crosses a call boundary is
 * boxed as a heap number, an allocation per packet. Tables compare hashes
 * through their Int32 view.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Hash of one endpoint: the four address words at `words[at..at+3]` and a
 * port. The words are combined with multiplies by distinct odd constants (so
 * equal words in different positions do not cancel) and mixed once. The
 * words are read here, as int32, rather than passed as (possibly boxed) uint32
 * arguments.
 */
export function endpointHash(words: Uint32Array, at: number, port: number): number {
  const h =
    Math.imul(words[at] | 0, 0x9e3779b1) ^
    Math.imul(words[at + 1] | 0, 0x85ebca77) ^
    Math.imul(words[at + 2] | 0, 0xc2b2ae3d) ^
    Math.imul(words[at + 3] | 0, 0x27d4eb2f) ^
    Math.imul(port + 1, 0x165667b1);
  return fmix32(h);
}
