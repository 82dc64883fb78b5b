import { PcapWriter } from '@flowprobe/dataplane';
import {
  DEMO_NTP_SERVERS,
  DEMO_PING6_TARGET,
  DEMO_PING_TARGETS,
  DEMO_SERVICES,
  DEMO_SSH_SERVERS,
  DEMO_UNKNOWN_UDP_PEERS,
  DEMO_USER_AGENTS,
  DemoService,
} from './demo-catalog';
import { DemoClient, makeDemoClients, takePort } from './demo-clients';
import { DNS_TYPE_A, DNS_TYPE_AAAA } from './demo-dns';
import { FlowPath, ipBytes, macBytes } from './demo-frames';
import { DemoRandom } from './demo-random';
import { dnsExchange, httpSession, ntpExchange, pingSession, quicSession, synScan, sshSession, tlsSession, unknownUdpSession } from './demo-sessions';
import { DemoPacket } from './demo-tcp';

/** Options of {@link generateDemoCapture}. */
export interface DemoTrafficOptions {
  /** Everything derives from this seed (default 1). */
  seed?: number;
  /** Length of the capture window, seconds (default 300). */
  durationS?: number;
  /** Time of the first packet, seconds since the epoch (default 2026-01-05 09:00 UTC). */
  startS?: number;
  /** Office machines (default 40). */
  clients?: number;
}

/** What a generated capture holds. */
export interface DemoTrafficSummary {
  packets: number;
  bytes: number;
  sessions: number;
  clients: number;
  /** Distinct remote addresses contacted. */
  remoteServers: number;
  /** Distinct names sent in DNS/SNI/Host. */
  serverNames: number;
}

const DEFAULT_START_S = 1767603600; // 2026-01-05 09:00:00 UTC, a Monday morning
/** Mean pause between two visits of an average client, seconds (divided by its activity). */
const MEAN_VISIT_GAP_S: Record<DemoClient['profile'], number> = { streamer: 16, developer: 9, office: 14, social: 10, iot: 60 };
/**
 * Every transfer is scaled by this so the 5-minute capture stays near 150 MB (about 4 Mbit/s):
 * quick to generate at first start, small in the cache, and still dominated by video as offices are.
 */
const VOLUME_SCALE = 0.25;
/** The legacy TLS 1.0 server of the demo's incidents. */
const LEGACY_TLS_SERVER = { name: 'portal.legacy-erp.com', ip: '203.0.113.10' };
/** A name stays in a client's DNS cache this long, seconds. */
const DNS_CACHE_S = 120;

interface PlannedSession {
  startS: number;
  build: () => DemoPacket[];
}

