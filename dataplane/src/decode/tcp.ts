import { DecodedPacket } from './decoded-packet';
import { readU16, readU32 } from './decode-cursor';

/** TCP header bytes without options. */
export const TCP_MIN_HEADER_BYTES = 20;

/**
 * Decodes the TCP header at `pos`, `l4Length` bytes of segment (announced by IP and
 * known to be captured). As ndpiReader: a segment shorter than 20 bytes still
 * belongs to a TCP flow, with ports 0; the payload starts after the data offset
 * (clamped to the segment).
 */
export function decodeTcp(data: Uint8Array, pos: number, l4Length: number, out: DecodedPacket): void {
  out.l4Offset = pos;
  if (l4Length < TCP_MIN_HEADER_BYTES) {
    out.payloadOffset = pos + l4Length;
    out.payloadLength = 0;
    return;
  }
  out.srcPort = readU16(data, pos);
  out.dstPort = readU16(data, pos + 2);
  out.tcpSeq = readU32(data, pos + 4);
  out.tcpAck = readU32(data, pos + 8);
  out.tcpFlags = data[pos + 13];
  const headerBytes = (data[pos + 12] >> 4) << 2;
  const payload = headerBytes < l4Length ? headerBytes : l4Length;
  out.payloadOffset = pos + payload;
  out.payloadLength = l4Length - payload;
}
