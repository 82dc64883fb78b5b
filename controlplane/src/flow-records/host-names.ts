import type { FlowExportRecord } from '@flowprobe/dataplane';

/** Addresses remembered at most (least recently learnt go first). */
export const HOST_NAMES_MAX = 100_000;

/**
 * Names known for addresses, learnt from the flow records that pass through
 * the dispatcher: the TLS/QUIC SNI or HTTP Host a client asked a server for
 * names that server (DNS records name the query, not the resolver, so they
 * teach nothing here). Bounded: a Map in insertion order, the oldest entry
 * leaves when full. Fills `client_name` / `server_host_name` of records.
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

  nameOf(ip: string): string {
    return this.names.get(ip) ?? '';
  }

  /** Learns from each record, then fills both names of each (a batch names its own flows). */
  fill(records: FlowExportRecord[]): void {
    for (const r of records) {
      if (r.server_name && !isDns(r)) this.learn(r.server.ip, r.server_name);
    }
    for (const r of records) {
      r.client_name ||= this.nameOf(r.client.ip);
      r.server_host_name ||= this.nameOf(r.server.ip);
    }
  }
}

function isDns(r: FlowExportRecord): boolean {
  return r.l7 === 'DNS' || r.l7.startsWith('DNS.') || r.server.port === 53 || r.server.port === 5353;
}
