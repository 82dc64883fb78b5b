import * as ipaddr from 'ipaddr.js';

/**
 * Addresses on the packet path are four u32 words (IPv4 in word 0). These
 * helpers convert at the edges (config, queries, output); they allocate and
 * are never called per packet.
 */

/** Text form of an address held in `words[at..at+3]`: dotted quad or RFC 5952 IPv6. */
export function formatIp(words: Uint32Array, at: number, ipVersion: number): string {
  if (ipVersion === 4) {
    const a = words[at];
    return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
  }
  const bytes = new Array<number>(16);
  for (let w = 0; w < 4; w++) {
    const v = words[at + w];
    bytes[w * 4] = v >>> 24;
    bytes[w * 4 + 1] = (v >>> 16) & 255;
    bytes[w * 4 + 2] = (v >>> 8) & 255;
    bytes[w * 4 + 3] = v & 255;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

export interface ParsedIp {
  version: 4 | 6;
  words: [number, number, number, number];
}

/** Parses an IPv4/IPv6 address; throws a RangeError naming the bad text. */
export function parseIp(text: string): ParsedIp {
  if (!ipaddr.isValid(text)) throw new RangeError(`not an IP address: '${text}'`);
  const addr = ipaddr.parse(text);
  const bytes = addr.toByteArray();
  const words: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < bytes.length; i++) words[i >> 2] = (words[i >> 2] | (bytes[i] << (24 - 8 * (i & 3)))) >>> 0;
  return { version: addr.kind() === 'ipv4' ? 4 : 6, words };
}

/**
 * Local networks as a flat table the inline thread can test without
 * allocating: per network [version, prefixLen, w0, w1, w2, w3] (masked words).
 */
export class NetworkList {
  readonly entries: Uint32Array;
  readonly count: number;

  constructor(readonly cidrs: readonly string[]) {
    this.count = cidrs.length;
    this.entries = new Uint32Array(cidrs.length * 6);
    cidrs.forEach((cidr, i) => {
      if (!ipaddr.isValidCIDR(cidr)) throw new RangeError(`not a CIDR network: '${cidr}'`);
      const [addr, prefix] = ipaddr.parseCIDR(cidr);
      const { version, words } = parseIp(addr.toString());
      const e = i * 6;
      this.entries[e] = version;
      this.entries[e + 1] = prefix;
      for (let w = 0; w < 4; w++) this.entries[e + 2 + w] = words[w] & maskWord(prefix, w);
    });
  }

  /** True when the address in `words[at..at+3]` of `ipVersion` is in one of the networks. */
  contains(words: Uint32Array, at: number, ipVersion: number): boolean {
    const e = this.entries;
    for (let i = 0; i < this.count; i++) {
      const b = i * 6;
      if (e[b] !== ipVersion) continue;
      const prefix = e[b + 1];
      let match = true;
      for (let w = 0; w < 4 && match; w++) {
        match = ((words[at + w] & maskWord(prefix, w)) >>> 0) === e[b + 2 + w];
      }
      if (match) return true;
    }
    return false;
  }
}

/** Mask of word `w` (0..3) for a prefix length. */
function maskWord(prefix: number, w: number): number {
  const bits = Math.min(32, Math.max(0, prefix - 32 * w));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}
