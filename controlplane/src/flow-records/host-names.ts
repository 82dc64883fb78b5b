import type { FlowExportRecord } from '@flowprobe/dataplane';

/** Addresses remembered at most (least recently learnt go first). */
export const HOST_NAMES_MAX = 100_000;

/**
 * Names known for addresses, learnt from the flows and flow records the probe
 * sees ({@link nameClaim}: DNS answers, TLS/QUIC SNI and HTTP Host, DHCP
 * host names, NetBIOS datagrams, mDNS announcements) and from reverse DNS
 * when enabled. Bounded: a Map in insertion order, the oldest entry leaves
 * when full. Fills `client_name` / `server_host_name` of records.
 */
export class HostNames {
  private readonly names = new Map<string, string>();

  constructor(private readonly max = HOST_NAMES_MAX) {}

  get size(): number {
    return this.names.size;
  }

  learn(ip: string, name: string): void {
    if (!name) return;
    if (this.names.get(ip) === name) return;
    this.names.delete(ip);
    this.names.set(ip, name);
    if (this.names.size > this.max) this.names.delete(this.names.keys().next().value as string);
  }


  /** Addresses whose name contains `text` (case-insensitive), most recently learnt first, at most `max`. */
  search(text: string, max = 1000): string[] {
    const needle = text.trim().toLowerCase();
    if (!needle) return [];
    const out: string[] = [];
    const entries = [...this.names.entries()];
    for (let i = entries.length - 1; i >= 0 && out.length < max; i--) if (entries[i][1].toLowerCase().includes(needle)) out.push(entries[i][0]);
    return out;
  }

  /**
   * Called with an address {@link nameOf} knows no name for (reverse DNS asks for it when enabled).
   * Must not throw; must not call back into this object synchronously.
   */
  onMiss?: (ip: string) => void;

  /** Learns `name` for `ip` unless the traffic already named it (reverse DNS answers come second to names seen on the wire). */
  learnIfUnknown(ip: string, name: string): void {
    if (!this.names.has(ip)) this.learn(ip, name);
  }

  /** The best-known name of `ip`, or '' (and a reverse DNS request when enabled: {@link onMiss}). */
  nameOf(ip: string): string {
    const name = this.names.get(ip);
    if (name !== undefined) return name;
    this.onMiss?.(ip);
    return '';
  }

  /** Learns from active flows (the flow list's records): see {@link nameClaim}. */
  learnFromActive(flows: readonly NamedFlow[]): void {
    for (const f of flows) {
      const claim = nameClaim(f);
      if (claim) this.learn(claim.ip, claim.name);
    }
  }

  /** Learns from each record, then fills both names of each (a batch names its own flows). */
  fill(records: FlowExportRecord[]): void {
    for (const r of records) {
      const claim = nameClaim(r);
      if (claim) this.learn(claim.ip, claim.name);
    }
    for (const r of records) {
      r.client_name ||= this.nameOf(r.client.ip);
      r.server_host_name ||= this.nameOf(r.server.ip);
    }
  }
}

/** What {@link nameClaim} reads of a flow (active flow or flow record). */
export interface NamedFlow {
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  server_name: string;
  l7: string;
  info?: Record<string, string | number>;
}

/** An mDNS host name (`name.local`, one label, not a `_service` name). */
const MDNS_HOST = /^[a-z0-9][a-z0-9-]{0,62}\.local$/i;

/**
 * The address a flow's server name (nDPI's host_server_name) names, with that name, or null:
 * - DNS: the query names the address of its answer (active flows carry it), never the resolver;
 * - DHCP: the host-name option (12) names the DHCP client (port 68), unless it has no address yet (0.0.0.0);
 * - NetBIOS: a datagram (UDP 138) carries its sender's name; a name-service packet (137) is
 *   mostly a query for another host's name, so it names nobody;
 * - mDNS: a response announcing `host.local` names its sender; service names (`_ipp._tcp.local`) name nobody;
 * - anything else (TLS/QUIC SNI, HTTP Host...): the name the client asked the server for names the server.
 */
export function nameClaim(f: NamedFlow): { ip: string; name: string } | null {
  const name = f.server_name;
  if (!name) return null;
  const app = f.l7.split('.')[0];
  switch (app) {
    case 'DNS': {
      const answer = f.info?.['dns_answer'];
      return typeof answer === 'string' && answer ? { ip: answer, name } : null;
    }
    case 'DHCP': {
      const client = f.client.port === 68 ? f.client : f.server.port === 68 ? f.server : null;
      return client && client.ip !== '0.0.0.0' ? { ip: client.ip, name } : null;
    }
    case 'NetBIOS':
      return f.client.port === 138 ? { ip: f.client.ip, name } : null;
    case 'MDNS':
      return MDNS_HOST.test(name) ? { ip: f.client.ip, name } : null;
    default:
      return isDns(f) ? null : { ip: f.server.ip, name };
  }
}

function isDns(r: NamedFlow): boolean {
  return r.l7 === 'DNS' || r.l7.startsWith('DNS.') || r.server.port === 53 || r.server.port === 5353;
}
