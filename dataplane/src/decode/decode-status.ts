/**
 * Outcome of {@link decodePacket}: `Ok` means the packet belongs to the flow
 * described in the DecodedPacket; every other value is the one cause for which
 * the packet was skipped. Each packet ends with exactly one status, so per-cause
 * counters always add up to the packets seen.
 *
 * The values index the shard's per-cause counter array (32 slots reserved):
 * append new causes at the end, never renumber (stats and dashboards key on
 * the names in {@link DECODE_STATUS_NAMES}).
 */
export const enum DecodeStatus {
  Ok = 0,
  /** Not IPv4/IPv6 (ARP, LLDP, STP/LLC, other ethertypes, PPP control, MPLS payload that is not IP). */
  NonIp = 1,
  /** The capture's link type is not one we decode. */
  UnsupportedLinkType = 2,
  /** Fewer than 28 bytes after the (outer or inner) link-layer start: ndpiReader's minimum (20 IP + 8 L4). */
  TooShort = 3,
  /** Link-layer header (Ethernet, SLL, VLAN tag, MPLS label, PPPoE) cut by the end of capture. */
  TruncatedL2 = 4,
  /** IP version nibble is neither 4 nor 6 where an IP header was expected. */
  BadIpVersion = 5,
  /** Fewer than 20 bytes of IPv4 header, or IHL pointing past the capture. */
  TruncatedIpv4 = 6,
  /** IPv4 IHL < 5, or total length smaller than the header. */
  BadIpv4Header = 7,
  /** IPv4 fragment with a non-zero offset (dropped as ndpiReader does; the first fragment is counted). */
  Ipv4Fragment = 8,
  /** Fewer than 40 bytes of IPv6 header. */
  TruncatedIpv6 = 9,
  /** Malformed IPv6 extension header chain (length past the payload). */
  BadIpv6ExtHeader = 10,
  /** IPv6 fragment header with a non-zero offset (dropped; the first fragment is counted). */
  Ipv6Fragment = 11,
  /** IPv6 "no next header" (59): nothing to account, as ndpiReader. */
  Ipv6NoNextHeader = 12,
  /** The IP packet is longer than what was captured (snap length): ndpiReader drops these. */
  TruncatedIpPayload = 13,
  /** Like TruncatedIpPayload, with the capture ending inside the TCP header. */
  TruncatedTcp = 14,
  /** Fewer than 8 bytes of UDP header captured (or the capture ends inside it). */
  TruncatedUdp = 15,
  /** A tunnel header (GRE, TZSP, GTP-U, VXLAN, CAPWAP) cut by the end of capture. */
  TunnelTruncated = 16,
  /** GRE header with reserved/recursion bits or an unsupported version: ndpiReader drops these. */
  BadGreHeader = 17,
  /** GRE payload type we cannot decapsulate (not IPv4/IPv6/PPP/Ethernet/ERSPAN). */
  GreUnsupportedProtocol = 18,
  /** More nested encapsulations than MAX_ENCAPSULATIONS. */
  TooManyEncapsulations = 19,
  /** More VLAN tags or MPLS labels than the decoder follows. */
  TooManyLabels = 20,
}

/** Number of status values; the shard layout reserves 32 counters. */
export const DECODE_STATUS_COUNT = 21;

/**
 * ndpiReader skips frames with fewer than 28 bytes (20 IP + 8 L4) after the start of
 * the (outer or tunnelled) link-layer header: we do the same so counts match (DecodeStatus.TooShort).
 * Here, not in decode-packet.ts: analyze sizes its tables with it on the main thread, which
 * decodes nothing (the decoder's ten modules stay unloaded there).
 */
export const MIN_FRAME_BYTES = 28;

/** Stable snake_case names of {@link DecodeStatus} values, indexed by value (used in stats and logs). */
export const DECODE_STATUS_NAMES: readonly string[] = Object.freeze([
  'ok',
  'non_ip',
  'unsupported_link_type',
  'too_short',
  'truncated_l2',
  'bad_ip_version',
  'truncated_ipv4',
  'bad_ipv4_header',
  'ipv4_fragment',
  'truncated_ipv6',
  'bad_ipv6_ext_header',
  'ipv6_fragment',
  'ipv6_no_next_header',
  'truncated_ip_payload',
  'truncated_tcp',
  'truncated_udp',
  'tunnel_truncated',
  'bad_gre_header',
  'gre_unsupported_protocol',
  'too_many_encapsulations',
  'too_many_labels',
]);
