import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { IpfixExporter, IpfixFlow } from '@flowprobe/controlplane';
import { Nfacctd, Nfcapd, NfdumpFlow, softflowdExport, TcpToUdpRelay } from './testing/ipfix-collectors';

/**
 * IPFIX export against real collectors from Debian: `flowprobe analyze
 * --export` into nfcapd 1.7.1 (read back with nfdump) and pmacct's nfacctd,
 * compared with flowprobe's own flow list and with softflowd on the same
 * capture; the exporter with a collector that goes down and comes back.
 */
const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../bin/flowprobe.js');
const PCAPS = path.resolve(__dirname, '../../../shared/pcaps/ndpi');

interface Flow {
  l4: string;
  vlan: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  cli2srv: { packets: number; bytes: number };
  srv2cli: { packets: number; bytes: number };
  ip_bytes: { cli2srv: number; srv2cli: number };
}

const PROTO: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1, ICMPV6: 58 };

async function analyze(capture: string, ...extra: string[]): Promise<{ flows: Flow[]; summary: Record<string, unknown> }> {
  const { stdout, stderr } = await run(process.execPath, [BIN, 'analyze', capture, '--no-dpi', ...extra], { maxBuffer: 64 << 20 });
  const flows = stdout.trim() ? stdout.trim().split('\n').map((l) => JSON.parse(l) as Flow) : [];
  return { flows, summary: JSON.parse(stderr.trim().split('\n').pop()!) };
}

const key = (src: string, sport: number, dst: string, dport: number, proto: number, vlan: number) => `${proto} ${src}:${sport} -> ${dst}:${dport} vlan ${vlan}`;

/** flowprobe's list as the collector should hold it: key -> [fwd pkts, fwd IP bytes, rev pkts, rev IP bytes]. */
function expected(flows: Flow[]): Map<string, number[]> {
  return new Map(flows.map((f) => [key(f.client.ip, f.client.port, f.server.ip, f.server.port, PROTO[f.l4] ?? Number(f.l4), f.vlan), [f.cli2srv.packets, f.ip_bytes.cli2srv, f.srv2cli.packets, f.ip_bytes.srv2cli]]));
}

function collected(flows: NfdumpFlow[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const f of flows) {
    const k = key(f.src, f.src_port, f.dst, f.dst_port, f.proto, f.vlan);
    const prev = out.get(k) ?? [0, 0, 0, 0];
    out.set(k, [prev[0] + f.in_packets, prev[1] + f.in_bytes, prev[2] + f.out_packets, prev[3] + f.out_bytes]);
  }
  return out;
}

