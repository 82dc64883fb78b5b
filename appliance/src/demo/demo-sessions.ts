import { dnsQuery, dnsResponse } from './demo-dns';
import { FlowPath, icmpEchoFrame, TCP_ACK, TCP_RST, TCP_SYN, tcpFrame } from './demo-frames';
import { quicInitialKeys, quicInitialPacket, quicTransportParameters } from './demo-quic';
import { DemoRandom } from './demo-random';
import { DemoPacket, TcpMessage, tcpSession, udpPacket } from './demo-tcp';
import {
  clientHello,
  handshake,
  helloSessionId,
  serverHello,
  TLS_APPLICATION_DATA,
  TLS_CHANGE_CIPHER_SPEC,
  TLS_HANDSHAKE,
  tlsRecord,
} from './demo-tls';

/** Application-level sessions of the demo traffic, each a list of packets in time order. */

/** Common inputs of a session. */
export interface SessionContext {
  rng: DemoRandom;
  path: FlowPath;
  startS: number;
  rttS: number;
}

/** Application data as TLS records of at most 16 KiB of plaintext (+ 17 bytes of AEAD overhead). */
function appData(rng: DemoRandom, bytes: number, version = 0x0303): Buffer {
  const records: Buffer[] = [];
  for (let left = Math.max(1, Math.round(bytes)); left > 0; left -= 16384) {
    records.push(tlsRecord(TLS_APPLICATION_DATA, rng.bytes(Math.min(16384, left) + 17), version));
  }
  return Buffer.concat(records);
}

/** Splits `total` bytes into `n` positive parts of random sizes. */
function splitBytes(rng: DemoRandom, total: number, n: number): number[] {
  const w = Array.from({ length: n }, () => rng.real(0.2, 1));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => Math.max(64, Math.round((total * x) / sum)));
}

/** Options of {@link tlsSession}. */
export interface TlsSessionOptions {
  serverName: string;
  alpn: string[];
  tls13: boolean;
  /** Version of a pre-1.3 handshake (default 0x0303, TLS 1.2; 0x0301 for TLS 1.0). */
  version?: number;
  upBytes: number;
  downBytes: number;
  rateBps: number;
  requests: number;
}

/** HTTPS over TCP: TLS 1.3 or 1.2 handshake with SNI, then request/response rounds of application data. */
export function tlsSession(c: SessionContext, o: TlsSessionOptions): DemoPacket[] {
  const rng = c.rng;
  const version = o.version ?? 0x0303;
  const ch = clientHello(rng, { serverName: o.serverName, alpn: o.alpn, tls13: o.tls13, padTo: o.tls13 ? 512 : undefined, version });
  const sh = serverHello(rng, o.tls13, o.alpn[0] ?? null, helloSessionId(ch), version);
  const ccs = tlsRecord(TLS_CHANGE_CIPHER_SPEC, Buffer.from([1]), version);
  const messages: TcpMessage[] = [{ fromClient: true, data: tlsRecord(TLS_HANDSHAKE, ch, 0x0301) }];
  if (o.tls13) {
    // ServerHello in clear, then EncryptedExtensions..Finished as one encrypted record.
    messages.push({ fromClient: false, data: Buffer.concat([tlsRecord(TLS_HANDSHAKE, sh), ccs, appData(rng, rng.int(2400, 4800))]) });
    messages.push({ fromClient: true, data: Buffer.concat([ccs, appData(rng, 36)]) });
  } else {
    // ServerHello + ServerHelloDone (no certificate chain in the demo), client key exchange, both Finished.
    messages.push({ fromClient: false, data: Buffer.concat([tlsRecord(TLS_HANDSHAKE, sh, version), tlsRecord(TLS_HANDSHAKE, handshake(14, Buffer.alloc(0)), version)]) });
    const cke = handshake(16, Buffer.concat([Buffer.from([32]), rng.bytes(32)]));
    messages.push({ fromClient: true, data: Buffer.concat([tlsRecord(TLS_HANDSHAKE, cke, version), ccs, tlsRecord(TLS_HANDSHAKE, rng.bytes(40), version)]) });
    messages.push({ fromClient: false, data: Buffer.concat([ccs, tlsRecord(TLS_HANDSHAKE, rng.bytes(40), version)]) });
  }
  const ups = splitBytes(rng, o.upBytes, o.requests);
  const downs = splitBytes(rng, o.downBytes, o.requests);
  for (let i = 0; i < o.requests; i++) {
    messages.push({ fromClient: true, data: appData(rng, ups[i], version), pauseS: i === 0 ? 0 : rng.exp(2) });
    messages.push({ fromClient: false, data: appData(rng, downs[i], version), pauseS: rng.real(0.002, 0.08) });
  }
  return tcpSession({ ...c, messages, rateBps: o.rateBps, close: rng.chance(0.7) ? 'client' : rng.chance(0.8) ? 'server' : 'reset' });
}

