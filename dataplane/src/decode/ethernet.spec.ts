import { LinkType } from '../capture/packet-burst';
import { decodePacket } from './decode-packet';
import { DecodeStatus } from './decode-status';
import { DecodedPacket } from './decoded-packet';
import { bytes, ethernet, filler, ipv4, ipv6, mplsLabel, tcp, u16, udp, vlanTag } from '../../test/fixtures/packet-builder';

const out = new DecodedPacket();
const v4 = ipv4({ proto: 6, payload: tcp({ sport: 1234, dport: 80, payload: filler(30) }) });
const v6 = ipv6({ next: 17, payload: udp(546, 547, filler(30)) });

function decode(pkt: Uint8Array): number {
  return decodePacket(pkt, 0, pkt.length, LinkType.Ethernet, out);
}

describe('Ethernet, VLAN, MPLS, PPPoE', () => {
  it('802.1Q: the VLAN id (12 bits, priority ignored)', () => {
    expect(decode(ethernet(0x8100, bytes(vlanTag(42, 0x0800, 5), v4)))).toBe(DecodeStatus.Ok);
    expect([out.vlan, out.srcPort, out.dstPort, out.l3Offset]).toEqual([42, 1234, 80, 18]);
  });

  it.each([0x88a8, 0x9100, 0x8100])('QinQ with outer TPID %s: the innermost VLAN id wins (as ndpiReader)', (tpid) => {
    expect(decode(ethernet(tpid, bytes(vlanTag(100, 0x8100), vlanTag(200, 0x0800), v4)))).toBe(DecodeStatus.Ok);
    expect([out.vlan, out.l3Offset]).toEqual([200, 22]);
  });

  it('truncation inside the tag stack and right after it', () => {
    const pkt = ethernet(0x8100, bytes(vlanTag(7, 0x0800), [0x45], filler(13)));
    expect(decodePacket(pkt, 0, 18, LinkType.Ethernet, out)).toBe(DecodeStatus.TooShort);
    expect(decodePacket(pkt, 0, pkt.length, LinkType.Ethernet, out)).toBe(DecodeStatus.TruncatedIpv4);
    const tags = ethernet(0x8100, bytes(vlanTag(1, 0x8100), vlanTag(2, 0x8100), vlanTag(3, 0x8100), filler(2)));
    expect(decode(tags)).toBe(DecodeStatus.TruncatedL2);
  });

  it('endless VLAN tags are too_many_labels', () => {
    const tags: number[] = [];
    for (let i = 0; i < 20; i++) tags.push(...vlanTag(i, 0x8100));
    expect(decode(ethernet(0x8100, bytes(tags, v4)))).toBe(DecodeStatus.TooManyLabels);
  });

  it('MPLS unicast label stack to the bottom of stack, IPv4 and IPv6 payloads', () => {
    expect(decode(ethernet(0x8847, bytes(mplsLabel(16, false), mplsLabel(17, false), mplsLabel(18, true), v4)))).toBe(DecodeStatus.Ok);
    expect([out.ipVersion, out.l3Offset, out.dstPort]).toEqual([4, 26, 80]);
    expect(decode(ethernet(0x8848, bytes(mplsLabel(16, true), v6)))).toBe(DecodeStatus.Ok);
    expect([out.ipVersion, out.l3Offset, out.dstPort]).toEqual([6, 18, 547]);
  });

  it('MPLS: VLAN then labels; non-IP payload; endless stack; truncated stack', () => {
    expect(decode(ethernet(0x8100, bytes(vlanTag(9, 0x8847), mplsLabel(1, true), v4)))).toBe(DecodeStatus.Ok);
    expect(out.vlan).toBe(9);
    expect(decode(ethernet(0x8847, bytes(mplsLabel(1, true), [0x00, ...filler(40)])))).toBe(DecodeStatus.NonIp);
    const labels: number[] = [];
    for (let i = 0; i < 20; i++) labels.push(...mplsLabel(i, false));
    expect(decode(ethernet(0x8847, bytes(labels, v4)))).toBe(DecodeStatus.TooManyLabels);
    expect(decode(ethernet(0x8847, bytes(mplsLabel(1, false), mplsLabel(2, false), mplsLabel(3, false), filler(4))))).toBe(
      DecodeStatus.TruncatedL2,
    );
  });

  it('PPPoE session with PPP IPv4 and IPv6; other PPP protocols are not IP', () => {
    const pppoe = (ppp: number, payload: Uint8Array) => bytes([0x11, 0x00], u16(0x0001), u16(payload.length + 2), u16(ppp), payload);
    expect(decode(ethernet(0x8864, pppoe(0x0021, v4)))).toBe(DecodeStatus.Ok);
    expect([out.ipVersion, out.l3Offset]).toEqual([4, 22]);
    expect(decode(ethernet(0x8864, pppoe(0x0057, v6)))).toBe(DecodeStatus.Ok);
    expect(out.ipVersion).toBe(6);
    expect(decode(ethernet(0x8864, pppoe(0xc021, v4)))).toBe(DecodeStatus.NonIp);
  });

  it('the ethertype does not override the IP version nibble (as ndpiReader)', () => {
    expect(decode(ethernet(0x0800, v6))).toBe(DecodeStatus.Ok);
    expect(out.ipVersion).toBe(6);
    expect(decode(ethernet(0x0800, bytes([0x50], filler(40))))).toBe(DecodeStatus.BadIpVersion);
  });
});