/** Builds the schedule of sessions: cheap closures, materialized into packets only when their time comes. */
function planSessions(rng: DemoRandom, o: Required<DemoTrafficOptions>, remotes: Set<string>, names: Set<string>): PlannedSession[] {
  const plan: PlannedSession[] = [];
  const clients = makeDemoClients(rng, o.clients);
  const endS = o.startS + o.durationS;
  const pathFor = (c: DemoClient, server: string, sport: number, dport: number, srng: DemoRandom): FlowPath => {
    const v6 = server.includes(':');
    if (!server.startsWith('192.168.') && !server.startsWith('10.')) remotes.add(server);
    return {
      v6,
      clientMac: macBytes(c.mac),
      serverMac: macBytes(c.gatewayMac),
      clientIp: ipBytes(v6 ? (c.ip6 as string) : c.ip4),
      serverIp: ipBytes(server),
      clientPort: sport,
      serverPort: dport,
      clientTtl: v6 ? 64 : c.ttl,
      serverTtl: srng.pick([52, 55, 56, 57, 58, 116, 118]),
      clientIpId: srng.int(0, 65535),
      serverIpId: srng.int(0, 65535),
    };
  };
  const add = (startS: number, build: (srng: DemoRandom) => DemoPacket[]): void => {
    const srng = rng.fork();
    plan.push({ startS, build: () => build(srng) });
  };

  const dnsCaches = new Map<DemoClient, Map<string, number>>();
  /** DNS lookup by `c` (if not in its cache) at `t`; returns when the answer is in. */
  const resolve = (c: DemoClient, t: number, name: string, addrs: string[]): number => {
    names.add(name);
    const dnsCache = dnsCaches.get(c) ?? new Map<string, number>();
    dnsCaches.set(c, dnsCache);
    if ((dnsCache.get(name) ?? 0) > t) return t;
    dnsCache.set(name, t + DNS_CACHE_S);
    const local = c.resolver === c.gateway;
    const rtt = local ? rng.real(0.0008, 0.025) : rng.real(0.008, 0.03);
    const sport = takePort(c, rng);
    const v4 = addrs.filter((a) => !a.includes(':'));
    const v6 = addrs.filter((a) => a.includes(':'));
    add(t, (srng) => dnsExchange({ rng: srng, path: pathFor(c, c.resolver, sport, 53, srng), startS: t, rttS: rtt }, name, DNS_TYPE_A, v4.map(ipBytes)));
    if (c.ip6 !== null) {
      const sport6 = takePort(c, rng);
      add(t + 0.00005, (srng) => dnsExchange({ rng: srng, path: pathFor(c, c.resolver, sport6, 53, srng), startS: t + 0.00005, rttS: rtt * 1.1 }, name, DNS_TYPE_AAAA, v6.map(ipBytes)));
    }
    return t + rtt * 1.2 + 0.0005;
  };

  for (const c of clients) {
    // Browsing and app traffic.
    for (let t = o.startS + rng.real(0, 8); t < endS; t += rng.exp(MEAN_VISIT_GAP_S[c.profile] / c.activity)) {
      const svc = rng.weighted(DEMO_SERVICES, (s) => s.weight[c.profile] ?? 0);
      const name = rng.pick(svc.names);
      const useV6 = c.ip6 !== null && svc.ipv6 !== undefined && rng.chance(0.7);
      const addrs = useV6 ? [...svc.ipv4.slice(0, 1), ...(svc.ipv6 as string[])] : svc.ipv4;
      const ready = resolve(c, t, name, addrs);
      const server = useV6 ? rng.pick(svc.ipv6 as string[]) : rng.pick(svc.ipv4);
      // A page load opens one to three connections to the same name.
      const parallel = svc.kind === 'tls' && svc.downBytes[1] < 2_000_000 ? rng.int(1, 3) : 1;
      for (let k = 0; k < parallel; k++) addVisit(c, svc, name, server, ready + k * rng.real(0.001, 0.05));
    }

    // Clock sync: every machine once, Linux and IoT every 64 s.
    const ntpEvery = c.os === 'linux' || c.os === 'iot' ? 64 : o.durationS * 2;
    for (let t = o.startS + rng.real(0, 60); t < endS; t += ntpEvery * rng.real(0.9, 1.1)) {
      const [ntpName, ntpIp] = c.os === 'windows' ? DEMO_NTP_SERVERS[5] : c.os === 'mac' ? DEMO_NTP_SERVERS[6] : rng.pick(DEMO_NTP_SERVERS.slice(0, 5));
      const ready = resolve(c, t, ntpName, [ntpIp]);
      const sport = c.os === 'linux' || c.os === 'iot' ? 123 : takePort(c, rng);
      const rtt = rng.real(0.005, 0.03);
      add(ready, (srng) => ntpExchange({ rng: srng, path: pathFor(c, ntpIp, sport, 123, srng), startS: ready, rttS: rtt }));
    }

    // IoT devices phone home over a proprietary UDP protocol.
    if (c.profile === 'iot') {
      const [peer, port] = rng.pick(DEMO_UNKNOWN_UDP_PEERS);
      const sport = takePort(c, rng);
      const t = o.startS + rng.real(0, 10);
      const interval = rng.real(4, 12);
      add(t, (srng) => unknownUdpSession({ rng: srng, path: pathFor(c, peer, sport, port, srng), startS: t, rttS: rng.real(0.02, 0.08) }, Math.floor((endS - t) / interval), interval));
    }

    // Developers: git over SSH and an interactive session on a bastion host.
    if (c.profile === 'developer') {
      for (const ssh of DEMO_SSH_SERVERS) {
        if (!rng.chance(0.6)) continue;
        const t0 = o.startS + rng.real(0, o.durationS * 0.8);
        const ready = resolve(c, t0, ssh.name, [ssh.ip]);
        const sport = takePort(c, rng);
        const rtt = rng.real(0.015, 0.04);
        const exchanges = ssh.interactive ? rng.int(30, 120) : rng.int(2, 6);
        const down = ssh.interactive ? rng.int(5_000, 60_000) : VOLUME_SCALE * rng.logUniform(50_000, 3_000_000);
        add(ready, (srng) => sshSession({ rng: srng, path: pathFor(c, ssh.ip, sport, 22, srng), startS: ready, rttS: rtt }, ssh.banner, exchanges, down, 3_000_000));
      }
    }

    // Pings: the first IoT device monitors the uplink all along; others ping now and then.
    const monitor = c.profile === 'iot' && c === clients.find((x) => x.profile === 'iot');
    if (monitor || rng.chance(0.25)) {
      const target = monitor ? '8.8.8.8' : rng.pick(DEMO_PING_TARGETS);
      const t = o.startS + (monitor ? 0.5 : rng.real(0, o.durationS - 10));
      const count = monitor ? Math.floor(o.durationS / 5) : rng.int(3, 10);
      const rtt = target.startsWith('192.168.') ? rng.real(0.0003, 0.001) : rng.real(0.008, 0.02);
      add(t, (srng) => pingSession({ rng: srng, path: pathFor(c, target, 0, 0, srng), startS: t, rttS: rtt }, count, monitor ? 5 : 1));
    }
    if (c.ip6 !== null) {
      const t = o.startS + rng.real(0, o.durationS - 10);
      add(t, (srng) => pingSession({ rng: srng, path: pathFor(c, DEMO_PING6_TARGET, 0, 0, srng), startS: t, rttS: rng.real(0.008, 0.02) }, rng.int(3, 6), 1));
    }
  }

  // A few incidents, so that the alert pages have something to show.
  // A legacy device (the first IoT machine) still talks TLS 1.0 to an old ERP portal.
  const legacy = clients.find((x) => x.profile === 'iot');
  if (legacy !== undefined) {
    for (let t = o.startS + rng.real(5, 30); t < endS; t += rng.real(30, 60)) {
      const ready = resolve(legacy, t, LEGACY_TLS_SERVER.name, [LEGACY_TLS_SERVER.ip]);
      const sport = takePort(legacy, rng);
      add(ready, (srng) =>
        tlsSession(
          { rng: srng, path: pathFor(legacy, LEGACY_TLS_SERVER.ip, sport, 443, srng), startS: ready, rttS: 0.035 },
          { serverName: LEGACY_TLS_SERVER.name, alpn: [], tls13: false, version: 0x0301, upBytes: 600, downBytes: srng.int(2_000, 20_000), rateBps: 500_000, requests: 1 },
        ),
      );
    }
  }
  // An office machine in 10.0.0.0/24 SYN-scans a machine in 192.168.1.0/24 a third into the capture.
  const scanner = clients.find((x) => x.profile === 'office' && x.ip4.startsWith('10.'));
  const victim = clients.find((x) => x.ip4.startsWith('192.168.'));
  if (scanner !== undefined && victim !== undefined) {
    const t = o.startS + o.durationS / 3;
    const ports = [...Array.from({ length: 300 }, (_, i) => i + 1), 1433, 3306, 3389, 5432, 5900, 6379, 8080, 8443];
    const sport = takePort(scanner, rng);
    // Routed between the two subnets: the frames go from the scanner to its gateway.
    add(t, (srng) => synScan({ rng: srng, path: pathFor(scanner, victim.ip4, sport, 0, srng), startS: t, rttS: 0.0004 }, ports, new Set([22, 80, 443])));
  }
  // A social-media machine looks up algorithmically generated names (malware-like): NXDOMAIN.
  const dga = clients.find((x) => x.profile === 'social');
  if (dga !== undefined) {
    for (let i = 0, t = o.startS + o.durationS / 2; i < 6; i++, t += rng.real(2, 10)) {
      const name = `${Array.from({ length: rng.int(14, 20) }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[rng.int(0, 35)]).join('')}.${rng.pick(['com', 'net', 'info'])}`;
      const sport = takePort(dga, rng);
      const at = t;
      add(at, (srng) => dnsExchange({ rng: srng, path: pathFor(dga, dga.resolver, sport, 53, srng), startS: at, rttS: 0.02 }, name, DNS_TYPE_A, [], 3));
    }
  }
  return plan;

  function addVisit(c: DemoClient, svc: DemoService, name: string, server: string, t: number): void {
    const rtt = svc.rttS * rng.real(0.9, 1.4);
    const down = Math.max(20, VOLUME_SCALE * rng.logUniform(svc.downBytes[0], svc.downBytes[1]));
    const rate = svc.rateBps * rng.real(0.5, 1.2);
    const browser = c.os !== 'iot';
    if (svc.kind === 'http') {
      const http = svc.http as NonNullable<DemoService['http']>;
      const sport = takePort(c, rng);
      const paths = http.paths.length > 1 ? http.paths.slice(0, rng.int(1, http.paths.length)) : http.paths;
      const ua = http.userAgent ?? DEMO_USER_AGENTS[c.os];
      add(t, (srng) =>
        httpSession(
          { rng: srng, path: pathFor(c, server, sport, 80, srng), startS: t, rttS: rtt },
          { host: name, userAgent: ua, paths, contentType: http.contentType, server: http.server, status: http.status ?? '200 OK', downBytes: down, rateBps: rate },
        ),
      );
      return;
    }
    const sport = takePort(c, rng);
    const up = Math.max(400, down * rng.real(0.01, 0.06));
    if (browser && rng.chance(svc.quicShare ?? 0)) {
      add(t, (srng) => quicSession({ rng: srng, path: pathFor(c, server, sport, 443, srng), startS: t, rttS: rtt }, { serverName: name, upBytes: up, downBytes: down, rateBps: rate }));
      return;
    }
    const alpn = svc.tls13 ? ['h2', 'http/1.1'] : ['http/1.1'];
    const requests = rng.int(1, Math.min(12, Math.max(1, Math.round(down / 50_000))));
    add(t, (srng) => tlsSession({ rng: srng, path: pathFor(c, server, sport, 443, srng), startS: t, rttS: rtt }, { serverName: name, alpn, tls13: svc.tls13 ?? true, upBytes: up, downBytes: down, rateBps: rate, requests }));
  }
}

