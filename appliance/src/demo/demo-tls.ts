import { DemoRandom } from './demo-random';

/**
 * TLS handshake messages for the demo traffic: ClientHello and ServerHello with the extensions a
 * current browser sends (SNI, ALPN, supported_versions, key_share...), so that DPI engines read
 * the server name, versions and ALPN exactly as from real traffic. Keys are random bytes.
 */

export const TLS_HANDSHAKE = 22;
export const TLS_CHANGE_CIPHER_SPEC = 20;
export const TLS_APPLICATION_DATA = 23;

const u8 = (v: number): Buffer => Buffer.from([v & 0xff]);
const u16 = (v: number): Buffer => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
const u24 = (v: number): Buffer => Buffer.from([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);

/** An extension: type, 16-bit length, body. */
function ext(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), u16(body.length), body]);
}

/** A vector with a 16-bit length prefix. */
const vec16 = (body: Buffer): Buffer => Buffer.concat([u16(body.length), body]);

/** A handshake message: type, 24-bit length, body. */
export function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([u8(type), u24(body.length), body]);
}

/** A TLS record (legacy version 0x0303 unless given). */
export function tlsRecord(contentType: number, body: Buffer, version = 0x0303): Buffer {
  return Buffer.concat([u8(contentType), u16(version), u16(body.length), body]);
}

/** Options of {@link clientHello}. */
export interface ClientHelloOptions {
  serverName: string;
  alpn: string[];
  /** Offer TLS 1.3 (supported_versions, key_share) besides 1.2. */
  tls13: boolean;
  /** QUIC transport parameters: makes a QUIC-style hello (no session id, TLS 1.3 only). */
  quicTransportParameters?: Buffer;
  /** Pad the hello (padding extension) to this many bytes, as Chrome does to 512. */
  padTo?: number;
  /** client_version of a TLS 1.2-or-older hello (default 0x0303; 0x0301 = TLS 1.0 of a legacy client). */
  version?: number;
}

const TLS13_SUITES = [0x1301, 0x1302, 0x1303];
const TLS12_SUITES = [0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
/** What a TLS 1.0 client (old embedded stack) offers: CBC suites, 3DES. */
const TLS10_SUITES = [0xc013, 0xc014, 0x002f, 0x0035, 0x000a];
const SIGNATURE_ALGORITHMS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];
const GROUPS = [0x001d, 0x0017, 0x0018];

/** A ClientHello handshake message (not yet in a record). */
export function clientHello(rng: DemoRandom, o: ClientHelloOptions): Buffer {
  const quic = o.quicTransportParameters !== undefined;
  const legacy = (o.version ?? 0x0303) < 0x0303;
  const suites = quic ? TLS13_SUITES : o.tls13 ? [...TLS13_SUITES, ...TLS12_SUITES] : legacy ? TLS10_SUITES : TLS12_SUITES;
  const name = Buffer.from(o.serverName, 'ascii');
  const alpn = Buffer.concat(o.alpn.map((a) => Buffer.concat([u8(a.length), Buffer.from(a, 'ascii')])));
  const exts: Buffer[] = [
    ext(0, vec16(Buffer.concat([u8(0), u16(name.length), name]))), // server_name
    ext(23, Buffer.alloc(0)), // extended_master_secret
  ];
  if (!quic) exts.push(ext(0xff01, u8(0)), ext(11, Buffer.from([1, 0]))); // renegotiation_info, ec_point_formats
  exts.push(
    ext(10, vec16(Buffer.concat(GROUPS.map(u16)))), // supported_groups
    ext(35, Buffer.alloc(0)), // session_ticket
  );
  if (alpn.length > 0) exts.push(ext(16, vec16(alpn)));
  exts.push(
    ext(5, Buffer.from([1, 0, 0, 0, 0])), // status_request
    ext(13, vec16(Buffer.concat(SIGNATURE_ALGORITHMS.map(u16)))),
    ext(18, Buffer.alloc(0)), // signed_certificate_timestamp
  );
  if (o.tls13 || quic) {
    exts.push(
      ext(51, vec16(Buffer.concat([u16(0x001d), u16(32), rng.bytes(32)]))), // key_share x25519
      ext(45, Buffer.from([1, 1])), // psk_key_exchange_modes: psk_dhe_ke
      ext(43, quic ? Buffer.from([2, 3, 4]) : Buffer.from([4, 3, 4, 3, 3])), // supported_versions
      ext(27, Buffer.from([2, 0, 2])), // compress_certificate: brotli
    );
  }
  if (quic) exts.push(ext(57, o.quicTransportParameters as Buffer));
  const sessionId = quic ? Buffer.alloc(0) : rng.bytes(32);
  const head = Buffer.concat([u16(o.version ?? 0x0303), rng.bytes(32), u8(sessionId.length), sessionId, vec16(Buffer.concat(suites.map(u16))), Buffer.from([1, 0])]);
  let extensions = Buffer.concat(exts);
  if (o.padTo !== undefined) {
    // 4 (handshake header) + head + 2 (extensions length) + extensions + 4 (padding ext header).
    const pad = o.padTo - (4 + head.length + 2 + extensions.length + 4);
    if (pad >= 0) extensions = Buffer.concat([extensions, ext(21, Buffer.alloc(pad))]);
  }
  return handshake(1, Buffer.concat([head, vec16(extensions)]));
}

/** A ServerHello handshake message answering a hello for TLS 1.3, or for `version` (default 1.2), with the given ALPN. */
export function serverHello(rng: DemoRandom, tls13: boolean, alpn: string | null, sessionId: Buffer, version = 0x0303): Buffer {
  const exts: Buffer[] = [];
  if (tls13) {
    exts.push(ext(43, u16(0x0304)), ext(51, Buffer.concat([u16(0x001d), u16(32), rng.bytes(32)])));
  } else {
    exts.push(ext(0xff01, u8(0)), ext(11, Buffer.from([1, 0])), ext(23, Buffer.alloc(0)));
    if (alpn !== null) exts.push(ext(16, vec16(Buffer.concat([u8(alpn.length), Buffer.from(alpn, 'ascii')]))));
  }
  const suite = tls13 ? 0x1301 : version < 0x0303 ? 0xc013 : 0xc02f;
  const body = Buffer.concat([u16(tls13 ? 0x0303 : version), rng.bytes(32), u8(sessionId.length), sessionId, u16(suite), u8(0), vec16(Buffer.concat(exts))]);
  return handshake(2, body);
}

/** The session id of a ClientHello handshake message (to echo it in the ServerHello). */
export function helloSessionId(clientHelloMsg: Buffer): Buffer {
  const len = clientHelloMsg[4 + 2 + 32];
  return clientHelloMsg.subarray(4 + 2 + 32 + 1, 4 + 2 + 32 + 1 + len);
}
