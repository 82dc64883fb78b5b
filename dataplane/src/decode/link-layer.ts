import { LinkType } from '../capture/packet-burst';
import { DecodeStatus } from './decode-status';
import { DecodedPacket } from './decoded-packet';
import { cursor, readU16, readU32 } from './decode-cursor';
import { decodeEtherTypeChain, decodeEthernet, EtherType } from './ethernet';

/** Linux cooked capture v1 header bytes; the protocol (ethertype) is at byte 14. */
const SLL_HEADER_BYTES = 16;
/** Linux cooked capture v2 header bytes; the protocol (ethertype) is at byte 0. */
const SLL2_HEADER_BYTES = 20;
/** BSD loopback: 4-byte address family. */
const NULL_HEADER_BYTES = 4;
/** ARPHRD_ETHER: the SLL address is a MAC. */
const ARPHRD_ETHER = 1;

/**
 * Decodes the link-layer header of `linkType` at `pos` (VLAN/MPLS/PPPoE included).
 * Returns the offset of the IP header (cursor.etherType says which version the
 * link layer announced, 0 when it does not tell), or -DecodeStatus.
 */
export function decodeLinkLayer(data: Uint8Array, pos: number, end: number, linkType: number, out: DecodedPacket): number {
  switch (linkType) {
    case LinkType.Ethernet:
      return decodeEthernet(data, pos, end, out, true);
    case LinkType.LinuxSll: {
      if (end - pos < SLL_HEADER_BYTES) return -DecodeStatus.TruncatedL2;
      // Source address of the frame (the only MAC SLL keeps), when it is an Ethernet one.
      if (readU16(data, pos + 2) === ARPHRD_ETHER && readU16(data, pos + 4) === 6) {
        out.srcMacHi = readU16(data, pos + 6);
        out.srcMacLo = readU32(data, pos + 8);
      }
      return decodeEtherTypeChain(data, pos + SLL_HEADER_BYTES, end, out, readU16(data, pos + 14));
    }
    case LinkType.LinuxSll2: {
      if (end - pos < SLL2_HEADER_BYTES) return -DecodeStatus.TruncatedL2;
      if (readU16(data, pos + 8) === ARPHRD_ETHER && data[pos + 11] === 6) {
        out.srcMacHi = readU16(data, pos + 12);
        out.srcMacLo = readU32(data, pos + 14);
      }
      return decodeEtherTypeChain(data, pos + SLL2_HEADER_BYTES, end, out, readU16(data, pos));
    }
    case LinkType.Null:
    case LinkType.Loop: {
      if (end - pos < NULL_HEADER_BYTES) return -DecodeStatus.TruncatedL2;
      // DLT_NULL stores the family in the capturing host's byte order, DLT_LOOP in network
      // order: accept both (the values used never collide once byte-swapped).
      let family = data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16) | (data[pos + 3] << 24);
      if ((family & 0xffff) === 0) family = family >>> 24 | ((family >>> 8) & 0xff00);
      if (family === 2) cursor.etherType = EtherType.Ipv4;
      // AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
      else if (family === 24 || family === 28 || family === 30 || family === 10) cursor.etherType = EtherType.Ipv6;
      else return -DecodeStatus.NonIp;
      return pos + NULL_HEADER_BYTES;
    }
    case LinkType.Raw:
    case LinkType.RawAlt:
    case LinkType.Ipv4:
    case LinkType.Ipv6:
      cursor.etherType = 0;
      return pos;
    default:
      return -DecodeStatus.UnsupportedLinkType;
  }
}