/** Min-heap of materialized sessions, keyed by their next packet's time. */
class SessionHeap {
  private readonly items: { packets: DemoPacket[]; next: number }[] = [];

  get size(): number {
    return this.items.length;
  }

  peekTs(): number {
    return this.items.length > 0 ? this.items[0].packets[this.items[0].next].tsS : Infinity;
  }

  push(packets: DemoPacket[]): void {
    if (packets.length === 0) return;
    this.items.push({ packets, next: 0 });
    this.up(this.items.length - 1);
  }

  /** Removes and returns the earliest packet. */
  pop(): DemoPacket {
    const top = this.items[0];
    const pkt = top.packets[top.next++];
    if (top.next === top.packets.length) {
      const last = this.items.pop() as { packets: DemoPacket[]; next: number };
      if (this.items.length > 0) this.items[0] = last;
    }
    if (this.items.length > 0) this.down(0);
    return pkt;
  }

  private key(i: number): number {
    const it = this.items[i];
    return it.packets[it.next].tsS;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.key(parent) <= this.key(i)) break;
      [this.items[parent], this.items[i]] = [this.items[i], this.items[parent]];
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.key(l) < this.key(m)) m = l;
      if (r < this.items.length && this.key(r) < this.key(m)) m = r;
      if (m === i) return;
      [this.items[m], this.items[i]] = [this.items[i], this.items[m]];
      i = m;
    }
  }
}

