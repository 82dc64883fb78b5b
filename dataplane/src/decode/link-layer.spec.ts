import { LinkType } from '../capture/packet-burst';
import { decodePacket } from './decode-packet';
import { DecodeStatus } from './decode-status';
import { DecodedPacket } from './decoded-packet';
import { bytes, ethernet, filler, ip4, ipv4, ipv6, tcp, u16, udp } from '../../test/fixtures/packet-builder';

const out = new DecodedPacket();
const v4udp = ipv4({ src: '192.168.1.10', dst: '8.8.8.8', proto: 17, payload: udp(5353, 53, filler(20)) });
const v6tcp = ipv6({ next: 6, payload: tcp({ sport: 40000, dport: 443, payload: filler(10) }) });

function expectV4Flow(pkt: Uint8Array, linkType: number): void {
  expect(decodePacket(pkt, 0, pkt.length, linkType, out)).toBe(DecodeStatus.Ok);
  expect(out.ipVersion).toBe(4);
  expect(out.src[0]).toBe(ip4('192.168.1.10'));
  expect(out.dst[0]).toBe(ip4('8.8.8.8'));
  expect([out.l4Proto, out.srcPort, out.dstPort, out.payloadLength]).toEqual([17, 5353, 53, 20]);
  expect(out.l3Offset).toBe(pkt.length - v4udp.length);
  expect(out.l3Length).toBe(v4udp.length);
}

describe('link layers', () => {
  it('Ethernet II, with the outer MACs', () => {
    expectV4Flow(ethernet(0x0800, v4udp), LinkType.Ethernet);
    expect([out.dstMacHi, out.dstMacLo, out.srcMacHi, out.srcMacLo]).toEqual([0x6677, 0x8899aabb, 0x0011, 0x22334455]);
  });

  it('Linux cooked v1 (SLL), with the source MAC', () => {
    const sll = bytes(u16(0), u16(1), u16(6), [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0], u16(0x0800));
    expectV4Flow(bytes(sll, v4udp), LinkType.LinuxSll);
    expect([out.srcMacHi, out.srcMacLo]).toEqual([0x0011, 0x22334455]);
  });

  it('Linux cooked v2 (SLL2)', () => {
    const sll2 = bytes(u16(0x86dd), u16(0), [0, 0, 0, 3], u16(1), [0, 6], [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0]);
    const pkt = bytes(sll2, v6tcp);
    expect(decodePacket(pkt, 0, pkt.length, LinkType.LinuxSll2, out)).toBe(DecodeStatus.Ok);
    expect([out.ipVersion, out.srcPort, out.dstPort, out.l3Offset]).toEqual([6, 40000, 443, 20]);
  });

  it.each([LinkType.Raw, LinkType.RawAlt, LinkType.Ipv4])('raw IPv4 (link type %i)', (lt) => {
    expectV4Flow(v4udp, lt);
  });

  it.each([LinkType.Raw, LinkType.Ipv6])('raw IPv6 (link type %i)', (lt) => {
    expect(decodePacket(v6tcp, 0, v6tcp.length, lt, out)).toBe(DecodeStatus.Ok);
    expect(out.ipVersion).toBe(6);
  });

  it('BSD loopback DLT_NULL in either byte order, IPv4 and the IPv6 families', () => {
    expectV4Flow(bytes([2, 0, 0, 0], v4udp), LinkType.Null);
    expectV4Flow(bytes([0, 0, 0, 2], v4udp), LinkType.Null);
    for (const family of [24, 28, 30]) {
      const pkt = bytes([family, 0, 0, 0], v6tcp);
      expect(decodePacket(pkt, 0, pkt.length, LinkType.Null, out)).toBe(DecodeStatus.Ok);
      expect(out.ipVersion).toBe(6);
    }
    const other = bytes([7, 0, 0, 0], v4udp);
    expect(decodePacket(other, 0, other.length, LinkType.Null, out)).toBe(DecodeStatus.NonIp);
  });

  it('DLT_LOOP (network order family)', () => {
    expectV4Flow(bytes([0, 0, 0, 2], v4udp), LinkType.Loop);
  });

  it('a packet at a non-zero offset of a shared buffer', () => {
    const pkt = ethernet(0x0800, v4udp);
    const buf = bytes(filler(100), pkt, filler(50));
    expect(decodePacket(buf, 100, pkt.length, LinkType.Ethernet, out)).toBe(DecodeStatus.Ok);
    expect(out.l3Offset).toBe(114);
    expect(out.payloadOffset).toBe(114 + 28);
  });

  it('unsupported link types and non-IP frames are counted by cause', () => {
    const pkt = ethernet(0x0800, v4udp);
    expect(decodePacket(pkt, 0, pkt.length, 127, out)).toBe(DecodeStatus.UnsupportedLinkType);
    const arp = ethernet(0x0806, filler(46));
    expect(decodePacket(arp, 0, arp.length, LinkType.Ethernet, out)).toBe(DecodeStatus.NonIp);
    const stp = ethernet(38, [0x42, 0x42, 0x03, ...filler(43)]);
    expect(decodePacket(stp, 0, stp.length, LinkType.Ethernet, out)).toBe(DecodeStatus.NonIp);
  });

  it('802.3 + LLC/SNAP carrying IPv4', () => {
    const snap = [0xaa, 0xaa, 0x03, 0, 0, 0, ...u16(0x0800)];
    expectV4Flow(ethernet(8 + v4udp.length, bytes(snap, v4udp)), LinkType.Ethernet);
  });

  it('truncation causes at the link layer', () => {
    const short = ethernet(0x0800, v4udp).subarray(0, 27);
    expect(decodePacket(short, 0, short.length, LinkType.Ethernet, out)).toBe(DecodeStatus.TooShort);
    const sll = bytes(u16(0), u16(1), u16(6), filler(8), u16(0x0800), filler(12));
    expect(decodePacket(sll, 0, 15, LinkType.LinuxSll, out)).toBe(DecodeStatus.TooShort);
    const sll2 = bytes(filler(30));
    expect(decodePacket(sll2, 0, 30, LinkType.LinuxSll2, out)).toBe(DecodeStatus.NonIp);
  });

  it('caplen beyond the buffer is clamped, never read out of bounds', () => {
    const pkt = ethernet(0x0800, v4udp);
    expect(decodePacket(pkt, 0, pkt.length + 1000, LinkType.Ethernet, out)).toBe(DecodeStatus.Ok);
    expect(decodePacket(pkt, 0, pkt.length - 5, LinkType.Ethernet, out)).toBe(DecodeStatus.TruncatedIpPayload);
  });
});
