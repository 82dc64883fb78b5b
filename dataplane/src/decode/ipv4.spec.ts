import { LinkType } from '../capture/packet-burst';
import { decodePacket } from './decode-packet';
import { DecodeStatus } from './decode-status';
import { DecodedPacket } from './decoded-packet';
import { bytes, ethernet, filler, icmpEcho, ip4, ipv4, tcp, udp } from '../../test/fixtures/packet-builder';

const out = new DecodedPacket();

function decode(ip: Uint8Array, caplen?: number): number {
  const pkt = ethernet(0x0800, ip);
  return decodePacket(pkt, 0, caplen ?? pkt.length, LinkType.Ethernet, out);
}

describe('IPv4', () => {
  it('TCP: ports, seq/ack, flags, data offset with options, payload', () => {
    const seg = tcp({ sport: 51000, dport: 443, seq: 0xfffffff0, ack: 7, flags: 0x12, options: [2, 4, 5, 0xb4, 1, 1, 4, 2], payload: filler(100) });
    expect(decode(ipv4({ src: '1.2.3.4', dst: '5.6.7.8', proto: 6, payload: seg }))).toBe(DecodeStatus.Ok);
    expect([out.ipVersion, out.l4Proto, out.src[0], out.dst[0]]).toEqual([4, 6, ip4('1.2.3.4'), ip4('5.6.7.8')]);
    expect([out.srcPort, out.dstPort, out.tcpSeq, out.tcpAck, out.tcpFlags]).toEqual([51000, 443, 0xfffffff0, 7, 0x12]);
    expect([out.l3Offset, out.l3Length, out.l4Offset, out.payloadOffset, out.payloadLength]).toEqual([14, 148, 34, 62, 100]);
    expect([out.tunnel, out.firstFragment, out.vlan]).toEqual([0, false, 0]);
  });

  it('header options move the L4 header', () => {
    expect(decode(ipv4({ proto: 17, options: [0x94, 0x04, 0, 0, 1, 1, 1, 0], payload: udp(68, 67, filler(10)) }))).toBe(DecodeStatus.Ok);
    expect([out.l4Offset, out.srcPort, out.dstPort, out.payloadLength]).toEqual([14 + 28, 68, 67, 10]);
  });

  it('ICMP and other protocols have ports 0', () => {
    expect(decode(ipv4({ proto: 1, payload: icmpEcho(filler(56)) }))).toBe(DecodeStatus.Ok);
    expect([out.l4Proto, out.srcPort, out.dstPort, out.payloadLength]).toEqual([1, 0, 0, 56]);
    expect(decode(ipv4({ proto: 2, payload: filler(8) }))).toBe(DecodeStatus.Ok);
    expect([out.l4Proto, out.srcPort, out.dstPort, out.payloadLength]).toEqual([2, 0, 0, 0]);
  });

  it('first fragment is counted and flagged; later fragments are ipv4_fragment', () => {
    expect(decode(ipv4({ proto: 17, moreFragments: true, payload: udp(53, 5353, filler(64)) }))).toBe(DecodeStatus.Ok);
    expect([out.firstFragment, out.srcPort]).toEqual([true, 53]);
    expect(decode(ipv4({ proto: 17, fragmentOffset: 9, moreFragments: true, payload: filler(64) }))).toBe(DecodeStatus.Ipv4Fragment);
    expect(decode(ipv4({ proto: 17, fragmentOffset: 18, payload: filler(64) }))).toBe(DecodeStatus.Ipv4Fragment);
  });

  it('Ethernet padding after the IP packet is not payload', () => {
    const ip = ipv4({ proto: 6, payload: tcp({ sport: 1, dport: 2 }) });
    expect(decode(bytes(ip, [0, 0, 0, 0, 0, 0]))).toBe(DecodeStatus.Ok);
    expect([out.l3Length, out.payloadLength]).toEqual([40, 0]);
  });

  it('total length 0 (TSO) means up to the end of the capture', () => {
    expect(decode(ipv4({ proto: 17, totalLength: 0, payload: udp(1, 2, filler(30)) }))).toBe(DecodeStatus.Ok);
    expect([out.l3Length, out.payloadLength]).toEqual([58, 30]);
  });

  it('a TCP/UDP header shorter than its minimum in a complete packet: ports 0, as ndpiReader', () => {
    expect(decode(ipv4({ proto: 6, payload: filler(12) }))).toBe(DecodeStatus.Ok);
    expect([out.l4Proto, out.srcPort, out.dstPort, out.tcpFlags]).toEqual([6, 0, 0, 0]);
  });

  it('truncation and malformed header causes', () => {
    const full = ipv4({ proto: 6, payload: tcp({ sport: 1, dport: 2, payload: filler(100) }) });
    const eth = 14;
    expect(decode(full, 27)).toBe(DecodeStatus.TooShort);
    expect(decode(full.subarray(0, 19))).toBe(DecodeStatus.TruncatedIpv4);
    expect(decode(ipv4({ proto: 6, options: filler(40), payload: [] }).subarray(0, 40))).toBe(DecodeStatus.TruncatedIpv4);
    expect(decode(ipv4({ proto: 6, ihl: 4, payload: filler(40) }))).toBe(DecodeStatus.BadIpv4Header);
    expect(decode(ipv4({ proto: 6, totalLength: 12, payload: filler(40) }))).toBe(DecodeStatus.BadIpv4Header);
    expect(decode(full, eth + 20 + 10)).toBe(DecodeStatus.TruncatedTcp);
    expect(decode(full, eth + 20 + 30)).toBe(DecodeStatus.TruncatedIpPayload);
    const dgram = ipv4({ proto: 17, payload: udp(1, 2, filler(100)) });
    expect(decode(dgram, eth + 20 + 6)).toBe(DecodeStatus.TruncatedUdp);
    expect(decode(dgram, eth + 20 + 50)).toBe(DecodeStatus.TruncatedIpPayload);
  });
});
