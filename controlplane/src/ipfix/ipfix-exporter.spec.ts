import { createServer, type Server } from 'node:net';
import { createSocket, type Socket } from 'node:dgram';
import { DestinationPolicy } from '../siem/destination-policy';
import { IpfixExporter } from './ipfix-exporter';
import type { IpfixFlow } from './ipfix-flow';

/** The shared destination policy at every connect of the exporter (real sockets on loopback). */
const FLOW: IpfixFlow = {
  ip_version: 4,
  l4_proto: 17,
  vlan: 0,
  client: { ip: '10.0.0.1', port: 5353 },
  server: { ip: '10.0.0.2', port: 53 },
  cli2srv: { packets: 1 },
  srv2cli: { packets: 1 },
  ip_bytes: { cli2srv: 60, srv2cli: 120 },
  first_seen_ms: 1_700_000_000_000,
  last_seen_ms: 1_700_000_000_100,
  end_reason: 'idle',
  tcp_flags: { cli2srv: 0, srv2cli: 0 },
  l7: 'DNS',
  server_name: 'example.org',
  if_index: 1,
};

describe('IpfixExporter under the destination policy', () => {
  let udp: Socket;
  let udpPort: number;
  const datagrams: Buffer[] = [];
  let tcp: Server;
  let tcpPort: number;
  let tcpConnections = 0;

  beforeAll(async () => {
    udp = createSocket('udp4');
    udp.on('message', (m) => datagrams.push(m));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    udpPort = udp.address().port;
    tcp = createServer((s) => {
      tcpConnections++;
      s.on('data', () => undefined);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    tcpPort = (tcp.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
  });

  it('drops and counts the records of a loopback UDP collector until the allowlist lists it', async () => {
    let allowed: string[] = [];
    const policy = new DestinationPolicy(() => allowed);
    const exporter = new IpfixExporter({ host: '127.0.0.1', port: udpPort, transport: 'udp', mode: 'biflow', observationDomainId: 1, policy });
    exporter.export([FLOW, FLOW]);
    await exporter.drain();
    expect(exporter.stats()).toMatchObject({ records_sent: 0, records_dropped: 2, connected: false });
    expect(exporter.stats().last_error).toMatch(/127\.0\.0\.1 is loopback.*siem_allowed_destinations/);
    expect(datagrams).toHaveLength(0);

    allowed = ['127.0.0.1/32'];
    exporter.export([FLOW]);
    await exporter.drain();
    expect(exporter.stats()).toMatchObject({ records_sent: 1, records_dropped: 2, connected: true });
    for (let i = 0; i < 50 && datagrams.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(datagrams).toHaveLength(1);
    expect(datagrams[0].readUInt16BE(0)).toBe(10); // IPFIX version
    await exporter.close();
  });

  it('never opens a TCP connection to a refused collector, and keeps the records queued meanwhile', async () => {
    const exporter = new IpfixExporter({
      host: '127.0.0.1',
      port: tcpPort,
      transport: 'tcp',
      mode: 'biflow',
      observationDomainId: 1,
      reconnectMinMs: 20,
      reconnectMaxMs: 40,
      policy: new DestinationPolicy(() => []),
    });
    exporter.export([FLOW]);
    await new Promise((r) => setTimeout(r, 200));
    expect(tcpConnections).toBe(0);
    expect(exporter.stats()).toMatchObject({ connected: false, queued: 1, records_sent: 0 });
    expect(exporter.stats().last_error).toMatch(/loopback/);
    await exporter.close();
  });
});
