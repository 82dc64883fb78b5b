import { PcapWriter } from '@flowprobe/dataplane';
import { FlowPath, ipBytes, macBytes, udpFrame } from '../demo/demo-frames';

/** The names the capture of {@link writeLocalNamesCapture} announces, by the address that owns each. */
export const LOCAL_NAMES = {
  /** DHCP REQUEST (renewal from its address) with option 12 "lab-printer". */
  dhcp: { ip: '192.168.7.20', name: 'lab-printer' },
  /** NetBIOS datagram (UDP 138) whose source name is FILESRV-07. */
  netbios: { ip: '192.168.7.21', name: 'filesrv-07' },
  /** mDNS response announcing kitchen-ipad.local (A record). */
  mdns: { ip: '192.168.7.22', name: 'kitchen-ipad' },
  /** NetBIOS name query (UDP 137) for "wpad": names nobody (the query asks for another host's name). */
  netbiosQuery: { ip: '192.168.7.23', name: 'wpad' },
  /** mDNS response whose first answer is a service ("_ipp._tcp.local"): names nobody. */
  mdnsService: { ip: '192.168.7.24', name: '_ipp._tcp.local' },
} as const;

function path(client: string, server: string, clientPort: number, serverPort: number, serverMac = 'ff:ff:ff:ff:ff:ff'): FlowPath {
  return {
    v6: false,
    clientMac: macBytes(`02:00:00:00:07:${client.split('.')[3].padStart(2, '0').slice(-2)}`),
    serverMac: macBytes(serverMac),
    clientIp: ipBytes(client),
    serverIp: ipBytes(server),
    clientPort,
    serverPort,
    clientTtl: 64,
    serverTtl: 64,
    clientIpId: 1,
    serverIpId: 1,
  };
}

/** DHCP (BOOTP) REQUEST from `ciaddr` with option 53 = 3, option 12 = `hostName`, option 55. */
function dhcpRequest(ciaddr: string, mac: Buffer, hostName: string): Buffer {
  const fixed = Buffer.alloc(236);
  fixed[0] = 1; // BOOTREQUEST
  fixed[1] = 1; // Ethernet
  fixed[2] = 6;
  fixed.writeUInt32BE(0x3903f326, 4); // xid
  ipBytes(ciaddr).copy(fixed, 12);
  mac.copy(fixed, 28);
  const name = Buffer.from(hostName, 'ascii');
  const options = Buffer.concat([
    Buffer.from([0x63, 0x82, 0x53, 0x63]), // magic cookie
    Buffer.from([53, 1, 3]),
    Buffer.from([12, name.length]),
    name,
    Buffer.from([55, 4, 1, 3, 6, 15]),
    Buffer.from([255]),
  ]);
  const payload = Buffer.concat([fixed, options]);
  return payload.length < 300 ? Buffer.concat([payload, Buffer.alloc(300 - payload.length)]) : payload;
}

/** A NetBIOS name in first-level encoding (RFC 1001 §14.1): 15 characters padded with spaces, the suffix byte, as 32 letters with length and terminator. */
function netbiosName(name: string, suffix: number): Buffer {
  const raw = Buffer.alloc(16, 0x20);
  Buffer.from(name.toUpperCase().slice(0, 15), 'ascii').copy(raw);
  raw[15] = suffix;
  const out = Buffer.alloc(34);
  out[0] = 32;
  for (let i = 0; i < 16; i++) {
    out[1 + i * 2] = 0x41 + (raw[i] >> 4);
    out[2 + i * 2] = 0x41 + (raw[i] & 0x0f);
  }
  out[33] = 0;
  return out;
}

/** A NetBIOS direct group datagram (UDP 138, RFC 1002 §4.4.1) from `source` to the browse name, with an SMB header after the names. */
function netbiosDatagram(sourceIp: string, source: string): Buffer {
  const names = Buffer.concat([netbiosName(source, 0x00), netbiosName('WORKGROUP', 0x1d)]);
  const smb = Buffer.concat([Buffer.from([0xff, 0x53, 0x4d, 0x42, 0x25]), Buffer.alloc(27)]);
  const header = Buffer.alloc(14);
  header[0] = 0x11; // DIRECT_GROUP datagram
  header[1] = 0x02; // first fragment, B node
  header.writeUInt16BE(0x8101, 2);
  ipBytes(sourceIp).copy(header, 4);
  header.writeUInt16BE(138, 8);
  header.writeUInt16BE(names.length + smb.length, 10);
  header.writeUInt16BE(0, 12);
  return Buffer.concat([header, names, smb]);
}

/** A NetBIOS name query (UDP 137, broadcast) for `name`. */
function netbiosQuery(name: string): Buffer {
  const header = Buffer.from([0x12, 0x34, 0x01, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  return Buffer.concat([header, netbiosName(name, 0x00), Buffer.from([0x00, 0x20, 0x00, 0x01])]);
}

function dnsName(name: string): Buffer {
  return Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

/** An mDNS response (QR, AA, no question) with one answer record of `name`: an A record with `ip`, or a PTR to `target`. */
function mdnsResponse(name: string, answer: { a: string } | { ptr: string }): Buffer {
  const header = Buffer.from([0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]);
  const rdata = 'a' in answer ? ipBytes(answer.a) : dnsName(answer.ptr);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE('a' in answer ? 1 : 12, 0);
  fixed.writeUInt16BE(0x8001, 2); // IN, cache flush
  fixed.writeUInt32BE(120, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([header, dnsName(name), fixed, rdata]);
}

/**
 * Writes a capture of the ways local hosts name themselves on a LAN, as nDPI 4.2 reads them
 * (the flow's server name): a DHCP host-name option, a NetBIOS datagram's source name and an
 * mDNS announcement; plus a NetBIOS name query and an mDNS service answer, which name nobody.
 */
export function writeLocalNamesCapture(file: string, startS = 1_700_000_000): void {
  const w = new PcapWriter(file);
  let t = startS;
  const dhcp = path(LOCAL_NAMES.dhcp.ip, '192.168.7.1', 68, 67, '02:00:00:00:07:01');
  w.writePacket((t += 0.1), udpFrame(dhcp, true, dhcpRequest(LOCAL_NAMES.dhcp.ip, dhcp.clientMac, LOCAL_NAMES.dhcp.name)));
  const nb = path(LOCAL_NAMES.netbios.ip, '192.168.7.255', 138, 138);
  w.writePacket((t += 0.1), udpFrame(nb, true, netbiosDatagram(LOCAL_NAMES.netbios.ip, LOCAL_NAMES.netbios.name)));
  const mdns = path(LOCAL_NAMES.mdns.ip, '224.0.0.251', 5353, 5353, '01:00:5e:00:00:fb');
  w.writePacket((t += 0.1), udpFrame(mdns, true, mdnsResponse(`${LOCAL_NAMES.mdns.name}.local`, { a: LOCAL_NAMES.mdns.ip })));
  const query = path(LOCAL_NAMES.netbiosQuery.ip, '192.168.7.255', 137, 137);
  w.writePacket((t += 0.1), udpFrame(query, true, netbiosQuery(LOCAL_NAMES.netbiosQuery.name)));
  const service = path(LOCAL_NAMES.mdnsService.ip, '224.0.0.251', 5353, 5353, '01:00:5e:00:00:fb');
  w.writePacket((t += 0.1), udpFrame(service, true, mdnsResponse(LOCAL_NAMES.mdnsService.name, { ptr: 'Office Printer._ipp._tcp.local' })));
  w.close();
}