function record(i: number): IpfixFlow {
  return {
    ip_version: 4,
    l4_proto: 17,
    vlan: 0,
    client: { ip: `10.1.${i >> 8}.${i & 255}`, port: 1024 + (i % 60000) },
    server: { ip: '10.2.0.1', port: 53 },
    cli2srv: { packets: 1 + (i % 5) },
    srv2cli: { packets: 1 },
    ip_bytes: { cli2srv: 100 + i, srv2cli: 200 },
    first_seen_ms: 1_700_000_000_000 + i,
    last_seen_ms: 1_700_000_000_500 + i,
    end_reason: 'idle',
    tcp_flags: { cli2srv: 0, srv2cli: 0 },
    l7: 'DNS',
    server_name: 'example.org',
    if_index: 1,
  };
}

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('IPFIX export to real collectors', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-ipfix-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  // IPv6, VLAN-tagged DNS, IPv4 TCP, QUIC, IPv4 with many small flows.
  const CAPTURES = ['http_ipv6.pcap', 'dns.pcap', '443-git.pcap', 'quic.pcap', 'smtp.pcap', 'snmp.pcap'];

  it.each(CAPTURES)('analyze --export ipfix:// of %s: nfcapd holds the same flows, packets and IP-layer bytes per direction as the flow list', async (capture) => {
    const nfcapd = await Nfcapd.start(path.join(tmp, `udp-${capture}`));
    let log = '';
    try {
      const { flows, summary } = await analyze(path.join(PCAPS, capture), '--export', `ipfix://127.0.0.1:${nfcapd.port}`);
      expect(summary.ipfix).toMatchObject([{ records_in: flows.length, records_sent: flows.length, records_dropped: 0, queued: 0 }]);
      await new Promise((r) => setTimeout(r, 300));
      log = await nfcapd.stop();
      const got = await nfcapd.flows();
      expect(collected(got)).toEqual(expected(flows));
      expect(got.every((f) => f.first <= f.last)).toBe(true);
      expect(log).toMatch(/Sequence Errors: 0, Bad Packets: 0/);
    } finally {
      await nfcapd.stop();
    }
  });

  it('interim records at the active timeout (deltas, IP bytes included) add up in nfcapd to the flow list', async () => {
    const nfcapd = await Nfcapd.start(path.join(tmp, 'udp-interim'));
    try {
      const { flows, summary } = await analyze(path.join(PCAPS, 'http_ipv6.pcap'), '--active-timeout', '2', '--export', `ipfix://127.0.0.1:${nfcapd.port}`);
      const sent = (summary.ipfix as { records_sent: number }[])[0].records_sent;
      expect(sent).toBeGreaterThan(flows.length); // some flows gave interim records
      await new Promise((r) => setTimeout(r, 300));
      await nfcapd.stop();
      const got = await nfcapd.flows();
      expect(got).toHaveLength(sent);
      expect(collected(got)).toEqual(expected(flows));
    } finally {
      await nfcapd.stop();
    }
  });

  it('softflowd -r -v 10 -b on the same captures gives nfcapd the same flows and counters as flowprobe (its biflow endpoints in address order)', async () => {
    let swapped = 0;
    let padded = 0;
    // Not dns.pcap: softflowd's default tracking (-T full) keeps no VLAN, flowprobe keys flows by VLAN.
    for (const capture of ['http_ipv6.pcap', '443-git.pcap', 'smtp.pcap', 'quic.pcap']) {
      const nfcapd = await Nfcapd.start(path.join(tmp, `softflowd-${capture}`));
      try {
        await softflowdExport(path.join(PCAPS, capture), nfcapd.port, path.join(tmp, `softflowd-${capture}`));
        await new Promise((r) => setTimeout(r, 300));
        await nfcapd.stop();
        const { flows } = await analyze(path.join(PCAPS, capture));
        // softflowd orders a biflow's endpoints by address and port, flowprobe by who sent first (or the SYN);
        // softflowd counts the frame's wire length less the link header (Ethernet padding included),
        // flowprobe the IP total length (RFC 7012 octetDeltaCount): the same where frames carry no padding.
        const ours = new Map(
          flows.map((f) => {
            const link = 14 + (f.vlan ? 4 : 0);
            const k = key(f.client.ip, f.client.port, f.server.ip, f.server.port, PROTO[f.l4] ?? Number(f.l4), f.vlan);
            return [k, [f.cli2srv.packets, f.cli2srv.bytes - link * f.cli2srv.packets, f.srv2cli.packets, f.srv2cli.bytes - link * f.srv2cli.packets]];
          }),
        );
        padded += flows.filter((f) => f.cli2srv.bytes - f.ip_bytes.cli2srv !== (14 + (f.vlan ? 4 : 0)) * f.cli2srv.packets).length;
        const theirs = collected(await nfcapd.flows());
        for (const [k, v] of [...theirs]) {
          if (ours.has(k)) continue;
          const m = /^(\d+) (.*) -> (.*) vlan (\d+)$/.exec(k)!;
          theirs.delete(k);
          theirs.set(`${m[1]} ${m[3]} -> ${m[2]} vlan ${m[4]}`, [v[2], v[3], v[0], v[1]]);
          swapped++;
        }
        expect(theirs).toEqual(ours);
      } finally {
        await nfcapd.stop();
      }
    }
    expect(swapped).toBeGreaterThan(0);
    expect(padded).toBeGreaterThan(0); // smtp.pcap has padded frames: there the two byte counts differ
  });

  it('pmacct nfacctd accepts the stream without errors and counts the forward packets of every flow', async () => {
    const nfacctd = await Nfacctd.start(path.join(tmp, 'nfacctd'));
    try {
      const { flows } = await analyze(path.join(PCAPS, 'http_ipv6.pcap'), '--export', `ipfix://127.0.0.1:${nfacctd.port}`);
      await waitFor(() => nfacctd.records().length >= flows.length, 'nfacctd print output');
      const recs = nfacctd.records();
      const got = new Map(recs.map((r) => [key(String(r.ip_src), Number(r.port_src), String(r.ip_dst), Number(r.port_dst), PROTO[String(r.ip_proto).toUpperCase()] ?? Number(r.ip_proto), Number(r.vlan ?? 0)), [Number(r.packets), Number(r.bytes)]]));
      expect(got).toEqual(new Map([...expected(flows)].map(([k, v]) => [k, [v[0], v[1]]])));
      expect(nfacctd.logText()).not.toMatch(/ERROR|WARN/);
    } finally {
      await nfacctd.stop();
    }
  });

  it('analyze --export ipfix+tcp:// (RFC 7011 §10.4) delivers the same flows', async () => {
    const nfcapd = await Nfcapd.start(path.join(tmp, 'tcp'));
    const relay = await TcpToUdpRelay.start(nfcapd.port);
    try {
      const { flows, summary } = await analyze(path.join(PCAPS, 'http_ipv6.pcap'), '--export', `ipfix+tcp://127.0.0.1:${relay.port}`);
      expect(summary.ipfix).toMatchObject([{ records_sent: flows.length, records_dropped: 0, templates_sent: 1 }]);
      await new Promise((r) => setTimeout(r, 300));
      await nfcapd.stop();
      expect(collected(await nfcapd.flows())).toEqual(expected(flows));
    } finally {
      await relay.close();
      await nfcapd.stop();
    }
  });

  it('TCP: a collector down then up again loses nothing within the queue bound; overflow is counted', async () => {
    const nfcapd = await Nfcapd.start(path.join(tmp, 'tcp-restart'));
    const relay = await TcpToUdpRelay.start(nfcapd.port);
    const exporter = new IpfixExporter({ host: '127.0.0.1', port: relay.port, transport: 'tcp', mode: 'biflow', observationDomainId: 7, maxQueuedRecords: 3000, reconnectMinMs: 100, reconnectMaxMs: 400 });
    try {
      await waitFor(() => exporter.stats().connected, 'TCP connection');
      exporter.export(Array.from({ length: 1000 }, (_, i) => record(i)));
      await exporter.drain();
      await waitFor(() => relay.messages > 0, 'first messages');
      await relay.stop();
      await waitFor(() => !exporter.stats().connected, 'the exporter to see the collector go');
      // Down: 2 500 records queue (bound 3 000), the next 1 000 overflow by 500.
      exporter.export(Array.from({ length: 2500 }, (_, i) => record(1000 + i)));
      exporter.export(Array.from({ length: 1000 }, (_, i) => record(3500 + i)));
      expect(exporter.stats()).toMatchObject({ queued: 3000, records_dropped: 500 });
      await relay.listen();
      await waitFor(() => exporter.stats().queued === 0, 'the queue to drain after reconnecting');
      await exporter.drain();
      await new Promise((r) => setTimeout(r, 500));
      await nfcapd.stop();
      const got = await nfcapd.flows();
      const sent = [...Array.from({ length: 3500 }, (_, i) => i), ...Array.from({ length: 500 }, (_, i) => 3500 + i)];
      expect(got).toHaveLength(4000);
      expect(new Set(got.map((f) => f.in_bytes - 100))).toEqual(new Set(sent));
      expect(exporter.stats()).toMatchObject({ records_sent: 4000, records_dropped: 500, reconnects: 1 });
      expect(exporter.stats().templates_sent).toBe(2); // once per connection
    } finally {
      await exporter.close();
      await relay.close();
      await nfcapd.stop();
    }
  });

  it('UDP: a collector down is counted as dropped records; after it comes back the template refresh makes records decodable again', async () => {
    const nfcapd = await Nfcapd.start(path.join(tmp, 'udp-restart'));
    const exporter = new IpfixExporter({ host: '127.0.0.1', port: nfcapd.port, transport: 'udp', mode: 'biflow', observationDomainId: 9, templateRefreshS: 3600, templateRefreshMessages: 5 });
    try {
      exporter.export(Array.from({ length: 200 }, (_, i) => record(i)));
      await exporter.drain();
      await new Promise((r) => setTimeout(r, 200));
      await nfcapd.stop();
      // Down: the kernel answers with ICMP port unreachable, later datagrams fail with ECONNREFUSED.
      for (let i = 0; i < 5; i++) {
        exporter.export(Array.from({ length: 100 }, (_, j) => record(1000 + 100 * i + j)));
        await exporter.drain();
        await new Promise((r) => setTimeout(r, 20));
      }
      const down = exporter.stats();
      expect(down.records_dropped).toBeGreaterThan(0);
      expect(down.records_dropped + down.records_sent).toBe(700);
      await nfcapd.restart();
      // Up again: nfcapd lost the templates with its restart; the refresh every 5 messages brings them back.
      exporter.export(Array.from({ length: 400 }, (_, i) => record(3000 + i)));
      await exporter.drain();
      await new Promise((r) => setTimeout(r, 300));
      const log = await nfcapd.stop();
      const after = (await nfcapd.flows()).map((f) => f.in_bytes - 100).filter((n) => n >= 3000);
      expect(after.length).toBeGreaterThan(300);
      expect(after).toContain(3399);
      expect(exporter.stats().templates_sent).toBeGreaterThan(10);
      expect(log).toMatch(/Bad Packets: 0/);
    } finally {
      await exporter.close();
      await nfcapd.stop();
    }
  });
});
