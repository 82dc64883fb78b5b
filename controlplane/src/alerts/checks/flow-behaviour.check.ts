import type { FlowRecord } from '@flowprobe/dataplane';
import { CheckFinding, CheckSettings, FlowCheck, FlowCheckContext, flowLabel, num } from './check.types';

/** Broadcast and multicast destinations never answer, so a one-way flow to them is normal. */
function isBroadcastOrMulticast(ip: string): boolean {
  if (ip.includes(':')) return ip.toLowerCase().startsWith('ff');
  const [a, , , d] = ip.split('.').map(Number);
  return (a >= 224 && a <= 239) || ip === '255.255.255.255' || d === 255;
}

/** A flow with traffic one way only (at flow end): a server that never answered. */
export class UnidirectionalFlowCheck implements FlowCheck {
  readonly id = 'unidirectional_flow';
  readonly defaults: CheckSettings = { enabled: true, score: 10, min_packets: 3 };

  evaluate(flow: FlowRecord, s: CheckSettings, _ctx: FlowCheckContext, ended: boolean): CheckFinding | null {
    if (!ended || (flow.l4 !== 'TCP' && flow.l4 !== 'UDP')) return null;
    const one = flow.srv2cli.packets === 0 ? flow.cli2srv.packets : flow.cli2srv.packets === 0 ? flow.srv2cli.packets : 0;
    if (one < num(s, 'min_packets', 3) || isBroadcastOrMulticast(flow.server.ip)) return null;
    return {
      check: this.id,
      score: num(s, 'score', 10),
      title: 'Unidirectional flow',
      description: `${flowLabel(flow)} (${flow.l7 || flow.l4}) carried ${one} packets one way and none back`,
      details: { packets: one, direction: flow.srv2cli.packets === 0 ? 'cli2srv' : 'srv2cli' },
    };
  }
}

/** A flow that has lasted longer than `min_duration_s` (ntopng "long-lived flow"). */
export class LongLivedFlowCheck implements FlowCheck {
  readonly id = 'long_lived_flow';
  readonly defaults: CheckSettings = { enabled: true, score: 10, min_duration_s: 3600 };

  evaluate(flow: FlowRecord, s: CheckSettings): CheckFinding | null {
    const limit = num(s, 'min_duration_s', 3600);
    if (flow.duration < limit) return null;
    return {
      check: this.id,
      score: num(s, 'score', 10),
      title: 'Long-lived flow',
      description: `${flowLabel(flow)} (${flow.l7 || flow.l4}) has lasted ${Math.round(flow.duration)} s (limit ${limit} s)`,
      details: { duration_s: Math.round(flow.duration), limit_s: limit },
    };
  }
}

/** A flow that moved more than `min_bytes` (ntopng "elephant flow"). */
export class ElephantFlowCheck implements FlowCheck {
  readonly id = 'elephant_flow';
  readonly defaults: CheckSettings = { enabled: true, score: 10, min_bytes: 1024 ** 3 };

  evaluate(flow: FlowRecord, s: CheckSettings): CheckFinding | null {
    const bytes = flow.cli2srv.bytes + flow.srv2cli.bytes;
    const limit = num(s, 'min_bytes', 1024 ** 3);
    if (bytes < limit) return null;
    return {
      check: this.id,
      score: num(s, 'score', 10),
      title: 'Elephant flow',
      description: `${flowLabel(flow)} (${flow.l7 || flow.l4}) moved ${bytes} bytes (limit ${limit})`,
      details: { bytes, limit_bytes: limit },
    };
  }
}

/** Neither end is in the local networks: traffic that should not cross this probe. */
export class RemoteToRemoteCheck implements FlowCheck {
  readonly id = 'remote_to_remote';
  readonly defaults: CheckSettings = { enabled: true, score: 10 };

  evaluate(flow: FlowRecord, s: CheckSettings, ctx: FlowCheckContext): CheckFinding | null {
    if (!ctx.hasLocalNetworks || ctx.isLocal(flow.client.ip) || ctx.isLocal(flow.server.ip)) return null;
    if (isBroadcastOrMulticast(flow.server.ip)) return null;
    return {
      check: this.id,
      score: num(s, 'score', 10),
      title: 'Remote-to-remote flow',
      description: `${flowLabel(flow)} (${flow.l7 || flow.l4}): neither end is in the local networks`,
      details: {},
    };
  }
}
