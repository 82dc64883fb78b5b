import { DecodeStatus, MIN_FRAME_BYTES } from './decode-status';
import { DecodedPacket, TunnelKind } from './decoded-packet';
import { cursor } from './decode-cursor';
import { decodeEthernet } from './ethernet';
import { decodeIcmp } from './icmp';
import { decodeIpv4, ipv4L4Length } from './ipv4';
import { decodeIpv6 } from './ipv6';
import { decodeLinkLayer } from './link-layer';
import { decodeTcp, TCP_MIN_HEADER_BYTES } from './tcp';
import { decodeGre, decodeUdpTunnel } from './tunnels';
import { decodeUdp, UDP_HEADER_BYTES } from './udp';

/** Nested decapsulations followed (IP-in-IP, GRE, VXLAN, GTP-U, TZSP, CAPWAP); deeper is counted and skipped. */
export const MAX_ENCAPSULATIONS = 4;
export { MIN_FRAME_BYTES } from './decode-status';

const PROTO_ICMP = 1;
const PROTO_IPIP = 4;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_IPV6 = 41;
const PROTO_GRE = 47;
const PROTO_ICMPV6 = 58;

/**
 * Decodes one captured packet into `out` (reset first), following link layer,
 * VLAN/MPLS/PPPoE, IPv4/IPv6 and the tunnels ndpiReader decapsulates, so that the
 * flow is keyed on the innermost addresses.
 *
 * @param data buffer holding the packet
 * @param offset start of the packet in `data`
 * @param caplen captured bytes (clamped to the buffer)
 * @param linkType pcap LINKTYPE_* of the packet
 * @returns DecodeStatus.Ok when `out` describes the packet's flow, else the cause it was skipped.
 *   Never throws, allocates nothing.
 */
export function decodePacket(data: Uint8Array, offset: number, caplen: number, linkType: number, out: DecodedPacket): number {
  resetDecodedPacket(out);
  let end = offset + caplen;
  if (end > data.length) end = data.length;
  if (end - offset < MIN_FRAME_BYTES) return DecodeStatus.TooShort;

  let pos = decodeLinkLayer(data, offset, end, linkType, out);
  if (pos < 0) return -pos;
  let encapsulations = 0;

  for (;;) {
    // The version nibble decides, as in ndpiReader (the ethertype is not trusted).
    if (pos >= end) return DecodeStatus.TruncatedL2;
    const version = data[pos] >> 4;
    let l4 = 0;
    if (version === 4) l4 = decodeIpv4(data, pos, end, out);
    else if (version === 6) l4 = decodeIpv6(data, pos, end, out);
    else return DecodeStatus.BadIpVersion;
    if (l4 < 0) return -l4;

    const proto = out.l4Proto;
    let inner = 0;
    if (proto === PROTO_IPIP || proto === PROTO_IPV6) {
      // IPv4/IPv6 in IPv4/IPv6: decapsulated without a mark.
      if (out.tunnel === TunnelKind.None) out.tunnel = TunnelKind.IpInIp;
      cursor.innerIsEthernet = false;
      inner = l4;
    } else if (proto === PROTO_UDP) {
      if (out.ipVersion === 6 && cursor.l4Length < UDP_HEADER_BYTES) {
        // A complete IPv6 packet whose UDP header is too short: a ports-0 UDP flow, as ndpiReader.
        inner = 0;
      } else {
        // ndpiReader (with tunnel decoding on) needs the UDP header captured before anything else.
        if (end - l4 < UDP_HEADER_BYTES) return DecodeStatus.TruncatedUdp;
        inner = decodeUdpTunnel(data, l4, end, out);
      }
    } else if (proto === PROTO_GRE) {
      inner = decodeGre(data, l4, end, out);
    }
    if (inner < 0) return -inner;
    if (inner === 0) return decodeTransport(data, l4, end, out);

    if (++encapsulations > MAX_ENCAPSULATIONS) return DecodeStatus.TooManyEncapsulations;
    out.firstFragment = false;
    if (cursor.innerIsEthernet) {
      if (end - inner < MIN_FRAME_BYTES) return DecodeStatus.TooShort;
      pos = decodeEthernet(data, inner, end, out, false);
      if (pos < 0) return -pos;
    } else {
      pos = inner;
    }
  }
}

/** L4 of the innermost IP packet, with ndpiReader's "whole IP packet captured" rule. */
function decodeTransport(data: Uint8Array, l4: number, end: number, out: DecodedPacket): number {
  let l4Length = 0;
  const proto = out.l4Proto;
  if (out.ipVersion === 4) {
    l4Length = ipv4L4Length(end, out);
    if (l4Length === -DecodeStatus.TruncatedIpPayload) {
      // Say which header the snap length cut, when it cut one.
      if (proto === PROTO_TCP && end - l4 < TCP_MIN_HEADER_BYTES) return DecodeStatus.TruncatedTcp;
      if (proto === PROTO_UDP && end - l4 < UDP_HEADER_BYTES) return DecodeStatus.TruncatedUdp;
    }
    if (l4Length < 0) return -l4Length;
  } else {
    l4Length = cursor.l4Length;
  }
  if (proto === PROTO_TCP) decodeTcp(data, l4, l4Length, out);
  else if (proto === PROTO_UDP) decodeUdp(data, l4, l4Length, out);
  else if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) decodeIcmp(data, l4, l4Length, out);
  else {
    // Other protocols: no ports, no payload accounted (ndpiReader's goodput is 0 for them).
    out.l4Offset = l4;
    out.payloadOffset = l4;
    out.payloadLength = 0;
  }
  return DecodeStatus.Ok;
}

/** Clears every field of `out` (no allocation). */
export function resetDecodedPacket(out: DecodedPacket): void {
  out.ipVersion = 0;
  out.l4Proto = 0;
  out.vlan = 0;
  const src = out.src;
  const dst = out.dst;
  src[0] = 0; src[1] = 0; src[2] = 0; src[3] = 0;
  dst[0] = 0; dst[1] = 0; dst[2] = 0; dst[3] = 0;
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpFlags = 0;
  out.icmpTypeCode = 0;
  out.tcpSeq = 0;
  out.tcpAck = 0;
  out.l3Offset = 0;
  out.l3Length = 0;
  out.l4Offset = 0;
  out.payloadOffset = 0;
  out.payloadLength = 0;
  out.tunnel = 0;
  out.firstFragment = false;
  out.srcMacHi = 0;
  out.srcMacLo = 0;
  out.dstMacHi = 0;
  out.dstMacLo = 0;
}
