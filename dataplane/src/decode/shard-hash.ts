import { DecodedPacket } from './decoded-packet';
import { decodeLinkLayer } from './link-layer';

/** Hash seeds (int32: kept as small integers, see {@link word}). */
const HASH_SEED_V4 = 0x9e3779b9 | 0;
const HASH_SEED_V6 = 0x85ebca6b | 0;

/** Scratch for the link-layer decoder (VLAN/MAC fields are written and ignored). One per thread. */
const scratch = new DecodedPacket();

/**
 * Software RSS: the worker shard a packet belongs to, in [0, shardCount).
 *
 * Parses only the outer link layer (Ethernet with VLAN/MPLS/PPPoE, SLL, SLL2,
 * loopback, raw IP) and the outer IP addresses, and hashes min/max of (src, dst):
 * both directions of a conversation land in the same shard, which owns the flow.
 * Tunnels are not opened (cheap, and a tunnel's two directions swap the outer
 * addresses too). Anything unparsable goes to shard 0. Never throws, allocates nothing.
 */
export function shardOf(data: Uint8Array, offset: number, caplen: number, linkType: number, shardCount: number): number {
  if (shardCount <= 1) return 0;
  let end = offset + caplen;
  if (end > data.length) end = data.length;
  const pos = decodeLinkLayer(data, offset, end, linkType, scratch);
  if (pos < 0 || pos >= end) return 0;
  const version = data[pos] >> 4;
  let h = 0;
  if (version === 4) {
    if (end - pos < 20) return 0;
    const a = word(data, pos + 12);
    const b = word(data, pos + 16);
    h = mix(mix(HASH_SEED_V4, a < b ? a : b), a < b ? b : a);
  } else if (version === 6) {
    if (end - pos < 40) return 0;
    // Order the two 128-bit addresses, then hash the lower one first.
    let srcFirst = true;
    for (let i = 0; i < 16; i += 4) {
      const a = word(data, pos + 8 + i);
      const b = word(data, pos + 24 + i);
      if (a !== b) {
        srcFirst = a < b;
        break;
      }
    }
    const lo = srcFirst ? pos + 8 : pos + 24;
    const hi = srcFirst ? pos + 24 : pos + 8;
    h = HASH_SEED_V6;
    for (let i = 0; i < 16; i += 4) h = mix(h, word(data, lo + i));
    for (let i = 0; i < 16; i += 4) h = mix(h, word(data, hi + i));
  } else {
    return 0;
  }
  // Final avalanche (murmur3 fmix32) so that the modulo sees well-spread low bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % shardCount;
}

/**
 * Big-endian 32-bit word as a signed int32: stays a small integer in V8 (an unsigned
 * value above 2^31 returned from a call would be boxed, i.e. allocated). Any total
 * order works for min/max, so signed comparison is fine.
 */
function word(data: Uint8Array, pos: number): number {
  return (data[pos] << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3];
}

/** One murmur3 round: folds `k` into `h`. */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
