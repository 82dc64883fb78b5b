import { DecodeStatus } from './decode-status';
import { DecodedPacket, TunnelKind } from './decoded-packet';
import { cursor, readU16 } from './decode-cursor';

/** UDP ports of the tunnels ndpiReader decapsulates (with -t). */
export const GTP_U_PORT = 2152;
export const TZSP_PORT = 37008;
export const CAPWAP_DATA_PORT = 5247;
export const VXLAN_PORT = 4789;

const UDP_HEADER_BYTES = 8;
const GTP_MIN_HEADER_BYTES = 8;
const GTP_T_PDU = 0xff;
const VXLAN_HEADER_BYTES = 8;
const TZSP_HEADER_BYTES = 4;
const TZSP_ENCAP_ETHERNET = 1;
const TZSP_TAG_PADDING = 0;
const TZSP_TAG_END = 1;
/** TZSP tags followed before giving up (real senders use a handful). */
const TZSP_MAX_TAGS = 32;
const IEEE80211_DATA_HEADER_BYTES = 24;
const LLC_SNAP_BYTES = 8;

const GRE_BASE_BYTES = 4;
const GRE_CSUM = 0x8000;
const GRE_ROUTING = 0x4000;
const GRE_KEY = 0x2000;
const GRE_SEQ = 0x1000;
const GRE_STRICT = 0x0800;
const GRE_RECURSION = 0x0700;
/** Reserved bits, including the enhanced-GRE ACK bit: ndpiReader's NDPI_GRE_FLAGS (0x00f8) rejects them all. */
const GRE_RESERVED = 0x00f8;
const GRE_VERSION = 0x0007;
const GRE_PROTO_IPV4 = 0x0800;
const GRE_PROTO_IPV6 = 0x86dd;
const GRE_PROTO_PPP = 0x880b;
const GRE_PROTO_TEB = 0x6558;
const GRE_PROTO_ERSPAN_II = 0x88be;
const GRE_PROTO_ERSPAN_III = 0x22eb;
/** PPP header inside enhanced GRE (address, control, protocol), as ndpiReader's NDPI_PPP_HDRLEN. */
const PPP_HEADER_BYTES = 4;
const ERSPAN_II_BYTES = 8;
const ERSPAN_III_BYTES = 12;
const ERSPAN_III_PLATFORM_BYTES = 8;

/**
 * Looks for a tunnel in the UDP datagram at `udp` (header present), in ndpiReader's
 * order: GTP-U, TZSP, CAPWAP data, VXLAN.
 * Returns 0 when this is not (a well-formed) tunnel and the datagram is a plain UDP
 * flow; the offset of the inner packet when decapsulated (cursor.innerIsEthernet tells
 * whether it starts with Ethernet or IP; out.tunnel is set); or -DecodeStatus.
 */
export function decodeUdpTunnel(data: Uint8Array, udp: number, end: number, out: DecodedPacket): number {
  const sport = readU16(data, udp);
  const dport = readU16(data, udp + 2);
  const payload = udp + UDP_HEADER_BYTES;
  if ((sport === GTP_U_PORT || dport === GTP_U_PORT) && payload + GTP_MIN_HEADER_BYTES < end) {
    return decodeGtpU(data, payload, end, out);
  }
  if (sport === TZSP_PORT || dport === TZSP_PORT) return decodeTzsp(data, payload, end, out);
  if (sport === CAPWAP_DATA_PORT || dport === CAPWAP_DATA_PORT) return decodeCapwap(data, payload, end, out);
  if ((sport === VXLAN_PORT || dport === VXLAN_PORT) && end - payload >= VXLAN_HEADER_BYTES) {
    // RFC 7348: flags = I bit only, reserved bytes zero (ndpiReader's ndpi_is_valid_vxlan).
    if (data[payload] === 0x08 && data[payload + 1] === 0 && data[payload + 2] === 0 && data[payload + 3] === 0 && data[payload + 7] === 0) {
      return decapsulated(out, TunnelKind.Vxlan, payload + VXLAN_HEADER_BYTES, true);
    }
  }
  return 0;
}

/** GTPv1-U T-PDU (3GPP TS 29.281) with optional sequence/N-PDU/extension headers. */
function decodeGtpU(data: Uint8Array, p: number, end: number, out: DecodedPacket): number {
  const flags = data[p];
  if (flags >> 5 !== 1 || data[p + 1] !== GTP_T_PDU) return 0;
  p += GTP_MIN_HEADER_BYTES;
  // Any of E, S, PN: the 4 optional bytes (sequence, N-PDU, next extension type) are present.
  if ((flags & 0x07) !== 0) p += 4;
  if ((flags & 0x04) !== 0) {
    // Extension headers: length in 4-byte units (incl. the length and next-type bytes), chain ends on next-type 0.
    while (p < end) {
      const bytes = data[p] << 2;
      p += bytes;
      if (bytes === 0 || p >= end) return 0;
      if (data[p - 1] === 0) break;
    }
  }
  if (p >= end) return 0;
  const version = data[p] >> 4;
  if (version !== 4 && version !== 6) return -DecodeStatus.BadIpVersion;
  return decapsulated(out, TunnelKind.Gtp, p, false);
}

