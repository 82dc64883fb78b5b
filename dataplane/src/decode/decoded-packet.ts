/**
 * The scratch a decoder fills for one packet. One instance per worker, reused
 * for every packet: decoding allocates nothing.
 *
 * Addresses are kept as four big-endian 32-bit words (IPv4 uses word 0 only,
 * words 1..3 are 0), so IPv4 and IPv6 keys compare the same way.
 */
export class DecodedPacket {
  /** 4 or 6: the innermost IP header (after tunnel decapsulation). */
  ipVersion = 0;
  /** IP protocol number of the innermost L4 (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
  l4Proto = 0;
  /** VLAN id of the innermost 802.1Q tag (0 when untagged); for tunnels, the inner frame's tag. */
  vlan = 0;
  /** Source/destination address words (network order numbers, i.e. 192.168.1.1 = 0xc0a80101). */
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  /** TCP/UDP ports, 0 for other protocols (ICMP type/code are not ports, as ndpiReader). */
  srcPort = 0;
  dstPort = 0;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80); 0 otherwise. */
  tcpFlags = 0;
  /** ICMP/ICMPv6: 0x10000 | type << 8 | code (0 when absent or not ICMP). */
  icmpTypeCode = 0;
  /** TCP sequence and acknowledgement numbers (unsigned). */
  tcpSeq = 0;
  tcpAck = 0;
  /** Offset in the packet buffer of the innermost IP header, and its length in the capture (bytes to end of capture, bounded by the IP total length). */
  l3Offset = 0;
  l3Length = 0;
  /** Offset of the L4 header and of its payload; payloadLength = L4 payload bytes present in the capture. */
  l4Offset = 0;
  payloadOffset = 0;
  payloadLength = 0;
  /** Non-zero when the packet was decapsulated: see TunnelKind. */
  tunnel = 0;
  /** True for the first fragment of a fragmented IP datagram (offset 0, more-fragments set). */
  firstFragment = false;
  /** Source MAC of the outermost Ethernet header, as 2 words (hi 16 bits, lo 32 bits); 0 when absent. */
  srcMacHi = 0;
  srcMacLo = 0;
  dstMacHi = 0;
  dstMacLo = 0;
}

/**
 * Tunnel through which a packet arrived, as ndpiReader marks it: the innermost marked
 * tunnel (GTP/TZSP/CAPWAP/VXLAN/GRE); IpInIp only when no marked tunnel was crossed.
 */
export const enum TunnelKind {
  None = 0,
  Gtp = 1,
  Tzsp = 2,
  Capwap = 3,
  Vxlan = 4,
  Gre = 5,
  IpInIp = 6, // IPv4/IPv6 in IPv4/IPv6: decapsulated without a mark
}
