/**
 * Builds packets byte by byte for tests and benchmarks (hand-made headers, no
 * checksums). Not used on the packet path: it allocates freely.
 */

/** Concatenates byte arrays / byte lists. */
export function bytes(...parts: ArrayLike<number>[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Big-endian 16-bit field. */
export function u16(v: number): number[] {
  return [(v >>> 8) & 0xff, v & 0xff];
}

/** Big-endian 32-bit field. */
export function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** Dotted IPv4 text to a 32-bit number. */
export function ip4(text: string): number {
  const p = text.split('.').map(Number);
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

/** IPv6 text (with optional '::') to 16 bytes. */
export function ip6(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => u16(g));
}

/** MAC addresses used by {@link ethernet} (source A, destination B). */
export const MAC_A = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
export const MAC_B = [0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb];

/** Ethernet II header + payload. */
export function ethernet(etherType: number, payload: ArrayLike<number>, dst = MAC_B, src = MAC_A): Uint8Array {
  return bytes(dst, src, u16(etherType), payload);
}

/** One 802.1Q/802.1ad tag (TCI then the next ethertype), to put after an Ethernet header whose type is the TPID. */
export function vlanTag(vlanId: number, nextType: number, priority = 0): number[] {
  return [...u16((priority << 13) | (vlanId & 0xfff)), ...u16(nextType)];
}

/** One MPLS label stack entry. */
export function mplsLabel(label: number, bottom: boolean, ttl = 64): number[] {
  return u32(((label & 0xfffff) << 12) | (bottom ? 0x100 : 0) | ttl);
}

/** Fields of a hand-built IPv4 packet ({@link ipv4}). */
export interface Ipv4Options {
  src?: string;
  dst?: string;
  proto: number;
  payload: ArrayLike<number>;
  /** IP options bytes (multiple of 4). */
  options?: number[];
  /** Fragment offset in 8-byte units. */
  fragmentOffset?: number;
  moreFragments?: boolean;
  /** Overrides the total length field. */
  totalLength?: number;
  /** Overrides the IHL nibble. */
  ihl?: number;
}

/** IPv4 header (no checksum) + payload. */
export function ipv4(o: Ipv4Options): Uint8Array {
  const options = o.options ?? [];
  const headerBytes = 20 + options.length;
  const total = o.totalLength ?? headerBytes + o.payload.length;
  const frag = ((o.moreFragments ? 1 : 0) << 13) | (o.fragmentOffset ?? 0);
  return bytes(
    [0x40 | (o.ihl ?? headerBytes / 4), 0],
    u16(total),
    u16(0x1234),
    u16(frag),
    [64, o.proto],
    u16(0),
    u32(ip4(o.src ?? '10.0.0.1')),
    u32(ip4(o.dst ?? '10.0.0.2')),
    options,
    o.payload,
  );
}

/** Fields of a hand-built IPv6 packet ({@link ipv6}). */
export interface Ipv6Options {
  src?: string;
  dst?: string;
  next: number;
  payload: ArrayLike<number>;
  /** Overrides the payload length field. */
  payloadLength?: number;
}

/** IPv6 header + payload (extension headers go in the payload). */
export function ipv6(o: Ipv6Options): Uint8Array {
  return bytes(
    [0x60, 0, 0, 0],
    u16(o.payloadLength ?? o.payload.length),
    [o.next, 64],
    ip6(o.src ?? '2001:db8::1'),
    ip6(o.dst ?? '2001:db8::2'),
    o.payload,
  );
}

/** A generic IPv6 extension header (hop-by-hop, routing, destination options): 8 * (1 + lenUnits) bytes. */
export function ipv6ExtHeader(next: number, lenUnits = 0): number[] {
  const h = new Array(8 * (1 + lenUnits)).fill(0);
  h[0] = next;
  h[1] = lenUnits;
  return h;
}

/** IPv6 fragment header. */
export function ipv6FragmentHeader(next: number, offsetUnits: number, more: boolean): number[] {
  return [next, 0, ...u16((offsetUnits << 3) | (more ? 1 : 0)), ...u32(0xabcdef)];
}

/** Fields of a hand-built TCP segment ({@link tcp}). */
export interface TcpOptions {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  flags?: number;
  payload?: ArrayLike<number>;
  /** TCP options bytes (multiple of 4). */
  options?: number[];
}

/** TCP header (data offset from the options) + payload. */
export function tcp(o: TcpOptions): Uint8Array {
  const options = o.options ?? [];
  return bytes(
    u16(o.sport),
    u16(o.dport),
    u32(o.seq ?? 1000),
    u32(o.ack ?? 2000),
    [((20 + options.length) / 4) << 4, o.flags ?? 0x18],
    u16(65535),
    u16(0),
    u16(0),
    options,
    o.payload ?? [],
  );
}

/** UDP header + payload. */
export function udp(sport: number, dport: number, payload: ArrayLike<number> = []): Uint8Array {
  return bytes(u16(sport), u16(dport), u16(8 + payload.length), u16(0), payload);
}

/** ICMP echo request (type 8) + payload. */
export function icmpEcho(payload: ArrayLike<number> = [1, 2, 3, 4]): Uint8Array {
  return bytes([8, 0], u16(0), u16(1), u16(1), payload);
}

/** Payload bytes 0..n-1. */
export function filler(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i & 0xff);
}