/** TZSP (TaZmen Sniffer Protocol) carrying an Ethernet frame after its tagged fields. */
function decodeTzsp(data: Uint8Array, p: number, end: number, out: DecodedPacket): number {
  if (end - p < TZSP_HEADER_BYTES) return -DecodeStatus.TunnelTruncated;
  if (data[p] !== 1 || data[p + 1] !== 0 || readU16(data, p + 2) !== TZSP_ENCAP_ETHERNET) return 0;
  p += TZSP_HEADER_BYTES;
  if (p >= end) return 0;
  for (let tags = 0; tags < TZSP_MAX_TAGS; tags++) {
    if (p >= end) return -DecodeStatus.TunnelTruncated;
    const tag = data[p];
    if (tag === TZSP_TAG_END) return decapsulated(out, TunnelKind.Tzsp, p + 1, true);
    if (tag === TZSP_TAG_PADDING) {
      p += 1;
    } else {
      if (p + 1 >= end) return -DecodeStatus.TunnelTruncated;
      p += 2 + data[p + 1];
    }
  }
  return -DecodeStatus.TunnelTruncated;
}

/** CAPWAP data channel (RFC 5415) carrying native IEEE 802.11 data frames with LLC/SNAP, as ndpiReader. */
function decodeCapwap(data: Uint8Array, p: number, end: number, out: DecodedPacket): number {
  if (p + 1 >= end || (data[p] & 0x0f) !== 0) return 0;
  // HLEN: 5 bits, in 4-byte words.
  p += (data[p + 1] & 0xf8) >> 1;
  if (p + 32 >= end || data[p + 1] !== 0x08) return 0;
  p += IEEE80211_DATA_HEADER_BYTES;
  const etherType = readU16(data, p + 6);
  if (etherType !== 0x0800 && etherType !== 0x86dd) return -DecodeStatus.NonIp;
  return decapsulated(out, TunnelKind.Capwap, p + LLC_SNAP_BYTES, false);
}

/**
 * Decodes the GRE header at `p` (RFC 2784/2890 version 0, RFC 2637 enhanced version 1)
 * with ndpiReader's validity rules (invalid headers are dropped, not counted).
 * Returns the offset of the inner packet (cursor.innerIsEthernet set), or -DecodeStatus.
 */
export function decodeGre(data: Uint8Array, p: number, end: number, out: DecodedPacket): number {
  if (end - p < GRE_BASE_BYTES) return -DecodeStatus.TunnelTruncated;
  const flags = readU16(data, p);
  const proto = readU16(data, p + 2);
  if ((flags & (GRE_RESERVED | GRE_RECURSION)) !== 0) return -DecodeStatus.BadGreHeader;
  let optionalBytes = 0;
  const version = flags & GRE_VERSION;
  if (version === 0) {
    if ((flags & GRE_CSUM) !== 0) optionalBytes += 4;
    if ((flags & GRE_KEY) !== 0) optionalBytes += 4;
    if ((flags & GRE_SEQ) !== 0) optionalBytes += 4;
  } else if (version === 1) {
    if ((flags & (GRE_CSUM | GRE_ROUTING | GRE_STRICT)) !== 0 || (flags & GRE_KEY) === 0) return -DecodeStatus.BadGreHeader;
    if (proto !== GRE_PROTO_PPP) return -DecodeStatus.BadGreHeader;
    optionalBytes = (flags & GRE_SEQ) !== 0 ? 8 : 4;
  } else {
    return -DecodeStatus.BadGreHeader;
  }
  p += GRE_BASE_BYTES + optionalBytes;
  if (p > end) return -DecodeStatus.TunnelTruncated;
  switch (proto) {
    case GRE_PROTO_IPV4:
    case GRE_PROTO_IPV6:
      return decapsulated(out, TunnelKind.Gre, p, false);
    case GRE_PROTO_PPP:
      return decapsulated(out, TunnelKind.Gre, p + PPP_HEADER_BYTES, false);
    case GRE_PROTO_TEB:
      return decapsulated(out, TunnelKind.Gre, p, true);
    case GRE_PROTO_ERSPAN_II:
      return decapsulated(out, TunnelKind.Gre, p + ERSPAN_II_BYTES, true);
    case GRE_PROTO_ERSPAN_III: {
      if (end - p < ERSPAN_III_BYTES) return -DecodeStatus.TunnelTruncated;
      // O flag (last bit of the header): an 8-byte platform-specific subheader follows.
      const platform = (data[p + ERSPAN_III_BYTES - 1] & 0x01) !== 0 ? ERSPAN_III_PLATFORM_BYTES : 0;
      return decapsulated(out, TunnelKind.Gre, p + ERSPAN_III_BYTES + platform, true);
    }
    default:
      return -DecodeStatus.GreUnsupportedProtocol;
  }
}

/** Marks the packet as decapsulated; like ndpiReader, the innermost marked tunnel is the one reported. */
function decapsulated(out: DecodedPacket, kind: TunnelKind, inner: number, innerIsEthernet: boolean): number {
  out.tunnel = kind;
  cursor.innerIsEthernet = innerIsEthernet;
  return inner;
}
