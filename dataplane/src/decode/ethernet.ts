import { DecodeStatus } from './decode-status';
import { DecodedPacket } from './decoded-packet';
import { cursor, readU16, readU32 } from './decode-cursor';

/** Ethertypes the decoder follows. */
export const enum EtherType {
  Ipv4 = 0x0800,
  Ipv6 = 0x86dd,
  Vlan = 0x8100,
  QinQ = 0x88a8,
  QinQOld = 0x9100,
  MplsUnicast = 0x8847,
  MplsMulticast = 0x8848,
  PppoeSession = 0x8864,
}

/** Bytes of an Ethernet II header. */
export const ETHERNET_HEADER_BYTES = 14;
/** VLAN tags and MPLS labels followed before giving up: real stacks have 2-3, more is a malformed or hostile frame. */
export const MAX_L2_LABELS = 8;

/** LLC SAP announcing a SNAP header (which carries an ethertype). */
const LLC_SNAP_SAP = 0xaa;
/** Bytes of LLC (3) + SNAP (5). */
const LLC_SNAP_BYTES = 8;
/** PPPoE session header (6) + PPP protocol field (2). */
const PPPOE_PPP_BYTES = 8;
const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

/**
 * Decodes an Ethernet header at `pos` and the tags/labels after it.
 * When `outer` is set the MAC addresses go to `out` (only the outermost frame's MACs are kept).
 * Returns the offset of the IP header, or -DecodeStatus.
 */
export function decodeEthernet(data: Uint8Array, pos: number, end: number, out: DecodedPacket, outer: boolean): number {
  if (end - pos < ETHERNET_HEADER_BYTES) return -DecodeStatus.TruncatedL2;
  if (outer) {
    out.dstMacHi = readU16(data, pos);
    out.dstMacLo = readU32(data, pos + 2);
    out.srcMacHi = readU16(data, pos + 6);
    out.srcMacLo = readU32(data, pos + 8);
  }
  const typeOrLength = readU16(data, pos + 12);
  pos += ETHERNET_HEADER_BYTES;
  if (typeOrLength >= 1536) return decodeEtherTypeChain(data, pos, end, out, typeOrLength);
  if (typeOrLength > 1500) return -DecodeStatus.NonIp;
  // 802.3 length field: only LLC+SNAP can carry IP (the ethertype sits in the SNAP header).
  if (end - pos < LLC_SNAP_BYTES) return -DecodeStatus.TruncatedL2;
  if (data[pos] !== LLC_SNAP_SAP && data[pos + 1] !== LLC_SNAP_SAP) return -DecodeStatus.NonIp;
  return decodeEtherTypeChain(data, pos + LLC_SNAP_BYTES, end, out, readU16(data, pos + 6));
}

/**
 * Follows 802.1Q/QinQ tags (the innermost VLAN id wins, as ndpiReader), MPLS label
 * stacks and PPPoE sessions from `etherType` whose payload starts at `pos`.
 * Returns the offset of the IP header, or -DecodeStatus. Sets cursor.etherType.
 */
export function decodeEtherTypeChain(data: Uint8Array, pos: number, end: number, out: DecodedPacket, etherType: number): number {
  for (let labels = 0; labels <= MAX_L2_LABELS; labels++) {
    switch (etherType) {
      case EtherType.Ipv4:
      case EtherType.Ipv6:
        cursor.etherType = etherType;
        return pos;
      case EtherType.Vlan:
      case EtherType.QinQ:
      case EtherType.QinQOld:
        // ndpiReader requires bytes after the tag (pos + 4 < end), not just the tag.
        if (pos + 4 >= end) return -DecodeStatus.TruncatedL2;
        out.vlan = readU16(data, pos) & 0x0fff;
        etherType = readU16(data, pos + 2);
        pos += 4;
        break;
      case EtherType.MplsUnicast:
      case EtherType.MplsMulticast: {
        // Walk the label stack to the bottom-of-stack bit; the payload is IP (version nibble decides).
        let bottom = 0;
        while (bottom === 0) {
          if (pos + 4 >= end) return -DecodeStatus.TruncatedL2;
          bottom = data[pos + 2] & 0x01;
          pos += 4;
          if (++labels > MAX_L2_LABELS) return -DecodeStatus.TooManyLabels;
        }
        return ipByVersionNibble(data, pos, end);
      }
      case EtherType.PppoeSession: {
        if (end - pos < PPPOE_PPP_BYTES) return -DecodeStatus.TruncatedL2;
        const ppp = readU16(data, pos + 6);
        if (ppp !== PPP_IPV4 && ppp !== PPP_IPV6) return -DecodeStatus.NonIp;
        cursor.etherType = ppp === PPP_IPV4 ? EtherType.Ipv4 : EtherType.Ipv6;
        return pos + PPPOE_PPP_BYTES;
      }
      default:
        return -DecodeStatus.NonIp;
    }
  }
  return -DecodeStatus.TooManyLabels;
}

/** For payloads with no type field (MPLS): IP if the version nibble says 4 or 6. */
function ipByVersionNibble(data: Uint8Array, pos: number, end: number): number {
  if (pos >= end) return -DecodeStatus.TruncatedL2;
  const version = data[pos] >> 4;
  if (version === 4) cursor.etherType = EtherType.Ipv4;
  else if (version === 6) cursor.etherType = EtherType.Ipv6;
  else return -DecodeStatus.NonIp;
  return pos;
}
