/**
 * Ethernet/IPv4/IPv6 + TCP/UDP/ICMP frame builders for the demo traffic generator, with correct
 * lengths and checksums, as a capture taken on the uplink of a small office would show them.
 */

/** TCP flag bits. */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

/** The two ends of a flow as the capture point sees them; "client" sends the first packet. */
export interface FlowPath {
  v6: boolean;
  clientMac: Buffer;
  serverMac: Buffer;
  clientIp: Buffer;
  serverIp: Buffer;
  clientPort: number;
  serverPort: number;
  /** IP TTL / hop limit of packets from each side as they reach the capture point. */
  clientTtl: number;
  serverTtl: number;
  /** IPv4 identification counters, advanced per packet. */
  clientIpId: number;
  serverIpId: number;
}

/** Parses dotted IPv4 or IPv6 text into 4 or 16 bytes. */
export function ipBytes(text: string): Buffer {
  if (!text.includes(':')) return Buffer.from(text.split('.').map((x) => Number(x)));
  const [head, tail] = text.includes('::') ? text.split('::') : [text, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Parses "aa:bb:cc:dd:ee:ff". */
export function macBytes(text: string): Buffer {
  return Buffer.from(text.split(':').map((x) => parseInt(x, 16)));
}

/** One's-complement sum of 16-bit words (RFC 1071), not yet inverted. */
function sum16(buf: Buffer, start: number, end: number, acc: number): number {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) s += (buf[i] << 8) | buf[i + 1];
  if (i < end) s += buf[i] << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return ~s & 0xffff;
}

/** Checksum of an L4 segment with the IPv4/IPv6 pseudo-header. */
function l4Checksum(src: Buffer, dst: Buffer, proto: number, seg: Buffer): number {
  let s = sum16(src, 0, src.length, 0);
  s = sum16(dst, 0, dst.length, s);
  s += proto + seg.length;
  return fold(sum16(seg, 0, seg.length, s));
}

/** Wraps an L4 segment (checksum already set) into IP and Ethernet. */
function ipFrame(p: FlowPath, fromClient: boolean, proto: number, seg: Buffer): Buffer {
  const srcMac = fromClient ? p.clientMac : p.serverMac;
  const dstMac = fromClient ? p.serverMac : p.clientMac;
  const src = fromClient ? p.clientIp : p.serverIp;
  const dst = fromClient ? p.serverIp : p.clientIp;
  const ttl = fromClient ? p.clientTtl : p.serverTtl;
  const ipHeader = p.v6 ? 40 : 20;
  const f = Buffer.alloc(14 + ipHeader + seg.length);
  dstMac.copy(f, 0);
  srcMac.copy(f, 6);
  f.writeUInt16BE(p.v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4, 12);
  if (p.v6) {
    f.writeUInt32BE(0x60000000, 14);
    f.writeUInt16BE(seg.length, 18);
    f[20] = proto;
    f[21] = ttl;
    src.copy(f, 22);
    dst.copy(f, 38);
  } else {
    const id = fromClient ? (p.clientIpId = (p.clientIpId + 1) & 0xffff) : (p.serverIpId = (p.serverIpId + 1) & 0xffff);
    f[14] = 0x45;
    f.writeUInt16BE(20 + seg.length, 16);
    f.writeUInt16BE(id, 18);
    f.writeUInt16BE(proto === IPPROTO_TCP ? 0x4000 : 0, 20); // DF on TCP, as Linux does
    f[22] = ttl;
    f[23] = proto;
    src.copy(f, 26);
    dst.copy(f, 30);
    f.writeUInt16BE(fold(sum16(f, 14, 34, 0)), 24);
  }
  seg.copy(f, 14 + ipHeader);
  return f;
}

/** A TCP segment in a frame. `options` must be a multiple of 4 bytes. */
export function tcpFrame(
  p: FlowPath,
  fromClient: boolean,
  seq: number,
  ack: number,
  flags: number,
  payload: Buffer,
  window = 502,
  options?: Buffer,
): Buffer {
  const optLen = options ? options.length : 0;
  const seg = Buffer.alloc(20 + optLen + payload.length);
  seg.writeUInt16BE(fromClient ? p.clientPort : p.serverPort, 0);
  seg.writeUInt16BE(fromClient ? p.serverPort : p.clientPort, 2);
  seg.writeUInt32BE(seq >>> 0, 4);
  seg.writeUInt32BE(flags & TCP_ACK ? ack >>> 0 : 0, 8);
  seg[12] = ((20 + optLen) / 4) << 4;
  seg[13] = flags;
  seg.writeUInt16BE(window, 14);
  if (options) options.copy(seg, 20);
  payload.copy(seg, 20 + optLen);
  const src = fromClient ? p.clientIp : p.serverIp;
  const dst = fromClient ? p.serverIp : p.clientIp;
  seg.writeUInt16BE(l4Checksum(src, dst, IPPROTO_TCP, seg), 16);
  return ipFrame(p, fromClient, IPPROTO_TCP, seg);
}

/** A UDP datagram in a frame. */
export function udpFrame(p: FlowPath, fromClient: boolean, payload: Buffer): Buffer {
  const seg = Buffer.alloc(8 + payload.length);
  seg.writeUInt16BE(fromClient ? p.clientPort : p.serverPort, 0);
  seg.writeUInt16BE(fromClient ? p.serverPort : p.clientPort, 2);
  seg.writeUInt16BE(seg.length, 4);
  payload.copy(seg, 8);
  const src = fromClient ? p.clientIp : p.serverIp;
  const dst = fromClient ? p.serverIp : p.clientIp;
  seg.writeUInt16BE(l4Checksum(src, dst, IPPROTO_UDP, seg) || 0xffff, 6);
  return ipFrame(p, fromClient, IPPROTO_UDP, seg);
}

/** An ICMP (IPv4) or ICMPv6 echo request (from the client) or reply (from the server). */
export function icmpEchoFrame(p: FlowPath, fromClient: boolean, id: number, seq: number, payload: Buffer): Buffer {
  const seg = Buffer.alloc(8 + payload.length);
  seg[0] = p.v6 ? (fromClient ? 128 : 129) : fromClient ? 8 : 0;
  seg.writeUInt16BE(id, 4);
  seg.writeUInt16BE(seq, 6);
  payload.copy(seg, 8);
  if (p.v6) {
    const src = fromClient ? p.clientIp : p.serverIp;
    const dst = fromClient ? p.serverIp : p.clientIp;
    seg.writeUInt16BE(l4Checksum(src, dst, IPPROTO_ICMPV6, seg), 2);
    return ipFrame(p, fromClient, IPPROTO_ICMPV6, seg);
  }
  seg.writeUInt16BE(fold(sum16(seg, 0, seg.length, 0)), 2);
  return ipFrame(p, fromClient, IPPROTO_ICMP, seg);
}
