import { CheckFinding, CheckSettings, HostCheck, HostWindow, num } from './check.types';

const perMinute = (count: number, windowS: number) => (count * 60) / Math.max(windowS, 1);

/** Many TCP connection attempts that never completed, towards many ports: a SYN (port) scan. */
export class SynScanCheck implements HostCheck {
  readonly id = 'syn_scan';
  readonly defaults: CheckSettings = { enabled: true, score: 150, min_syn_per_min: 100 };

  evaluate(h: HostWindow, s: CheckSettings): CheckFinding | null {
    const limit = num(s, 'min_syn_per_min', 100);
    const rate = perMinute(h.unansweredSyn, h.windowS);
    if (rate < limit) return null;
    return {
      check: this.id,
      score: num(s, 'score', 150),
      title: 'SYN scan',
      description: `${h.ip} sent ${h.unansweredSyn} TCP connection attempts that never completed, to ${h.synPorts} ports, in ${Math.round(h.windowS)} s (${Math.round(rate)}/min, limit ${limit}/min)`,
      details: { unanswered_syn: h.unansweredSyn, ports: h.synPorts, per_min: Math.round(rate), limit_per_min: limit },
    };
  }
}

/** A host starting flows faster than `min_flows_per_min`. */
export class FlowFloodCheck implements HostCheck {
  readonly id = 'flow_flood';
  readonly defaults: CheckSettings = { enabled: true, score: 100, min_flows_per_min: 5000 };

  evaluate(h: HostWindow, s: CheckSettings): CheckFinding | null {
    const limit = num(s, 'min_flows_per_min', 5000);
    const rate = perMinute(h.flowsAsClient, h.windowS);
    if (rate < limit) return null;
    return {
      check: this.id,
      score: num(s, 'score', 100),
      title: 'Flow flood',
      description: `${h.ip} started ${h.flowsAsClient} flows in ${Math.round(h.windowS)} s (${Math.round(rate)}/min, limit ${limit}/min)`,
      details: { flows: h.flowsAsClient, per_min: Math.round(rate), limit_per_min: limit },
    };
  }
}

/** A host sending DNS requests faster than `min_requests_per_min`. */
export class DnsFloodCheck implements HostCheck {
  readonly id = 'dns_flood';
  readonly defaults: CheckSettings = { enabled: true, score: 100, min_requests_per_min: 1000 };

  evaluate(h: HostWindow, s: CheckSettings): CheckFinding | null {
    const limit = num(s, 'min_requests_per_min', 1000);
    const rate = perMinute(h.dnsRequests, h.windowS);
    if (rate < limit) return null;
    return {
      check: this.id,
      score: num(s, 'score', 100),
      title: 'DNS flood',
      description: `${h.ip} sent ${h.dnsRequests} DNS requests in ${Math.round(h.windowS)} s (${Math.round(rate)}/min, limit ${limit}/min)`,
      details: { requests: h.dnsRequests, per_min: Math.round(rate), limit_per_min: limit },
    };
  }
}

/** The sum of a host's flow scores in the window reached `min_score` (ntopng host score threshold). */
export class HostScoreCheck implements HostCheck {
  readonly id = 'host_score';
  readonly defaults: CheckSettings = { enabled: true, score: 100, min_score: 1000 };

  evaluate(h: HostWindow, s: CheckSettings): CheckFinding | null {
    const limit = num(s, 'min_score', 1000);
    if (h.score < limit) return null;
    return {
      check: this.id,
      score: num(s, 'score', 100),
      title: 'Host score above threshold',
      description: `${h.ip} accumulated a score of ${h.score} in ${Math.round(h.windowS)} s (limit ${limit})`,
      details: { host_score: h.score, limit },
    };
  }
}