/** Options of {@link httpSession}. */
export interface HttpSessionOptions {
  host: string;
  userAgent: string;
  /** Request paths, one request each on a keep-alive connection. */
  paths: string[];
  contentType: string;
  server: string;
  /** Status line after the version, e.g. `200 OK` or `204 No Content` (then no body). */
  status: string;
  downBytes: number;
  rateBps: number;
}

const HTTP_DATE = 'Thu, 01 Jan 2026 10:00:00 GMT';

/** Plain HTTP/1.1 with Host and User-Agent, keep-alive requests and 200 responses with bodies. */
export function httpSession(c: SessionContext, o: HttpSessionOptions): DemoPacket[] {
  const rng = c.rng;
  const messages: TcpMessage[] = [];
  const sizes = splitBytes(rng, o.downBytes, o.paths.length);
  o.paths.forEach((p, i) => {
    const req =
      `GET ${p} HTTP/1.1\r\nHost: ${o.host}\r\nUser-Agent: ${o.userAgent}\r\nAccept: */*\r\n` +
      `Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n`;
    const noBody = o.status.startsWith('204');
    const body = noBody ? Buffer.alloc(0) : o.contentType.startsWith('text/') ? Buffer.from('<html><body>'.padEnd(sizes[i], 'x')) : rng.bytes(sizes[i]);
    const head =
      `HTTP/1.1 ${o.status}\r\nDate: ${HTTP_DATE}\r\nServer: ${o.server}\r\nContent-Type: ${o.contentType}\r\n` +
      `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
    messages.push({ fromClient: true, data: Buffer.from(req, 'ascii'), pauseS: i === 0 ? 0 : rng.exp(0.5) });
    messages.push({ fromClient: false, data: Buffer.concat([Buffer.from(head, 'ascii'), body]), pauseS: rng.real(0.005, 0.05) });
  });
  return tcpSession({ ...c, messages, rateBps: o.rateBps, close: 'client' });
}

/** One DNS query and its answer (A or AAAA records, or NXDOMAIN with rcode 3), the answer after the resolver's delay. */
export function dnsExchange(c: SessionContext, name: string, type: number, answers: Buffer[], rcode = 0): DemoPacket[] {
  const id = c.rng.int(1, 65535);
  return [
    udpPacket(c.path, true, c.startS, dnsQuery(id, name, type)),
    udpPacket(c.path, false, c.startS + c.rttS, dnsResponse(id, name, type, answers, c.rng.pick([60, 300, 3600]), rcode)),
  ];
}

/**
 * A TCP SYN scan: one SYN per port, 2 ms apart; open ports answer SYN+ACK (and the scanner
 * resets), closed ones RST+ACK. Each port is its own flow.
 */
export function synScan(c: SessionContext, ports: number[], openPorts: Set<number>): DemoPacket[] {
  const out: DemoPacket[] = [];
  const seq = c.rng.u32();
  ports.forEach((port, i) => {
    const p = { ...c.path, serverPort: port };
    const t = c.startS + i * 0.002;
    out.push({ tsS: t, frame: tcpFrame(p, true, seq, 0, TCP_SYN, Buffer.alloc(0), 1024) });
    if (openPorts.has(port)) {
      const sseq = c.rng.u32();
      out.push({ tsS: t + c.rttS, frame: tcpFrame(p, false, sseq, seq + 1, TCP_SYN | TCP_ACK, Buffer.alloc(0), 64240) });
      out.push({ tsS: t + c.rttS + 0.00005, frame: tcpFrame(p, true, seq + 1, 0, TCP_RST, Buffer.alloc(0), 0) });
    } else {
      out.push({ tsS: t + c.rttS, frame: tcpFrame(p, false, 0, seq + 1, TCP_RST | TCP_ACK, Buffer.alloc(0), 0) });
    }
  });
  return out.sort((a, b) => a.tsS - b.tsS);
}

/** Options of {@link quicSession}. */
export interface QuicSessionOptions {
  serverName: string;
  upBytes: number;
  downBytes: number;
  rateBps: number;
}

/** QUIC v1: a real, decryptable client Initial with the ClientHello, the server's Initial, then 1-RTT traffic. */
export function quicSession(c: SessionContext, o: QuicSessionOptions): DemoPacket[] {
  const rng = c.rng;
  const dcid = rng.bytes(8);
  const clientCid = rng.bytes(8);
  const serverCid = rng.bytes(8);
  const ch = clientHello(rng, { serverName: o.serverName, alpn: ['h3'], tls13: true, quicTransportParameters: quicTransportParameters(clientCid) });
  const out: DemoPacket[] = [];
  let t = c.startS;
  const clientInitial = quicInitialPacket({ dcid, scid: clientCid, packetNumber: 0, cryptoData: ch, keys: quicInitialKeys(dcid, 'client') });
  out.push(udpPacket(c.path, true, t, clientInitial));
  t += c.rttS;
  const sh = serverHello(rng, true, null, Buffer.alloc(0));
  const serverInitial = quicInitialPacket({ dcid: clientCid, scid: serverCid, packetNumber: 0, cryptoData: sh, keys: quicInitialKeys(dcid, 'server'), datagramBytes: 1200 });
  out.push(udpPacket(c.path, false, t, serverInitial));
  // Handshake packets (long header, type 2): certificate flight, opaque here.
  const handshakeFlight = (fromClient: boolean, bytes: number): Buffer =>
    Buffer.concat([Buffer.from([0xe1, 0, 0, 0, 1, 8]), fromClient ? serverCid : clientCid, Buffer.from([8]), fromClient ? clientCid : serverCid, rng.bytes(bytes)]);
  t += 0.0005;
  out.push(udpPacket(c.path, false, t, handshakeFlight(false, rng.int(1150, 1230))));
  t += 0.0005;
  out.push(udpPacket(c.path, false, t, handshakeFlight(false, rng.int(600, 1200))));
  t += 0.002;
  out.push(udpPacket(c.path, true, t, handshakeFlight(true, rng.int(60, 90))));
  // 1-RTT short-header packets: fixed bit set, key phase/spin bits random, DCID of the receiver.
  const shortPacket = (fromClient: boolean, bytes: number): Buffer =>
    Buffer.concat([Buffer.from([0x40 | (rng.u32() & 0x3f)]), fromClient ? serverCid : clientCid, rng.bytes(bytes)]);
  const down = Math.max(1, Math.round(o.downBytes / 1250));
  const up = Math.max(1, Math.round(o.upBytes / 400));
  const gapS = 1250 / o.rateBps;
  t += 0.001;
  for (let i = 0; i < up; i++) out.push(udpPacket(c.path, true, t + i * 0.02, shortPacket(true, rng.int(40, 700))));
  t += c.rttS;
  for (let i = 0; i < down; i++) {
    const ts = t + i * gapS * rng.real(0.7, 1.3);
    out.push(udpPacket(c.path, false, ts, shortPacket(false, rng.int(1180, 1240))));
    if (i % 4 === 3) out.push(udpPacket(c.path, true, ts + 0.0002, shortPacket(true, rng.int(25, 40)))); // ACK frames
  }
  return out.sort((a, b) => a.tsS - b.tsS);
}

/** Echo requests every `intervalS`, each answered after one RTT (Linux ping payload: timeval + 0x10..0x37). */
export function pingSession(c: SessionContext, count: number, intervalS: number): DemoPacket[] {
  const id = c.rng.int(1, 65535);
  const out: DemoPacket[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const t = c.startS + (seq - 1) * intervalS;
    const payload = Buffer.alloc(56);
    payload.writeUInt32LE(Math.floor(t), 0);
    payload.writeUInt32LE(Math.floor((t % 1) * 1e6), 8);
    for (let i = 16; i < 56; i++) payload[i] = i;
    out.push({ tsS: t, frame: icmpEchoFrame(c.path, true, id, seq, payload) });
    out.push({ tsS: t + c.rttS * c.rng.real(0.9, 1.3), frame: icmpEchoFrame(c.path, false, id, seq, payload) });
  }
  return out;
}

const NTP_EPOCH_OFFSET_S = 2208988800;

function ntpTimestamp(b: Buffer, offset: number, tS: number): void {
  const s = tS + NTP_EPOCH_OFFSET_S;
  b.writeUInt32BE(Math.floor(s) >>> 0, offset);
  b.writeUInt32BE(Math.floor((s % 1) * 4294967296) >>> 0, offset + 4);
}

/** An NTPv4 client request (mode 3) and the server's answer (mode 4, stratum 2). */
export function ntpExchange(c: SessionContext): DemoPacket[] {
  const req = Buffer.alloc(48);
  req[0] = 0x23; // LI 0, version 4, mode 3
  req[2] = 6;
  req[3] = 0xe9;
  ntpTimestamp(req, 40, c.startS);
  const res = Buffer.alloc(48);
  res[0] = 0x24; // mode 4
  res[1] = 2;
  res[2] = 6;
  res[3] = 0xe7;
  res.writeUInt32BE(c.rng.int(200, 900), 4); // root delay, 1/65536 s
  res.writeUInt32BE(c.rng.int(20, 300), 8);
  res.writeUInt32BE(c.rng.u32(), 12); // reference id: the upstream server
  ntpTimestamp(res, 16, c.startS - c.rng.real(10, 1000));
  req.copy(res, 24, 40, 48); // origin = the client's transmit time
  ntpTimestamp(res, 32, c.startS + c.rttS / 2);
  ntpTimestamp(res, 40, c.startS + c.rttS / 2 + 0.00002);
  return [udpPacket(c.path, true, c.startS, req), udpPacket(c.path, false, c.startS + c.rttS, res)];
}

/** An SSH binary packet (RFC 4253 section 6) around `payload`, padded to a multiple of 8. */
function sshPacket(rng: DemoRandom, payload: Buffer): Buffer {
  let pad = 8 - ((5 + payload.length) % 8);
  if (pad < 4) pad += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + pad, 0);
  head[4] = pad;
  return Buffer.concat([head, payload, rng.bytes(pad)]);
}

function sshKexInit(rng: DemoRandom, lists: string[]): Buffer {
  const parts = lists.map((l) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(l.length);
    return Buffer.concat([b, Buffer.from(l, 'ascii')]);
  });
  return sshPacket(rng, Buffer.concat([Buffer.from([20]), rng.bytes(16), ...parts, Buffer.alloc(5)]));
}

const SSH_KEX = 'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group16-sha512';
const SSH_HOSTKEY = 'ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256';
const SSH_CIPHER = 'chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com';
const SSH_MAC = 'umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com';

/** SSH: banners, KEXINIT both ways, ECDH, then `exchanges` encrypted request/response pairs of the given sizes. */
export function sshSession(c: SessionContext, serverBanner: string, exchanges: number, downBytes: number, rateBps: number): DemoPacket[] {
  const rng = c.rng;
  const kex = (): Buffer => sshKexInit(rng, [SSH_KEX, SSH_HOSTKEY, SSH_CIPHER, SSH_CIPHER, SSH_MAC, SSH_MAC, 'none,zlib@openssh.com', 'none,zlib@openssh.com', '', '']);
  const messages: TcpMessage[] = [
    { fromClient: true, data: Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n', 'ascii') },
    { fromClient: false, data: Buffer.from(`${serverBanner}\r\n`, 'ascii') },
    { fromClient: true, data: kex() },
    { fromClient: false, data: kex() },
    { fromClient: true, data: sshPacket(rng, Buffer.concat([Buffer.from([30, 0, 0, 0, 32]), rng.bytes(32)])) },
    { fromClient: false, data: Buffer.concat([sshPacket(rng, Buffer.concat([Buffer.from([31]), rng.bytes(rng.int(180, 260))])), sshPacket(rng, Buffer.from([21]))]) },
    { fromClient: true, data: sshPacket(rng, Buffer.from([21])) },
  ];
  const downs = splitBytes(rng, downBytes, exchanges);
  for (let i = 0; i < exchanges; i++) {
    messages.push({ fromClient: true, data: rng.bytes(rng.int(36, 120)), pauseS: rng.exp(1.5) });
    messages.push({ fromClient: false, data: rng.bytes(downs[i]), pauseS: rng.real(0.001, 0.03) });
  }
  return tcpSession({ ...c, messages, rateBps, close: 'client' });
}

/** A proprietary UDP protocol nobody can name: random payloads both ways every few seconds. */
export function unknownUdpSession(c: SessionContext, exchanges: number, intervalS: number): DemoPacket[] {
  const out: DemoPacket[] = [];
  const magic = c.rng.bytes(4);
  for (let i = 0; i < exchanges; i++) {
    const t = c.startS + i * intervalS * c.rng.real(0.8, 1.2);
    out.push(udpPacket(c.path, true, t, Buffer.concat([magic, c.rng.bytes(c.rng.int(20, 300))])));
    if (c.rng.chance(0.8)) out.push(udpPacket(c.path, false, t + c.rttS, Buffer.concat([magic, c.rng.bytes(c.rng.int(20, 900))])));
  }
  return out.sort((a, b) => a.tsS - b.tsS);
}
