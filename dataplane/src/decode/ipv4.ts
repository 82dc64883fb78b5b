import { DecodeStatus } from './decode-status';
import { DecodedPacket } from './decoded-packet';
import { cursor, readU16, readU32 } from './decode-cursor';

/** Minimum IPv4 header bytes (IHL 5). */
export const IPV4_MIN_HEADER_BYTES = 20;
/** Fragment offset bits of the flags/fragment field (units of 8 bytes). */
const FRAGMENT_OFFSET_MASK = 0x1fff;
/** More-fragments flag. */
const MORE_FRAGMENTS = 0x2000;

/**
 * Decodes the IPv4 header at `pos`: addresses, protocol, fragment state.
 * Does not check the total length against the capture (that is done only for the
 * innermost header, as ndpiReader: tunnels are decapsulated first).
 * Returns the offset of the L4 header, or -DecodeStatus; sets cursor.ipv4HeaderBytes
 * and cursor.ipv4TotalLength.
 */
export function decodeIpv4(data: Uint8Array, pos: number, end: number, out: DecodedPacket): number {
  if (end - pos < IPV4_MIN_HEADER_BYTES) return -DecodeStatus.TruncatedIpv4;
  const headerBytes = (data[pos] & 0x0f) << 2;
  if (headerBytes < IPV4_MIN_HEADER_BYTES) return -DecodeStatus.BadIpv4Header;
  if (end - pos < headerBytes) return -DecodeStatus.TruncatedIpv4;
  const fragment = readU16(data, pos + 6);
  // Non-first fragments carry no L4 header: ndpiReader drops them (the first one is counted).
  if ((fragment & FRAGMENT_OFFSET_MASK) !== 0) return -DecodeStatus.Ipv4Fragment;
  out.firstFragment = (fragment & MORE_FRAGMENTS) !== 0;
  out.ipVersion = 4;
  out.l4Proto = data[pos + 9];
  out.src[0] = readU32(data, pos + 12);
  out.src[1] = 0;
  out.src[2] = 0;
  out.src[3] = 0;
  out.dst[0] = readU32(data, pos + 16);
  out.dst[1] = 0;
  out.dst[2] = 0;
  out.dst[3] = 0;
  out.l3Offset = pos;
  cursor.ipv4HeaderBytes = headerBytes;
  cursor.ipv4TotalLength = readU16(data, pos + 2);
  return pos + headerBytes;
}

/**
 * Checks the innermost IPv4 packet against the capture, as ndpiReader does before
 * counting it: the whole packet (total length) must have been captured; a total
 * length of 0 (TSO) means "to the end of the capture".
 * Returns the L4 length in bytes, or -DecodeStatus; sets out.l3Length.
 */
export function ipv4L4Length(end: number, out: DecodedPacket): number {
  const captured = end - out.l3Offset;
  const headerBytes = cursor.ipv4HeaderBytes;
  const totalLength = cursor.ipv4TotalLength;
  if (totalLength === 0) {
    out.l3Length = captured;
    return captured - headerBytes;
  }
  if (totalLength < headerBytes) return -DecodeStatus.BadIpv4Header;
  if (captured < totalLength) return -DecodeStatus.TruncatedIpPayload;
  out.l3Length = totalLength;
  return totalLength - headerBytes;
}
