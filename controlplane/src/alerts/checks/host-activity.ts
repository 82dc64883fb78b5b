import type { FlowRecord } from '@flowprobe/dataplane';
import { HostWindow } from './check.types';

/** TCP flag bits as the dataplane records them per direction (OR of every packet's flags). */
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;

interface Acc {
  ip: string;
  vlan: number;
  flowsAsClient: number;
  unansweredSyn: number;
  synPorts: Set<number>;
  dnsRequests: number;
  score: number;
}

/**
 * Per-host behaviour over a window, built from flows (ended flows every
 * second, recent active flows every minute). Each flow counts once per window
 * (by key). Feeds the host checks: SYN scan, flow flood, DNS flood, score.
 */
export class HostActivity {
  private hosts = new Map<string, Acc>();
  private seen = new Set<string>();
  private windowStartS: number;

  constructor(nowS: number) {
    this.windowStartS = nowS;
  }

  private acc(ip: string, vlan: number): Acc {
    const key = vlan ? `${ip}@${vlan}` : ip;
    let a = this.hosts.get(key);
    if (!a) {
      a = { ip, vlan, flowsAsClient: 0, unansweredSyn: 0, synPorts: new Set(), dnsRequests: 0, score: 0 };
      this.hosts.set(key, a);
    }
    return a;
  }

  /**
   * Counts a flow (once per window; `ended` flows are final). `score` is the flow's alert score (the
   * sum of its flow alerts), added to both ends as ntopng splits client and
   * server score; here each end gets the full flow score.
   */
  observe(flow: FlowRecord, score: number, ended: boolean): void {
    if (this.seen.has(flow.key)) return;
    // An ended flow is never observed again, so only active ones are remembered: the set stays as small
    // as the active-flow scans (≤ ~100 000 keys a minute) even when millions of flows end per minute.
    if (!ended) this.seen.add(flow.key);
    const c = this.acc(flow.client.ip, flow.vlan);
    c.flowsAsClient++;
    c.score += score;
    if (score) this.acc(flow.server.ip, flow.vlan).score += score;
    if (flow.l4 === 'TCP' && !flow.first_from_server) {
      const cf = flow.tcp_flags.cli2srv;
      // The client sent SYN but never an ACK: the three-way handshake never completed.
      if (cf & TCP_SYN && !(cf & TCP_ACK)) {
        c.unansweredSyn++;
        c.synPorts.add(flow.server.port);
      }
    }
    if (flow.server.port === 53 || flow.l7 === 'DNS' || flow.l7.startsWith('DNS.')) c.dnsRequests += flow.cli2srv.packets;
  }

  /** Closes the window: returns every host's totals and starts a new, empty window. */
  roll(nowS: number): HostWindow[] {
    const windowS = Math.max(nowS - this.windowStartS, 1);
    const out = [...this.hosts.values()].map((a) => ({
      ip: a.ip,
      vlan: a.vlan,
      windowS,
      flowsAsClient: a.flowsAsClient,
      unansweredSyn: a.unansweredSyn,
      synPorts: a.synPorts.size,
      dnsRequests: a.dnsRequests,
      score: a.score,
    }));
    this.hosts = new Map();
    this.seen = new Set();
    this.windowStartS = nowS;
    return out;
  }
}
