import { LinkType } from '../capture/packet-burst';
import { decodePacket, MAX_ENCAPSULATIONS } from './decode-packet';
import { DecodeStatus } from './decode-status';
import { DecodedPacket, TunnelKind } from './decoded-packet';
import { bytes, ethernet, filler, ip4, ipv4, ipv6, tcp, u16, u32, udp, vlanTag } from '../../test/fixtures/packet-builder';

const out = new DecodedPacket();
const INNER_MAC = [0x02, 0, 0, 0, 0, 0x01];
const innerTcp = ipv4({ src: '172.16.0.1', dst: '172.16.0.2', proto: 6, payload: tcp({ sport: 33000, dport: 22, payload: filler(20) }) });
const innerV6 = ipv6({ src: '2001:db8::a', dst: '2001:db8::b', next: 17, payload: udp(1111, 2222, filler(12)) });

function decodeOuter(l4Proto: number, payload: ArrayLike<number>): number {
  const pkt = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: l4Proto, payload }));
  return decodePacket(pkt, 0, pkt.length, LinkType.Ethernet, out);
}

function expectInnerTcp(tunnel: TunnelKind): void {
  expect([out.ipVersion, out.src[0], out.dst[0], out.srcPort, out.dstPort, out.payloadLength]).toEqual([
    4,
    ip4('172.16.0.1'),
    ip4('172.16.0.2'),
    33000,
    22,
    20,
  ]);
  expect(out.tunnel).toBe(tunnel);
  // The outer Ethernet MACs are kept.
  expect([out.srcMacHi, out.srcMacLo]).toEqual([0x0011, 0x22334455]);
}

