import { createCipheriv, createDecipheriv } from 'node:crypto';
import { DemoRandom } from './demo-random';
import { quicInitialKeys, quicInitialPacket, quicTransportParameters } from './demo-quic';
import { clientHello } from './demo-tls';

describe('QUIC v1 Initial protection (RFC 9001)', () => {
  it('derives the Initial keys of RFC 9001 appendix A.1', () => {
    const dcid = Buffer.from('8394c8f03e515708', 'hex');
    const client = quicInitialKeys(dcid, 'client');
    expect(client.secret.toString('hex')).toBe('c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea');
    expect(client.key.toString('hex')).toBe('1f369613dd76d5467730efcbe3b1a22d');
    expect(client.iv.toString('hex')).toBe('fa044b2f42a3fd3b46fb255c');
    expect(client.hp.toString('hex')).toBe('9f50449e04a0e810283a1e9933adedd2');
    const server = quicInitialKeys(dcid, 'server');
    expect(server.secret.toString('hex')).toBe('3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b');
    expect(server.key.toString('hex')).toBe('cf3a5331653c364c88f0f379b6067e37');
    expect(server.iv.toString('hex')).toBe('0ac1493ca1905853b0bba03e');
    expect(server.hp.toString('hex')).toBe('c206b8d9b9f0f37644430b490eeaa314');
  });

  it('produces a client Initial that an independent decryption opens, with the SNI inside', () => {
    const rng = new DemoRandom(5);
    const dcid = rng.bytes(8);
    const scid = rng.bytes(8);
    const ch = clientHello(rng, { serverName: 'www.youtube.com', alpn: ['h3'], tls13: true, quicTransportParameters: quicTransportParameters(scid) });
    const packet = quicInitialPacket({ dcid, scid, packetNumber: 0, cryptoData: ch, keys: quicInitialKeys(dcid, 'client') });
    expect(packet.length).toBe(1250);

    // Receiver side, written from RFC 9001 section 5.4 without the generator's helpers.
    const keys = quicInitialKeys(packet.subarray(6, 6 + packet[5]), 'client');
    let o = 6 + packet[5];
    o += 1 + packet[o]; // SCID
    expect(packet[o]).toBe(0); // token length
    o += 1;
    const length = packet.readUInt16BE(o) & 0x3fff;
    o += 2;
    const pnOffset = o;
    const ecb = createCipheriv('aes-128-ecb', keys.hp, null); // the mask is an AES encryption of the sample
    ecb.setAutoPadding(false);
    const mask = ecb.update(packet.subarray(pnOffset + 4, pnOffset + 20));
    const first = packet[0] ^ (mask[0] & 0x0f);
    expect(first & 0xf0).toBe(0xc0); // long header, Initial
    const pnLen = (first & 3) + 1;
    const header = Buffer.from(packet.subarray(0, pnOffset + pnLen));
    header[0] = first;
    let pn = 0;
    for (let i = 0; i < pnLen; i++) {
      header[pnOffset + i] ^= mask[1 + i];
      pn = pn * 256 + header[pnOffset + i];
    }
    expect(pn).toBe(0);
    const nonce = Buffer.from(keys.iv);
    nonce[11] ^= pn;
    const sealed = packet.subarray(pnOffset + pnLen, pnOffset + length);
    const gcm = createDecipheriv('aes-128-gcm', keys.key, nonce);
    gcm.setAAD(header);
    gcm.setAuthTag(sealed.subarray(sealed.length - 16));
    const plain = Buffer.concat([gcm.update(sealed.subarray(0, sealed.length - 16)), gcm.final()]);
    expect(plain[0]).toBe(0x06); // CRYPTO frame at offset 0
    expect(plain.subarray(4, 4 + ch.length).equals(ch)).toBe(true);
    expect(plain.includes(Buffer.from('www.youtube.com'))).toBe(true);
  });
});
