import { DecodedPacket } from './decoded-packet';

/** ICMP and ICMPv6 header bytes counted before the payload, as ndpiReader. */
export const ICMP_HEADER_BYTES = 8;

/**
 * ICMP/ICMPv6: no ports (type/code are not ports, as ndpiReader); the payload
 * follows the 8-byte header. Type and code go to `icmpTypeCode`.
 */
export function decodeIcmp(data: Uint8Array, pos: number, l4Length: number, out: DecodedPacket): void {
  out.l4Offset = pos;
  // Type and code, kept for the flow's Community ID (not part of the flow key).
  if (l4Length >= 2) out.icmpTypeCode = 0x10000 | (data[pos] << 8) | data[pos + 1];
  const header = l4Length < ICMP_HEADER_BYTES ? l4Length : ICMP_HEADER_BYTES;
  out.payloadOffset = pos + header;
  out.payloadLength = l4Length - header;
}