/**
 * Writes a realistic office capture to `file` (classic pcap, Ethernet): DNS lookups before
 * connections, HTTP/1.1, TLS 1.2/1.3 with SNI, QUIC v1 with decryptable Initials, NTP, ICMP and
 * ICMPv6 pings, SSH and an unknown UDP protocol, from `clients` machines to 80+ servers.
 * Deterministic from `seed`. Packets after the capture window are cut, as a capture that stops.
 */
export function generateDemoCapture(file: string, options: DemoTrafficOptions = {}): DemoTrafficSummary {
  const o: Required<DemoTrafficOptions> = { seed: 1, durationS: 300, startS: DEFAULT_START_S, clients: 40, ...options };
  const rng = new DemoRandom(o.seed);
  const remotes = new Set<string>();
  const names = new Set<string>();
  const plan = planSessions(rng, o, remotes, names).sort((a, b) => a.startS - b.startS);
  const endS = o.startS + o.durationS;
  const writer = new PcapWriter(file, { linkType: 1, snaplen: 262144 });
  const heap = new SessionHeap();
  let bytes = 0;
  try {
    let next = 0;
    while (next < plan.length || heap.size > 0) {
      // Materialize every session that starts before the earliest pending packet.
      while (next < plan.length && plan[next].startS <= heap.peekTs()) heap.push(plan[next++].build());
      if (heap.size === 0) continue;
      const pkt = heap.pop();
      if (pkt.tsS >= endS) continue;
      writer.writePacket(pkt.tsS, pkt.frame);
      bytes += pkt.frame.length;
    }
  } finally {
    writer.close();
  }
  return { packets: writer.packets, bytes, sessions: plan.length, clients: o.clients, remoteServers: remotes.size, serverNames: names.size };
}
