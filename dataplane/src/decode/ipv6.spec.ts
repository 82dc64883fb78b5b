import { LinkType } from '../capture/packet-burst';
import { decodePacket } from './decode-packet';
import { DecodeStatus } from './decode-status';
import { DecodedPacket } from './decoded-packet';
import { bytes, ethernet, filler, icmpEcho, ipv6, ipv6ExtHeader, ipv6FragmentHeader, tcp, udp } from '../../test/fixtures/packet-builder';

const out = new DecodedPacket();

function decode(ip: Uint8Array, caplen?: number): number {
  const pkt = ethernet(0x86dd, ip);
  return decodePacket(pkt, 0, caplen ?? pkt.length, LinkType.Ethernet, out);
}

describe('IPv6', () => {
  it('addresses as four big-endian words, TCP fields', () => {
    const seg = tcp({ sport: 443, dport: 50000, flags: 0x11, payload: filler(5) });
    expect(decode(ipv6({ src: '2001:db8:1:2::a', dst: 'fe80::1', next: 6, payload: seg }))).toBe(DecodeStatus.Ok);
    expect(Array.from(out.src)).toEqual([0x20010db8, 0x00010002, 0, 0xa]);
    expect(Array.from(out.dst)).toEqual([0xfe800000, 0, 0, 1]);
    expect([out.ipVersion, out.l4Proto, out.srcPort, out.dstPort, out.tcpFlags, out.payloadLength]).toEqual([6, 6, 443, 50000, 0x11, 5]);
    expect([out.l3Offset, out.l3Length, out.l4Offset]).toEqual([14, 40 + 25, 54]);
  });

  it('walks hop-by-hop, routing, destination options and AH to the L4 header', () => {
    const chain = bytes(ipv6ExtHeader(43, 0), ipv6ExtHeader(60, 1), ipv6ExtHeader(51, 0), [17, 2, 0, 0, ...filler(12)], udp(1000, 2000, filler(9)));
    expect(decode(ipv6({ next: 0, payload: chain }))).toBe(DecodeStatus.Ok);
    expect([out.l4Proto, out.srcPort, out.dstPort, out.payloadLength, out.l4Offset]).toEqual([17, 1000, 2000, 9, 54 + 8 + 8 + 16 + 16]);
  });

  it('a complete packet with a UDP header shorter than 8 bytes is a ports-0 UDP flow (as ndpiReader)', () => {
    const pkt = ipv6({ next: 17, payload: [0x12, 0x34, 0x56] });
    expect(decodePacket(pkt, 0, pkt.length, 101, out)).toBe(DecodeStatus.Ok);
    expect([out.l4Proto, out.srcPort, out.dstPort, out.payloadLength]).toEqual([17, 0, 0, 0]);
  });

  it('ICMPv6 has ports 0', () => {
    expect(decode(ipv6({ next: 58, payload: icmpEcho(filler(20)) }))).toBe(DecodeStatus.Ok);
    expect([out.l4Proto, out.srcPort, out.dstPort, out.payloadLength]).toEqual([58, 0, 0, 20]);
  });

  it('first fragment counted and flagged, later fragments ipv6_fragment', () => {
    expect(decode(ipv6({ next: 44, payload: bytes(ipv6FragmentHeader(17, 0, true), udp(53, 53, filler(40))) }))).toBe(DecodeStatus.Ok);
    expect([out.firstFragment, out.l4Proto, out.srcPort]).toEqual([true, 17, 53]);
    expect(decode(ipv6({ next: 44, payload: bytes(ipv6FragmentHeader(17, 6, false), filler(40)) }))).toBe(DecodeStatus.Ipv6Fragment);
  });

  it('no next header, malformed chains and truncation', () => {
    expect(decode(ipv6({ next: 59, payload: filler(8) }))).toBe(DecodeStatus.Ipv6NoNextHeader);
    expect(decode(ipv6({ next: 0, payload: bytes(ipv6ExtHeader(6, 0), [0]) .subarray(0, 8) }))).toBe(DecodeStatus.Ok);
    expect(decode(ipv6({ next: 0, payload: [6, 30, ...filler(30)] }))).toBe(DecodeStatus.BadIpv6ExtHeader);
    expect(decode(ipv6({ next: 44, payload: [17, 0, 0] }))).toBe(DecodeStatus.BadIpv6ExtHeader);
    const full = ipv6({ next: 6, payload: tcp({ sport: 1, dport: 2, payload: filler(40) }) });
    expect(decode(full.subarray(0, 39))).toBe(DecodeStatus.TruncatedIpv6);
    expect(decode(full, 14 + 60)).toBe(DecodeStatus.TruncatedIpPayload);
  });
});
