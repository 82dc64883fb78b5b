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
   * Learns from active flows (the flow list's records): a DNS answer names its
   * address with the query (`server_name` -> `info.dns_answer`); a TLS/QUIC SNI
   * or HTTP Host names the server, as in {@link fill}.
   */
  learnFromActive(flows: readonly { server: { ip: string }; server_name: string; l7: string; info?: Record<string, string | number> }[]): void {
    for (const f of flows) {
      if (!f.server_name) continue;
      const dns = f.l7 === 'DNS' || f.l7.startsWith('DNS.');
      const answer = dns ? f.info?.['dns_answer'] : undefined;
      if (typeof answer === 'string' && answer) this.learn(answer, f.server_name);
      else if (!dns) this.learn(f.server.ip, f.server_name);
    }
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
