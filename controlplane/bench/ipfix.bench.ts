/**
 * IPFIX exporter benchmark: records per second (1) encoded alone, (2) through
 * IpfixExporter over UDP and (3) over TCP to loopback sinks in this process
 * that count the bytes and records they receive. Bounded in count; loopback only.
 *
 *   cd controlplane && npx tsc -p tsconfig.bench.json && node dist-bench/bench/ipfix.bench.js
 *
 * Env: IPFIX_BENCH_N (records, default 500000).
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { IpfixEncoder } from '../src/ipfix/ipfix-encoder';
import { IpfixExporter } from '../src/ipfix/ipfix-exporter';
import { IpfixFlow } from '../src/ipfix/ipfix-flow';

const N = Number(process.env.IPFIX_BENCH_N ?? 500_000);

function records(n: number): IpfixFlow[] {
  return Array.from({ length: n }, (_, i) => ({
    ip_version: i % 4 === 0 ? 6 : 4,
    l4_proto: i % 3 === 0 ? 17 : 6,
    vlan: i % 7,
    client: i % 4 === 0 ? { ip: `2001:db8::${(i & 0xffff).toString(16)}`, port: 1024 + (i % 60000) } : { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 1024 + (i % 60000) },
    server: i % 4 === 0 ? { ip: '2001:db8:1::53', port: 443 } : { ip: '192.0.2.10', port: 443 },
    cli2srv: { packets: 10 + (i % 100) },
    srv2cli: { packets: 8 + (i % 90) },
    ip_bytes: { cli2srv: 1000 + i, srv2cli: 20000 + i },
    first_seen_ms: 1_700_000_000_000 + i,
    last_seen_ms: 1_700_000_060_000 + i,
    end_reason: 'idle',
    tcp_flags: { cli2srv: 0x1b, srv2cli: 0x1b },
    l7: i % 2 ? 'TLS.YouTube' : 'DNS',
    server_name: i % 2 ? 'www.youtube.com' : `host${i % 1000}.example.org`,
    if_index: 1,
  }));
}

async function main(): Promise<void> {
  const recs = records(N);
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');

  const enc = new IpfixEncoder({ observationDomainId: 1, mode: 'biflow', enterpriseNumber: 32473, maxMessageBytes: 1400 });
  let t = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < N; i += 2000) for (const m of enc.encode(recs.slice(i, i + 2000), 1, i === 0)) bytes += m.length;
  const encS = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`encode only: ${N} records in ${encS.toFixed(2)} s = ${Math.round(N / encS)} records/s, ${(bytes / N).toFixed(1)} bytes/record (load ${load})`);

  // UDP: a sink socket that counts datagrams (records counted from the sequence numbers).
  const sink = createSocket('udp4');
  let udpLast = 0;
  sink.on('message', (m) => {
    udpLast = m.readUInt32BE(8);
  });
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  sink.setRecvBufferSize(8 << 20);
  const udp = new IpfixExporter({ host: '127.0.0.1', port: sink.address().port, transport: 'udp', mode: 'biflow', observationDomainId: 1, maxQueuedRecords: N });
  t = process.hrtime.bigint();
  udp.export(recs);
  await udp.drain();
  const udpS = Number(process.hrtime.bigint() - t) / 1e9;
  await new Promise((r) => setTimeout(r, 300));
  const us = udp.stats();
  console.log(`UDP exporter: ${us.records_sent} records in ${udpS.toFixed(2)} s = ${Math.round(us.records_sent / udpS)} records/s, ${us.messages_sent} datagrams; sink saw sequence up to ${udpLast} (datagrams the loopback socket buffer dropped are missing there)`);
  await udp.close();
  sink.close();

  // TCP: a sink server that counts bytes.
  let tcpBytes = 0;
  const server = createServer((s) => s.on('data', (d) => (tcpBytes += d.length)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const tcp = new IpfixExporter({ host: '127.0.0.1', port, transport: 'tcp', mode: 'biflow', observationDomainId: 1, maxQueuedRecords: N });
  while (!tcp.stats().connected) await new Promise((r) => setTimeout(r, 10));
  t = process.hrtime.bigint();
  tcp.export(recs);
  await tcp.drain();
  const tcpS = Number(process.hrtime.bigint() - t) / 1e9;
  const ts = tcp.stats();
  while (tcpBytes < ts.bytes_sent) await new Promise((r) => setTimeout(r, 10));
  console.log(`TCP exporter: ${ts.records_sent} records in ${tcpS.toFixed(2)} s = ${Math.round(ts.records_sent / tcpS)} records/s, ${ts.bytes_sent} bytes all received (load ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  await tcp.close();
  server.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
