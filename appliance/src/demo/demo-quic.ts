import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';

/**
 * QUIC version 1 Initial packets protected exactly as RFC 9001 section 5 prescribes (keys from
 * the client's Destination Connection ID, AEAD_AES_128_GCM payload protection, AES-based header
 * protection), so that a DPI engine can decrypt them and read the TLS ClientHello inside.
 */

/** RFC 9001 section 5.2: initial_salt for QUIC version 1. */
const INITIAL_SALT_V1 = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
export const QUIC_VERSION_1 = 0x00000001;
/** RFC 9000 section 14.1: a client's Initial must make the UDP datagram at least 1200 bytes; Chrome sends 1250. */
const CLIENT_INITIAL_DATAGRAM_BYTES = 1250;
const AEAD_TAG_BYTES = 16;

/** Initial packet protection keys of one direction. */
export interface QuicInitialKeys {
  secret: Buffer;
  key: Buffer;
  iv: Buffer;
  hp: Buffer;
}

/** TLS 1.3 HkdfLabel (RFC 8446 section 7.1) with an empty context. */
function hkdfLabel(label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'ascii');
  return Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
}

/** HKDF-Expand (RFC 5869) for up to one SHA-256 block, which is all QUIC Initial keys need. */
function hkdfExpand(prk: Buffer, info: Buffer, length: number): Buffer {
  return createHmac('sha256', prk).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
}

/** The Initial keys of the client (`client in`) or server (`server in`) for a Destination Connection ID. */
export function quicInitialKeys(dcid: Buffer, side: 'client' | 'server'): QuicInitialKeys {
  // HKDF-Extract(initial_salt, dcid) followed by HKDF-Expand-Label(.., "client in"/"server in", "", 32).
  const secret = Buffer.from(hkdfSync('sha256', dcid, INITIAL_SALT_V1, hkdfLabel(`${side} in`, 32), 32));
  return {
    secret,
    key: hkdfExpand(secret, hkdfLabel('quic key', 16), 16),
    iv: hkdfExpand(secret, hkdfLabel('quic iv', 12), 12),
    hp: hkdfExpand(secret, hkdfLabel('quic hp', 16), 16),
  };
}

/** A QUIC variable-length integer (RFC 9000 section 16), in the 1-, 2- or 4-byte form. */
export function quicVarint(v: number): Buffer {
  if (v < 64) return Buffer.from([v]);
  if (v < 16384) return Buffer.from([0x40 | (v >> 8), v & 0xff]);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((0x80000000 | v) >>> 0);
  return b;
}

/** Options of {@link quicInitialPacket}. */
export interface QuicInitialOptions {
  /** Destination Connection ID (8 bytes from a client): also the key material. */
  dcid: Buffer;
  scid: Buffer;
  packetNumber: number;
  /** The TLS handshake bytes the CRYPTO frame carries (a ClientHello). */
  cryptoData: Buffer;
  /** Which Initial keys protect the packet (always those derived from the client's first DCID). */
  keys: QuicInitialKeys;
  /** Pad the datagram to this size (default 1250, as Chrome). */
  datagramBytes?: number;
}

/** A protected QUIC v1 Initial packet carrying one CRYPTO frame, padded: the whole UDP payload. */
export function quicInitialPacket(o: QuicInitialOptions): Buffer {
  const pnLen = 2;
  const target = o.datagramBytes ?? CLIENT_INITIAL_DATAGRAM_BYTES;
  const crypto = Buffer.concat([Buffer.from([0x06]), quicVarint(0), quicVarint(o.cryptoData.length), o.cryptoData]);
  // Long header through the Length field: flags, version, DCID, SCID, token length 0, Length (2-byte varint).
  const fixed = 1 + 4 + 1 + o.dcid.length + 1 + o.scid.length + 1 + 2;
  const plainLen = Math.max(target - fixed - pnLen - AEAD_TAG_BYTES, crypto.length);
  const plain = Buffer.alloc(plainLen); // PADDING frames are zero bytes
  crypto.copy(plain, 0);
  const header = Buffer.alloc(fixed + pnLen);
  let o2 = 0;
  header[o2++] = 0xc0 | (0 << 4) | (pnLen - 1); // long header, fixed bit, type Initial
  header.writeUInt32BE(QUIC_VERSION_1, o2);
  o2 += 4;
  header[o2++] = o.dcid.length;
  o2 += o.dcid.copy(header, o2);
  header[o2++] = o.scid.length;
  o2 += o.scid.copy(header, o2);
  header[o2++] = 0; // token length
  header.writeUInt16BE(0x4000 | (pnLen + plainLen + AEAD_TAG_BYTES), o2);
  o2 += 2;
  const pnOffset = o2;
  header.writeUInt16BE(o.packetNumber & 0xffff, pnOffset);
  // Payload protection: nonce = iv XOR packet number (right-aligned), AAD = the unprotected header.
  const nonce = Buffer.from(o.keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] ^= (o.packetNumber >>> (8 * i)) & 0xff;
  const gcm = createCipheriv('aes-128-gcm', o.keys.key, nonce);
  gcm.setAAD(header);
  const sealed = Buffer.concat([gcm.update(plain), gcm.final(), gcm.getAuthTag()]);
  const packet = Buffer.concat([header, sealed]);
  // Header protection: mask from AES-ECB(hp, 16-byte sample taken 4 bytes after the packet number start).
  const sample = packet.subarray(pnOffset + 4, pnOffset + 20);
  const ecb = createCipheriv('aes-128-ecb', o.keys.hp, null);
  ecb.setAutoPadding(false);
  const mask = ecb.update(sample);
  packet[0] ^= mask[0] & 0x0f;
  for (let i = 0; i < pnLen; i++) packet[pnOffset + i] ^= mask[1 + i];
  return packet;
}

/** Transport parameters a browser sends (RFC 9000 section 18), with its Source Connection ID. */
export function quicTransportParameters(scid: Buffer): Buffer {
  const param = (id: number, value: Buffer): Buffer => Buffer.concat([quicVarint(id), quicVarint(value.length), value]);
  return Buffer.concat([
    param(0x01, quicVarint(30000)), // max_idle_timeout, ms
    param(0x04, quicVarint(15728640)), // initial_max_data
    param(0x05, quicVarint(6291456)), // initial_max_stream_data_bidi_local
    param(0x06, quicVarint(6291456)), // initial_max_stream_data_bidi_remote
    param(0x07, quicVarint(6291456)), // initial_max_stream_data_uni
    param(0x08, quicVarint(100)), // initial_max_streams_bidi
    param(0x09, quicVarint(103)), // initial_max_streams_uni
    param(0x0f, scid), // initial_source_connection_id
  ]);
}
