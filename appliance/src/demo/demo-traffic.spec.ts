import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_NTP_SERVERS, DEMO_SERVICES, DEMO_SSH_SERVERS } from './demo-catalog';
import { ensureDemoCapture } from './demo-capture';
import { generateDemoCapture } from './demo-traffic';

interface NdpiFlow {
  l4: string;
  client: string;
  server: string;
  proto: string;
  sni: string | null;
  url: string | null;
  risk: string;
  confidence: string;
}

/** Runs Debian's ndpiReader (real nDPI 4.2) on a capture and parses its per-flow lines (-v 2). */
function ndpiReader(file: string): { flows: NdpiFlow[]; ipPackets: number } {
  const out = execFileSync('ndpiReader', ['-i', file, '-v', '2'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const flows: NdpiFlow[] = [];
  for (const line of out.split('\n')) {
    const m = /^\t\d+\t(\S+) (\[[^\]]+\]|[^\s[]+):\d+ (?:<->|->) (\[[^\]]+\]|[^\s[]+):\d+ (.*)$/.exec(line);
    if (!m) continue;
    const proto = /\[proto: (?:[A-Z]+:)?[\d.]+\/([^\]]+)\]/.exec(m[4]);
    flows.push({
      l4: m[1],
      client: m[2],
      server: m[3],
      proto: proto ? proto[1] : '?',
      sni: /\[Hostname\/SNI: ([^\]]+)\]/.exec(m[4])?.[1] ?? null,
      url: /\[URL: ([^\]]+)\]/.exec(m[4])?.[1] ?? null,
      risk: /\[Risk: ([^\]]*)\]/.exec(m[4])?.[1] ?? '',
      confidence: /\[Confidence: ([^\]]*)\]/.exec(m[4])?.[1] ?? '',
    });
  }
  const ip = /IP packets:\s+(\d+)/.exec(out);
  return { flows, ipPackets: ip ? Number(ip[1]) : -1 };
}

const KNOWN_NAMES = new Set([...DEMO_SERVICES.flatMap((s) => s.names), ...DEMO_NTP_SERVERS.map(([n]) => n), ...DEMO_SSH_SERVERS.map((s) => s.name), 'portal.legacy-erp.com']);

