import { DecodedPacket } from './decoded-packet';
import { readU16 } from './decode-cursor';

/** UDP header bytes. */
export const UDP_HEADER_BYTES = 8;

/**
 * Decodes the UDP header at `pos`, `l4Length` bytes of datagram (announced by IP
 * and known to be captured). As ndpiReader: fewer than 8 bytes still make a UDP
 * flow, with ports 0.
 */
export function decodeUdp(data: Uint8Array, pos: number, l4Length: number, out: DecodedPacket): void {
  out.l4Offset = pos;
  if (l4Length < UDP_HEADER_BYTES) {
    out.payloadOffset = pos + l4Length;
    out.payloadLength = 0;
    return;
  }
  out.srcPort = readU16(data, pos);
  out.dstPort = readU16(data, pos + 2);
  out.payloadOffset = pos + UDP_HEADER_BYTES;
  out.payloadLength = l4Length - UDP_HEADER_BYTES;
}
