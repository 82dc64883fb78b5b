import { createHash } from 'node:crypto';

/**
 * Community ID flow hashing, version 1 (Corelight's community-id-spec, as
 * Zeek, Suricata and Elastic compute it). No npm package implements it, so
 * it lives here, checked against the spec's published baseline
 * (community-id.spec.ts).
 *
 * Hash input: seed (u16 BE), the lower (address, port) endpoint's address,
 * the other's address, protocol (u8), a zero pad byte, then for TCP, UDP,
 * SCTP, ICMP and ICMPv6 the two ports (u16 BE) in the same order. For ICMP
 * the "ports" are type and code mapped to the counterpart type, so a request
 * and its reply hash alike; types without a counterpart are one-way and keep
 * their direction. Result: `1:` + base64(sha1).
 */

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMPV6 = 58;
const PROTO_SCTP = 132;

/** ICMPv4 type -> counterpart type (echo, timestamp, info, router, mask). */
const ICMP4_COUNTERPART: Record<number, number> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17 };
/** ICMPv6 type -> counterpart type (echo, router/neighbor discovery, MLD, who-are-you, home agent). */
const ICMP6_COUNTERPART: Record<number, number> = {
  128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130, 139: 140, 140: 139, 144: 145, 145: 144,
};

/** One endpoint's address as bytes: 4 for IPv4, 16 for IPv6 (words as in DecodedPacket: big-endian u32s). */
function addrBytes(words: ArrayLike<number>, ipVersion: number): Buffer {
  const n = ipVersion === 4 ? 1 : 4;
  const out = Buffer.alloc(n * 4);
  for (let w = 0; w < n; w++) out.writeUInt32BE(words[w] >>> 0, w * 4);
  return out;
}

/**
 * The Community ID of a flow. `srcWords`/`dstWords`: four big-endian u32
 * words (IPv4 in word 0); for ICMP/ICMPv6 pass the type as `srcPort` and the
 * code as `dstPort` (as the spec's baseline does). `seed` defaults to 0.
 */
export function communityId(
  ipVersion: 4 | 6,
  proto: number,
  srcWords: ArrayLike<number>,
  srcPort: number,
  dstWords: ArrayLike<number>,
  dstPort: number,
  seed = 0,
): string {
  let sAddr = addrBytes(srcWords, ipVersion);
  let dAddr = addrBytes(dstWords, ipVersion);
  let sPort = srcPort;
  let dPort = dstPort;
  let oneWay = false;
  const hasPorts = proto === PROTO_TCP || proto === PROTO_UDP || proto === PROTO_SCTP || proto === PROTO_ICMP || proto === PROTO_ICMPV6;
  if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) {
    const map = proto === PROTO_ICMP ? ICMP4_COUNTERPART : ICMP6_COUNTERPART;
    const counterpart = map[srcPort];
    if (counterpart === undefined) oneWay = true; // port equivalents: type and code as they are
    else dPort = counterpart;
  }
  const cmp = Buffer.compare(sAddr, dAddr);
  if (!oneWay && (cmp > 0 || (cmp === 0 && sPort > dPort))) {
    [sAddr, dAddr] = [dAddr, sAddr];
    [sPort, dPort] = [dPort, sPort];
  }
  const head = Buffer.alloc(2);
  head.writeUInt16BE(seed & 0xffff, 0);
  const tail = Buffer.alloc(hasPorts ? 6 : 2);
  tail[0] = proto & 0xff;
  tail[1] = 0;
  if (hasPorts) {
    tail.writeUInt16BE(sPort & 0xffff, 2);
    tail.writeUInt16BE(dPort & 0xffff, 4);
  }
  const digest = createHash('sha1').update(head).update(sAddr).update(dAddr).update(tail).digest('base64');
  return `1:${digest}`;
}
