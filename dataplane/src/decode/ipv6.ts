import { DecodeStatus } from './decode-status';
import { DecodedPacket } from './decoded-packet';
import { cursor, readU16, readU32 } from './decode-cursor';

/** Fixed IPv6 header bytes. */
export const IPV6_HEADER_BYTES = 40;

const NEXT_HOP_BY_HOP = 0;
const NEXT_ROUTING = 43;
const NEXT_FRAGMENT = 44;
const NEXT_AH = 51;
const NEXT_NONE = 59;
const NEXT_DEST_OPTIONS = 60;
const NEXT_MOBILITY = 135;
const FRAGMENT_HEADER_BYTES = 8;

/**
 * Decodes the IPv6 header at `pos` and walks its extension headers (hop-by-hop,
 * routing, destination options, mobility, fragment, AH) to the upper-layer header.
 * As ndpiReader: the whole payload length must be captured, non-first fragments are
 * dropped, "no next header" is dropped.
 * Returns the offset of the L4 header, or -DecodeStatus; sets out.l4Proto and cursor.l4Length.
 */
export function decodeIpv6(data: Uint8Array, pos: number, end: number, out: DecodedPacket): number {
  if (end - pos < IPV6_HEADER_BYTES) return -DecodeStatus.TruncatedIpv6;
  const payloadBytes = readU16(data, pos + 4);
  if (end - pos < IPV6_HEADER_BYTES + payloadBytes) return -DecodeStatus.TruncatedIpPayload;
  out.ipVersion = 6;
  for (let i = 0; i < 4; i++) {
    out.src[i] = readU32(data, pos + 8 + 4 * i);
    out.dst[i] = readU32(data, pos + 24 + 4 * i);
  }
  out.l3Offset = pos;
  // Payload length 0 is a jumbogram (or TSO): the capture tells the length.
  out.l3Length = payloadBytes === 0 ? end - pos : IPV6_HEADER_BYTES + payloadBytes;

  let next = data[pos + 6];
  let p = pos + IPV6_HEADER_BYTES;
  let l4Length = payloadBytes;
  // Each extension header consumes at least 8 bytes of the (captured) payload: the loop is bounded.
  for (;;) {
    if (next === NEXT_HOP_BY_HOP || next === NEXT_ROUTING || next === NEXT_DEST_OPTIONS || next === NEXT_MOBILITY) {
      if (l4Length < 2 || end - p < 2) return -DecodeStatus.BadIpv6ExtHeader;
      const bytes = (data[p + 1] + 1) << 3;
      if (bytes > l4Length || bytes > end - p) return -DecodeStatus.BadIpv6ExtHeader;
      next = data[p];
      p += bytes;
      l4Length -= bytes;
    } else if (next === NEXT_FRAGMENT) {
      if (l4Length < FRAGMENT_HEADER_BYTES || end - p < FRAGMENT_HEADER_BYTES) return -DecodeStatus.BadIpv6ExtHeader;
      const fragment = readU16(data, p + 2);
      if (fragment >> 3 !== 0) return -DecodeStatus.Ipv6Fragment;
      out.firstFragment = (fragment & 1) !== 0;
      next = data[p];
      p += FRAGMENT_HEADER_BYTES;
      l4Length -= FRAGMENT_HEADER_BYTES;
    } else if (next === NEXT_AH) {
      // AH length is in 4-byte units minus 2 (RFC 4302), unlike the other extension headers.
      if (l4Length < 2 || end - p < 2) return -DecodeStatus.BadIpv6ExtHeader;
      const bytes = (data[p + 1] + 2) << 2;
      if (bytes > l4Length || bytes > end - p) return -DecodeStatus.BadIpv6ExtHeader;
      next = data[p];
      p += bytes;
      l4Length -= bytes;
    } else if (next === NEXT_NONE) {
      return -DecodeStatus.Ipv6NoNextHeader;
    } else {
      break;
    }
  }
  out.l4Proto = next;
  cursor.l4Length = l4Length;
  return p;
}
