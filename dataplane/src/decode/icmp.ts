import { DecodedPacket } from './decoded-packet';

/** ICMP and ICMPv6 header bytes counted before the payload, as ndpiReader. */
export const ICMP_HEADER_BYTES = 8;

/**
 * ICMP/ICMPv6: no ports (type/code are not ports, as ndpiReader); the payload
 * follows the 8-byte header.
 */
export function decodeIcmp(pos: number, l4Length: number, out: DecodedPacket): void {
  out.l4Offset = pos;
  const header = l4Length < ICMP_HEADER_BYTES ? l4Length : ICMP_HEADER_BYTES;
  out.payloadOffset = pos + header;
  out.payloadLength = l4Length - header;
}
