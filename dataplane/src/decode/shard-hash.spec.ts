import { LinkType } from '../capture/packet-burst';
import { shardOf } from './shard-hash';
import { bytes, ethernet, filler, ipv4, ipv6, mplsLabel, tcp, u16, udp, vlanTag } from '../../test/fixtures/packet-builder';

/** Deterministic PRNG (mulberry32) so the distribution test is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function v4Pair(a: string, b: string): [Uint8Array, Uint8Array] {
  return [
    ethernet(0x0800, ipv4({ src: a, dst: b, proto: 6, payload: tcp({ sport: 1000, dport: 80 }) })),
    ethernet(0x0800, ipv4({ src: b, dst: a, proto: 6, payload: tcp({ sport: 80, dport: 1000 }) })),
  ];
}

function shard(pkt: Uint8Array, n: number, linkType: number = LinkType.Ethernet): number {
  return shardOf(pkt, 0, pkt.length, linkType, n);
}

describe('shardOf', () => {
  it('is symmetric: both directions of IPv4 and IPv6 conversations land in the same shard', () => {
    const rnd = prng(1);
    for (let i = 0; i < 2000; i++) {
      const a = `${rnd() & 255}.${rnd() & 255}.${rnd() & 255}.${rnd() & 255}`;
      const b = `${rnd() & 255}.${rnd() & 255}.${rnd() & 255}.${rnd() & 255}`;
      const [x, y] = v4Pair(a, b);
      for (const n of [2, 3, 4, 8]) expect(shard(x, n)).toBe(shard(y, n));
    }
    for (let i = 0; i < 500; i++) {
      const a = `2001:db8::${(rnd() & 0xffff).toString(16)}:${(rnd() & 0xffff).toString(16)}`;
      const b = `2001:db8:${(rnd() & 0xffff).toString(16)}::${(rnd() & 0xffff).toString(16)}`;
      const x = ethernet(0x86dd, ipv6({ src: a, dst: b, next: 17, payload: udp(1, 2) }));
      const y = ethernet(0x86dd, ipv6({ src: b, dst: a, next: 17, payload: udp(2, 1) }));
      expect(shard(x, 4)).toBe(shard(y, 4));
    }
  });

  it('spreads conversations evenly (each of 4 shards within 10% of its share)', () => {
    const rnd = prng(7);
    const counts = [0, 0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) {
      // Realistic skew: one /16 of clients talking to a handful of /24 servers.
      const pkt = v4Pair(`10.1.${rnd() & 255}.${rnd() & 255}`, `203.0.113.${rnd() & 15}`)[0];
      counts[shard(pkt, 4)]++;
    }
    for (const c of counts) expect(Math.abs(c - n / 4)).toBeLessThan(n / 40);
  });

  it('sees through VLAN, MPLS, PPPoE, SLL and loopback to the outer addresses', () => {
    const ip = ipv4({ src: '192.0.2.1', dst: '198.51.100.7', proto: 17, payload: udp(1, 2, filler(10)) });
    const plain = shard(ethernet(0x0800, ip), 16);
    expect(shard(ethernet(0x8100, bytes(vlanTag(3, 0x8100), vlanTag(4, 0x0800), ip)), 16)).toBe(plain);
    expect(shard(ethernet(0x8847, bytes(mplsLabel(5, false), mplsLabel(6, true), ip)), 16)).toBe(plain);
    expect(shard(ethernet(0x8864, bytes([0x11, 0], u16(1), u16(ip.length + 2), u16(0x21), ip)), 16)).toBe(plain);
    expect(shard(bytes(u16(0), u16(1), u16(6), filler(8), u16(0x0800), ip), 16, LinkType.LinuxSll)).toBe(plain);
    expect(shard(bytes([2, 0, 0, 0], ip), 16, LinkType.Null)).toBe(plain);
    expect(shard(ip, 16, LinkType.Raw)).toBe(plain);
  });

  it('does not open tunnels: a GRE packet goes where its outer addresses go', () => {
    const inner = ipv4({ src: '172.16.0.1', dst: '172.16.0.2', proto: 6, payload: tcp({ sport: 1, dport: 2 }) });
    const outer = { src: '10.0.0.1', dst: '10.0.0.2' };
    const gre = ethernet(0x0800, ipv4({ ...outer, proto: 47, payload: bytes(u16(0), u16(0x0800), inner) }));
    const plain = ethernet(0x0800, ipv4({ ...outer, proto: 17, payload: udp(1, 2) }));
    expect(shard(gre, 8)).toBe(shard(plain, 8));
  });

  it('sends anything unparsable to shard 0, and never reads past caplen', () => {
    expect(shard(ethernet(0x0806, filler(46)), 8)).toBe(0);
    expect(shard(new Uint8Array(0), 8)).toBe(0);
    expect(shard(ethernet(0x0800, [0x45, 0, 0]), 8)).toBe(0);
    expect(shard(ethernet(0x0800, filler(40)), 8, 999)).toBe(0);
    const [x] = v4Pair('1.1.1.1', '2.2.2.2');
    expect(shardOf(x, 0, 20, LinkType.Ethernet, 8)).toBe(0);
    expect(shardOf(x, 0, x.length, LinkType.Ethernet, 1)).toBe(0);
  });
});