describe('demo traffic generator', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-demo-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is classified by real nDPI: HTTP, TLS and QUIC with SNI sub-protocols, DNS, NTP, ICMP, SSH, unknown UDP', () => {
    const file = path.join(dir, 'small.pcap');
    const summary = generateDemoCapture(file, { seed: 3, durationS: 40, clients: 16 });
    const { flows, ipPackets } = ndpiReader(file);
    // Every frame is a well-formed IP packet nDPI counts.
    expect(ipPackets).toBe(summary.packets);
    const protos = new Set(flows.map((f) => f.proto));
    // Flows nDPI recognised by payload (the SYN scan's flows are only guessed by port).
    const dpi = flows.filter((f) => f.confidence === 'DPI');
    const masters = new Set(flows.map((f) => f.proto.split('.')[0]));
    for (const p of ['HTTP', 'TLS', 'DNS', 'QUIC', 'NTP', 'ICMP', 'ICMPV6', 'SSH', 'Unknown']) expect(masters).toContain(p);
    // SNI-based sub-protocols over TLS and over decrypted QUIC Initials, and DNS names.
    for (const p of ['TLS.YouTube', 'TLS.NetFlix', 'TLS.Github', 'TLS.Microsoft365', 'QUIC.YouTube', 'QUIC.Google', 'DNS.YouTube']) expect(protos).toContain(p);
    const quic = dpi.filter((f) => f.proto.startsWith('QUIC'));
    expect(quic.length).toBeGreaterThan(5);
    for (const f of quic) expect(KNOWN_NAMES).toContain(f.sni);
    // Every TLS flow carries its SNI, and every name nDPI read is one the generator sent.
    for (const f of dpi.filter((x) => x.proto.startsWith('TLS'))) expect(KNOWN_NAMES).toContain(f.sni);
    // DNS names are ours too, besides the generator's random (DGA-like) ones.
    const dgaLike = /^[a-z0-9]{14,20}\.(com|net|info)$/;
    for (const f of dpi.filter((x) => x.proto.startsWith('DNS') && !dgaLike.test(x.sni ?? ''))) expect(KNOWN_NAMES).toContain(f.sni);
    const http = dpi.filter((f) => f.proto.startsWith('HTTP'));
    expect(http.length).toBeGreaterThan(0);
    for (const f of http) {
      expect(KNOWN_NAMES).toContain(f.sni);
      expect(f.url?.startsWith(f.sni as string)).toBe(true);
    }
    // The incidents: a TLS 1.0 device, DGA-like lookups, a SYN scan of one machine from another subnet.
    expect(flows.some((f) => f.sni === 'portal.legacy-erp.com' && f.risk.includes('Obsolete TLS Version'))).toBe(true);
    expect(flows.some((f) => f.proto.startsWith('DNS') && f.risk.includes('Suspicious DGA Domain name'))).toBe(true);
    const scanned = new Map<string, number>();
    for (const f of flows) if (f.l4 === 'TCP' && f.client.startsWith('10.0.0.') && f.server.startsWith('192.168.1.')) scanned.set(f.client, (scanned.get(f.client) ?? 0) + 1);
    expect(Math.max(0, ...scanned.values())).toBeGreaterThanOrEqual(300);
    // Apart from the scan, nDPI needs no port guessing: every flow is recognised by payload or left Unknown.
    const isScan = (f: NdpiFlow): boolean => (scanned.get(f.client) ?? 0) >= 300 && f.server.startsWith('192.168.1.');
    expect(flows.filter((f) => !isScan(f) && f.confidence !== 'DPI' && f.confidence !== 'Unknown').map((f) => `${f.proto} ${f.confidence}`)).toEqual([]);
    expect(flows.find((f) => f.proto === 'TLS.YouTube' && f.sni === 'www.youtube.com') ?? flows.find((f) => f.proto === 'QUIC.YouTube' && f.sni === 'www.youtube.com')).toBeDefined();
  });

  it('is deterministic from its seed', () => {
    const a = path.join(dir, 'a.pcap');
    const b = path.join(dir, 'b.pcap');
    const c = path.join(dir, 'c.pcap');
    generateDemoCapture(a, { seed: 9, durationS: 10, clients: 6 });
    generateDemoCapture(b, { seed: 9, durationS: 10, clients: 6 });
    generateDemoCapture(c, { seed: 10, durationS: 10, clients: 6 });
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
    expect(fs.readFileSync(a).equals(fs.readFileSync(c))).toBe(false);
  });

  it('has the promised shape: 40 clients, 80+ remote servers, hundreds of sessions a minute', () => {
    const summary = generateDemoCapture(path.join(dir, 'shape.pcap'), { durationS: 60 });
    expect(summary.clients).toBe(40);
    expect(summary.remoteServers).toBeGreaterThanOrEqual(80);
    expect(summary.serverNames).toBeGreaterThanOrEqual(50);
    expect(summary.sessions).toBeGreaterThan(500);
  });

  it('ensureDemoCapture generates a missing file once and then reuses it', () => {
    const file = path.join(dir, 'cache', 'demo.pcap');
    expect(ensureDemoCapture(file, { durationS: 5, clients: 4 })).toBe(file);
    const first = fs.statSync(file);
    expect(first.size).toBeGreaterThan(24);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['demo.pcap']);
    expect(ensureDemoCapture(file, { durationS: 5, clients: 4 })).toBe(file);
    expect(fs.statSync(file).mtimeMs).toBe(first.mtimeMs);
    fs.writeFileSync(file, 'garbage');
    ensureDemoCapture(file, { durationS: 5, clients: 4 });
    expect(fs.statSync(file).size).toBe(first.size);
  });
});