describe('tunnels', () => {
  it('IPv6-in-IPv4 (41), IPv4-in-IPv4 (4) and IPv6-in-IPv6: inner addresses, no mark', () => {
    expect(decodeOuter(41, innerV6)).toBe(DecodeStatus.Ok);
    expect([out.ipVersion, out.srcPort, out.dstPort, out.tunnel, out.l3Offset]).toEqual([6, 1111, 2222, TunnelKind.IpInIp, 34]);
    expect(decodeOuter(4, innerTcp)).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.IpInIp);
    const v6in6 = ethernet(0x86dd, ipv6({ next: 41, payload: innerV6 }));
    expect(decodePacket(v6in6, 0, v6in6.length, LinkType.Ethernet, out)).toBe(DecodeStatus.Ok);
    expect([out.l3Offset, out.dstPort]).toEqual([54, 2222]);
  });

  it('GRE: IPv4 payload, with checksum, key and sequence number', () => {
    expect(decodeOuter(47, bytes(u16(0), u16(0x0800), innerTcp))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Gre);
    expect(decodeOuter(47, bytes(u16(0xb000), u16(0x0800), u32(0), u32(7), u32(9), innerTcp))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Gre);
    expect(decodeOuter(47, bytes(u16(0x2000), u16(0x86dd), u32(7), innerV6))).toBe(DecodeStatus.Ok);
    expect([out.ipVersion, out.dstPort]).toEqual([6, 2222]);
  });

  it('GRE transparent Ethernet bridging (0x6558) with an inner VLAN, and ERSPAN II/III', () => {
    const innerFrame = ethernet(0x8100, bytes(vlanTag(300, 0x0800), innerTcp), INNER_MAC, INNER_MAC);
    expect(decodeOuter(47, bytes(u16(0x2000), u16(0x6558), u32(1), innerFrame))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Gre);
    expect(out.vlan).toBe(300);
    expect(decodeOuter(47, bytes(u16(0x1000), u16(0x88be), u32(5), filler(8), innerFrame))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Gre);
    expect(decodeOuter(47, bytes(u16(0x1000), u16(0x22eb), u32(5), filler(11), [0x01], filler(8), innerFrame))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Gre);
  });

  it('enhanced GRE (PPTP, version 1) with PPP', () => {
    expect(decodeOuter(47, bytes(u16(0x3001), u16(0x880b), u16(innerTcp.length + 4), u16(1), u32(9), [0xff, 0x03, 0x00, 0x21], innerTcp))).toBe(
      DecodeStatus.Ok,
    );
    expectInnerTcp(TunnelKind.Gre);
  });

  it('GRE headers ndpiReader rejects are dropped (bad_gre_header), unknown payloads counted', () => {
    expect(decodeOuter(47, bytes(u16(0x0008), u16(0x0800), innerTcp))).toBe(DecodeStatus.BadGreHeader); // reserved bit
    expect(decodeOuter(47, bytes(u16(0x0100), u16(0x0800), innerTcp))).toBe(DecodeStatus.BadGreHeader); // recursion
    expect(decodeOuter(47, bytes(u16(0x0002), u16(0x0800), innerTcp))).toBe(DecodeStatus.BadGreHeader); // version 2
    expect(decodeOuter(47, bytes(u16(0x3081), u16(0x880b), u32(0), u32(0), u32(0), innerTcp))).toBe(DecodeStatus.BadGreHeader); // v1 + ACK
    expect(decodeOuter(47, bytes(u16(0x0001), u16(0x0800), innerTcp))).toBe(DecodeStatus.BadGreHeader); // v1 without key
    expect(decodeOuter(47, bytes(u16(0), u16(0x0806), filler(28)))).toBe(DecodeStatus.GreUnsupportedProtocol);
  });

  it('VXLAN (UDP 4789): inner Ethernet with inner VLAN; the outer VLAN stays when the inner frame is untagged', () => {
    const vxlan = (frame: Uint8Array) => udp(54321, 4789, bytes([0x08, 0, 0, 0], u32(0x00123400), frame));
    expect(decodeOuter(17, vxlan(ethernet(0x8100, bytes(vlanTag(20, 0x0800), innerTcp), INNER_MAC, INNER_MAC)))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Vxlan);
    expect(out.vlan).toBe(20);
    const outerTagged = ethernet(0x8100, bytes(vlanTag(5, 0x0800), ipv4({ proto: 17, payload: vxlan(ethernet(0x0800, innerTcp)) })));
    expect(decodePacket(outerTagged, 0, outerTagged.length, LinkType.Ethernet, out)).toBe(DecodeStatus.Ok);
    expect([out.vlan, out.tunnel, out.dstPort]).toEqual([5, TunnelKind.Vxlan, 22]);
    // Not a VXLAN header (I flag missing): a plain UDP flow on port 4789.
    expect(decodeOuter(17, udp(54321, 4789, bytes([0, 0, 0, 0], u32(0), ethernet(0x0800, innerTcp))))).toBe(DecodeStatus.Ok);
    expect([out.tunnel, out.dstPort]).toEqual([TunnelKind.None, 4789]);
  });

  it('GTP-U (UDP 2152): plain, with sequence number, with extension headers', () => {
    const gtp = (flags: number, extra: number[], inner: Uint8Array) =>
      udp(2152, 2152, bytes([flags, 0xff], u16(inner.length + extra.length), u32(0x1234), extra, inner));
    expect(decodeOuter(17, gtp(0x30, [], innerTcp))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Gtp);
    expect(decodeOuter(17, gtp(0x32, [0, 1, 0, 0], innerTcp))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Gtp);
    // E flag: next extension type 0x85 (PDU session container, 1 unit = 4 bytes), then end of chain.
    expect(decodeOuter(17, gtp(0x34, [0, 0, 0, 0x85, 1, 0x10, 0x09, 0x00], innerV6))).toBe(DecodeStatus.Ok);
    expect([out.ipVersion, out.dstPort, out.tunnel]).toEqual([6, 2222, TunnelKind.Gtp]);
    // Echo request (type 1), not a T-PDU: a plain UDP flow.
    expect(decodeOuter(17, udp(2152, 2152, bytes([0x32, 0x01], u16(4), u32(0), filler(20))))).toBe(DecodeStatus.Ok);
    expect([out.tunnel, out.srcPort]).toEqual([TunnelKind.None, 2152]);
    expect(decodeOuter(17, gtp(0x30, [], bytes([0x00], filler(30))))).toBe(DecodeStatus.BadIpVersion);
  });

  it('CAPWAP data (UDP 5247) carrying 802.11 + LLC/SNAP', () => {
    // HLEN = 2 words (top 5 bits of byte 1).
    const capwap = bytes([0x00, 0x10, 0x43, 0x10], filler(4));
    const wifi = bytes([0x08, 0x08], filler(22));
    const llc = [0xaa, 0xaa, 0x03, 0, 0, 0, ...u16(0x0800)];
    expect(decodeOuter(17, udp(5247, 5247, bytes(capwap, wifi, llc, innerTcp)))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Capwap);
  });

  it('TZSP (UDP 37008) carrying Ethernet after its tagged fields', () => {
    const frame = ethernet(0x0800, innerTcp, INNER_MAC, INNER_MAC);
    expect(decodeOuter(17, udp(40000, 37008, bytes([1, 0], u16(1), [0x01], frame)))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Tzsp);
    expect(decodeOuter(17, udp(40000, 37008, bytes([1, 0], u16(1), [0x00, 10, 4, 1, 2, 3, 4, 0x01], frame)))).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Tzsp);
    expect(decodeOuter(17, udp(40000, 37008, bytes([1, 0])))).toBe(DecodeStatus.TunnelTruncated);
    expect(decodeOuter(17, udp(40000, 37008, bytes([1, 0], u16(1), [10, 40, 1, 2, 3, 4, 5, 6, 7, 8])))).toBe(DecodeStatus.TunnelTruncated);
  });

  it('nested tunnels up to the limit, then too_many_encapsulations', () => {
    let pkt = innerTcp;
    for (let i = 0; i < MAX_ENCAPSULATIONS; i++) pkt = ipv4({ proto: 4, payload: pkt });
    let frame = ethernet(0x0800, pkt);
    expect(decodePacket(frame, 0, frame.length, LinkType.Ethernet, out)).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.IpInIp);
    frame = ethernet(0x0800, ipv4({ proto: 4, payload: pkt }));
    expect(decodePacket(frame, 0, frame.length, LinkType.Ethernet, out)).toBe(DecodeStatus.TooManyEncapsulations);
  });

  it('the innermost marked tunnel is reported (GRE inside IP-in-IP inside VXLAN)', () => {
    const gre = ipv4({ proto: 47, payload: bytes(u16(0), u16(0x0800), innerTcp) });
    const vx = udp(1, 4789, bytes([0x08, 0, 0, 0], u32(0), ethernet(0x0800, ipv4({ proto: 4, payload: gre }))));
    expect(decodeOuter(17, vx)).toBe(DecodeStatus.Ok);
    expectInnerTcp(TunnelKind.Gre);
  });

  it('tunnel headers cut by the capture', () => {
    expect(decodeOuter(47, [0, 0])).toBe(DecodeStatus.TunnelTruncated);
    expect(decodeOuter(47, bytes(u16(0xb000), u16(0x0800), u32(0)))).toBe(DecodeStatus.TunnelTruncated);
    const inner = ethernet(0x0800, innerTcp);
    const vx = ethernet(0x0800, ipv4({ proto: 17, payload: udp(1, 4789, bytes([0x08, 0, 0, 0], u32(0), inner)) }));
    expect(decodePacket(vx, 0, vx.length - inner.length + 20, LinkType.Ethernet, out)).toBe(DecodeStatus.TooShort);
  });
});
