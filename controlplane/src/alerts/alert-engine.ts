import { randomUUID } from 'node:crypto';
import { BlockList, isIPv6 } from 'node:net';
import type { FlowRecord, InterfaceStats } from '@flowprobe/dataplane';
import { AlertEntityType, AlertEventV1, severityFromScore } from './alert-event';
import { PRODUCT_VERSION } from '../config/product-version';
import { allChecks, CheckSet } from './checks/all-checks';
import { CheckFinding, CheckSettings, FlowCheckContext, flowLabel, HostWindow } from './checks/check.types';
import { HostActivity } from './checks/host-activity';

/** An alert as the engine emits it, with the interface it belongs to. */
export interface EmittedAlert {
  event: AlertEventV1;
  ifid: number;
}

export interface AlertEngineOptions {
  hostname: string;
  /** Interface name by id (observer.interface). */
  interfaceName(ifid: number): string;
  /** Current check settings (`settings.checks`), read at every evaluation. */
  checkSettings(): Record<string, CheckSettings>;
  /** Current local networks (CIDRs). */
  localNetworks(): string[];
  /** Receives every new, released and one-shot alert. */
  emit(alerts: EmittedAlert[]): void;
  /** Flow alerts raised one by one per interface, check and minute (default {@link FLOW_ALERTS_PER_MINUTE}). */
  flowAlertsPerMinute?: number;
}

/**
 * Alert storms (docs/alerts-siem.md, *Alert storms*): flow alerts raised one by one per interface
 * and check in a minute. Past it, the flows' alerts of that check are counted, not raised, and
 * when the minute ends one summary alert per interface and check says how many were suppressed
 * (entity: the interface). Thousands of churning flows that each trip the same check (every flow
 * remote-to-remote, a scan) then cost a few hundred alerts a minute — stored, forwarded to the
 * SIEM and published — instead of one each. Host and interface alerts are not limited (they are
 * engaged once per entity and check).
 */
export const FLOW_ALERTS_PER_MINUTE = 100;
const FLOW_ALERT_WINDOW_S = 60;

/** A minute of one interface's flow alerts of one check: raised, and counted beyond the limit. */
interface FlowAlertWindow {
  ifid: number;
  startS: number;
  raised: number;
  suppressed: number;
  /** The highest-scoring finding suppressed in the window (its title and score make the summary's). */
  top?: CheckFinding;
  lastFlow?: string;
}

interface Engaged {
  event: AlertEventV1;
  ifid: number;
  kind: 'host' | 'interface';
}

/**
 * Flows remembered as already alerted for a check (one-shot per flow and check); bounded. An
 * entry goes when the flow's final record is checked; one whose final record never came (a
 * flow-record queue that dropped it) would stay: past the bound the oldest entries go first.
 */
const MAX_ALERTED_FLOWS = 262_144;

/**
 * The alert engine, framework-free: runs flow checks (at flow end and on
 * active flows), host checks (per window) and interface checks (per period),
 * keeps engaged alerts while a condition holds and releases them when it no
 * longer does, and emits every alert once per lifecycle event.
 */
export class AlertEngine {
  readonly checks: CheckSet = allChecks();
  private readonly engaged = new Map<string, Engaged>();
  private readonly alertedFlows = new Map<string, Set<string>>();
  /** Host behaviour windows, one per interface (a host on two interfaces is two entities, as in ntopng). */
  private readonly activities = new Map<number, HostActivity>();
  private readonly windowStartS: number;
  private readonly ifacePrev = new Map<number, { packets: number; drops: number; restarts: number; tsS: number; lastPacketTsS: number }>();
  private localCidrs = '';
  private local = new BlockList();
  /** The IPv4 local networks as [network, mask] (the fast path of isLocal: no address object per lookup). */
  private localV4: [number, number][] = [];
  /** Flow-alert windows by `ifid|check` (alert storms). */
  private readonly flowWindows = new Map<string, FlowAlertWindow>();
  /** Flow alerts suppressed since start, by check. */
  private readonly suppressedByCheck = new Map<string, number>();

  constructor(
    private readonly opts: AlertEngineOptions,
    nowS = Date.now() / 1000,
  ) {
    this.windowStartS = nowS;
  }

  private activity(ifid: number): HostActivity {
    let a = this.activities.get(ifid);
    if (!a) {
      a = new HostActivity(this.windowStartS);
      this.activities.set(ifid, a);
    }
    return a;
  }

  private settingsFor(id: string, defaults: CheckSettings): CheckSettings {
    return { ...defaults, ...this.opts.checkSettings()[id] };
  }

  private context(): FlowCheckContext {
    const nets = this.opts.localNetworks();
    const sig = nets.join(',');
    if (sig !== this.localCidrs) {
      this.local = new BlockList();
      this.localV4 = [];
      for (const cidr of nets) {
        const [addr, bits] = cidr.split('/');
        const v6 = isIPv6(addr);
        this.local.addSubnet(addr, Number(bits ?? (v6 ? 128 : 32)), v6 ? 'ipv6' : 'ipv4');
        const a = ipv4Number(addr);
        if (a >= 0) {
          const b = Number(bits ?? 32);
          const mask = b <= 0 ? 0 : (0xffffffff << (32 - Math.min(32, b))) >>> 0;
          this.localV4.push([(a & mask) >>> 0, mask]);
        }
      }
      this.localCidrs = sig;
    }
    const v4 = this.localV4;
    // Answers per address for this call's flows: BlockList.check parses the address every time.
    const seen = new Map<string, boolean>();
    const isLocal = (ip: string): boolean => {
      const a = ipv4Number(ip);
      if (a >= 0) {
        for (const [net, mask] of v4) if (((a & mask) >>> 0) === net) return true;
        return false;
      }
      let local = seen.get(ip);
      if (local === undefined) {
        local = this.local.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
        seen.set(ip, local);
      }
      return local;
    };
    return { isLocal, hasLocalNetworks: nets.length > 0 };
  }

  private build(f: CheckFinding, type: AlertEntityType, value: string, host: string, ifid: number, timeS: number, flow?: FlowRecord): AlertEventV1 {
    const score = Math.max(0, Math.round(f.score));
    return {
      schema: 'flowprobe.alert.v1',
      id: randomUUID(),
      status: 'triggered',
      time: new Date(timeS * 1000).toISOString(),
      end_time: null,
      severity: severityFromScore(score),
      score,
      check: f.check,
      title: f.title,
      description: f.description,
      entity: { type, value },
      host,
      observer: { hostname: this.opts.hostname, interface: this.opts.interfaceName(ifid), product: 'flowprobe', version: PRODUCT_VERSION },
      ...(flow
        ? {
            flow: {
              key: flow.key, l4: flow.l4, l7: flow.l7, vlan: flow.vlan, client: flow.client, server: flow.server, server_name: flow.server_name,
              cli2srv: flow.cli2srv, srv2cli: flow.srv2cli, risks: flow.risks, first_seen: flow.first_seen, last_seen: flow.last_seen,
            },
          }
        : {}),
      details: f.details,
    };
  }

  /**
   * Runs the flow checks on flows. `ended` flows are final (unidirectional is
   * only judged then) and forgotten afterwards; active flows may alert early
   * (risk at detection, long-lived, elephant) and each check fires once per flow.
   * Returns the flow score (sum of the flow's alert scores) per flow key.
   */
  checkFlows(flows: (FlowRecord & { ifid?: number })[], ended: boolean, nowS = Date.now() / 1000): EmittedAlert[] {
    const ctx = this.context();
    const out: EmittedAlert[] = [];
    const checks = this.checks.flow.map((c) => ({ c, s: this.settingsFor(c.id, c.defaults) })).filter((x) => x.s.enabled);
    for (const flow of flows) {
      const ifid = flow.ifid ?? 0;
      const key = `${ifid}/${flow.key}`;
      let done = this.alertedFlows.get(key);
      let score = 0;
      for (const { c, s } of checks) {
        const f = c.evaluate(flow, s, ctx, ended);
        if (!f) continue;
        score += f.score;
        if (done?.has(c.id)) continue;
        if (!this.admitFlowAlert(ifid, f, flow, nowS, out)) {
          // Counted in the summary; remembered like a raised one (an active flow is not counted again).
          if (!ended) done = this.markAlerted(key, done, c.id);
          continue;
        }
        const event = this.build(f, 'flow', flowLabel(flow), flow.client.ip, ifid, flow.first_seen || nowS, flow);
        event.end_time = ended ? new Date((flow.last_seen || nowS) * 1000).toISOString() : null;
        out.push({ event, ifid });
        if (!ended) done = this.markAlerted(key, done, c.id);
      }
      if (ended) this.alertedFlows.delete(key);
      this.activity(ifid).observe(flow, score, ended);
    }
    if (out.length) this.opts.emit(out);
    return out;
  }

  private markAlerted(key: string, done: Set<string> | undefined, check: string): Set<string> {
    if (!done) {
      done = new Set<string>();
      if (this.alertedFlows.size >= MAX_ALERTED_FLOWS) this.alertedFlows.delete(this.alertedFlows.keys().next().value!);
      this.alertedFlows.set(key, done);
    }
    done.add(check);
    return done;
  }

  /**
   * Whether a flow alert of this interface and check may be raised now (within the minute's
   * limit); if not it is counted in the window. Windows that ended are closed first, into `out`.
   */
  private admitFlowAlert(ifid: number, f: CheckFinding, flow: FlowRecord, nowS: number, out: EmittedAlert[]): boolean {
    const key = `${ifid}|${f.check}`;
    let w = this.flowWindows.get(key);
    if (w && nowS - w.startS >= FLOW_ALERT_WINDOW_S) {
      this.closeFlowWindow(w, f.check, nowS, out);
      w = undefined;
    }
    if (!w) {
      w = { ifid, startS: nowS, raised: 0, suppressed: 0 };
      this.flowWindows.set(key, w);
    }
    if (w.raised < (this.opts.flowAlertsPerMinute ?? FLOW_ALERTS_PER_MINUTE)) {
      w.raised++;
      return true;
    }
    w.suppressed++;
    if (!w.top || f.score > w.top.score) w.top = f;
    w.lastFlow = flowLabel(flow);
    this.suppressedByCheck.set(f.check, (this.suppressedByCheck.get(f.check) ?? 0) + 1);
    return false;
  }

  /** The summary of a window that suppressed alerts (none otherwise); the window is forgotten. */
  private closeFlowWindow(w: FlowAlertWindow, check: string, nowS: number, out: EmittedAlert[]): void {
    this.flowWindows.delete(`${w.ifid}|${check}`);
    if (w.suppressed === 0 || !w.top) return;
    const limit = this.opts.flowAlertsPerMinute ?? FLOW_ALERTS_PER_MINUTE;
    const name = this.opts.interfaceName(w.ifid);
    const endS = Math.min(nowS, w.startS + FLOW_ALERT_WINDOW_S);
    const summary: CheckFinding = {
      check,
      score: w.top.score,
      title: `${w.top.title}: ${w.suppressed} more flow alerts suppressed`,
      description:
        `${w.suppressed} more flows on ${name} tripped ${check} in ${Math.round(endS - w.startS)} s after ${w.raised} alerts were raised ` +
        `(limit ${limit} per interface and check per minute); counted, not raised one by one. Last: ${w.lastFlow ?? ''}`,
      details: { suppressed: w.suppressed, raised: w.raised, limit_per_minute: limit, window_start: new Date(w.startS * 1000).toISOString(), last_flow: w.lastFlow ?? '' },
    };
    const event = this.build(summary, 'interface', name, '', w.ifid, w.startS);
    event.end_time = new Date(endS * 1000).toISOString();
    out.push({ event, ifid: w.ifid });
  }

  /** Closes the flow-alert windows whose minute is over: their summaries (alert storms). */
  private closeFlowWindows(nowS: number, out: EmittedAlert[]): void {
    for (const [key, w] of [...this.flowWindows]) if (nowS - w.startS >= FLOW_ALERT_WINDOW_S) this.closeFlowWindow(w, key.slice(key.indexOf('|') + 1), nowS, out);
  }

  /** Flow alerts suppressed since start (past the per-minute limit), by check. */
  suppressedFlowAlerts(): Map<string, number> {
    return new Map(this.suppressedByCheck);
  }

  /** Closes the host windows and runs the host checks: engages, keeps or releases host alerts. */
  checkHosts(nowS = Date.now() / 1000): EmittedAlert[] {
    const checks = this.checks.host.map((c) => ({ c, s: this.settingsFor(c.id, c.defaults) })).filter((x) => x.s.enabled);
    const holding = new Set<string>();
    const out: EmittedAlert[] = [];
    for (const [ifid, activity] of this.activities) {
      for (const h of activity.roll(nowS)) {
        for (const { c, s } of checks) {
          const f = c.evaluate(h, s);
          if (f) out.push(...this.engage('host', hostValue(h), h.ip, ifid, f, nowS, holding));
        }
      }
    }
    out.push(...this.releaseMissing('host', holding, nowS));
    // The minute's flow-alert summaries, also when no flow alert came since.
    this.closeFlowWindows(nowS, out);
    if (out.length) this.opts.emit(out);
    return out;
  }

  /** Runs the interface checks on the current interface counters. */
  checkInterfaces(stats: InterfaceStats[], nowS = Date.now() / 1000): EmittedAlert[] {
    const checks = this.checks.iface.map((c) => ({ c, s: this.settingsFor(c.id, c.defaults) })).filter((x) => x.s.enabled);
    const holding = new Set<string>();
    const out: EmittedAlert[] = [];
    for (const st of stats) {
      const prev = this.ifacePrev.get(st.id);
      const packets = prev ? Math.max(0, st.packets - prev.packets) : 0;
      const drops = prev ? Math.max(0, st.drops - prev.drops) : 0;
      const lastPacketTsS = !prev || packets > 0 ? nowS : prev.lastPacketTsS;
      const restarts = st.worker_restarts ?? 0;
      // At first sight restarts count from 0: a worker that crashed before the first pass is reported at the second.
      this.ifacePrev.set(st.id, { packets: st.packets, drops: st.drops, restarts: prev ? restarts : 0, tsS: nowS, lastPacketTsS });
      if (!prev) continue;
      const workerRestarts = Math.max(0, restarts - prev.restarts);
      const delta = { stats: st, packets, drops, workerRestarts, intervalS: nowS - prev.tsS, silentS: nowS - lastPacketTsS };
      for (const { c, s } of checks) {
        const f = c.evaluate(delta, s);
        if (f) out.push(...this.engage('interface', st.name, '', st.id, f, nowS, holding));
      }
    }
    out.push(...this.releaseMissing('interface', holding, nowS));
    if (out.length) this.opts.emit(out);
    return out;
  }

  private engage(kind: 'host' | 'interface', value: string, host: string, ifid: number, f: CheckFinding, nowS: number, holding: Set<string>): EmittedAlert[] {
    const key = `${kind}|${ifid}|${value}|${f.check}`;
    holding.add(key);
    const cur = this.engaged.get(key);
    if (cur) {
      // Still holding: refresh the numbers, no new message.
      cur.event.score = Math.max(0, Math.round(f.score));
      cur.event.severity = severityFromScore(cur.event.score);
      cur.event.description = f.description;
      cur.event.details = f.details;
      return [];
    }
    const event = this.build(f, kind, value, host, ifid, nowS);
    event.status = 'engaged';
    this.engaged.set(key, { event, ifid, kind });
    return [{ event: { ...event }, ifid }];
  }

  private releaseMissing(kind: 'host' | 'interface', holding: Set<string>, nowS: number): EmittedAlert[] {
    const out: EmittedAlert[] = [];
    for (const [key, e] of this.engaged) {
      if (e.kind !== kind || holding.has(key)) continue;
      this.engaged.delete(key);
      out.push({ event: { ...e.event, status: 'released', end_time: new Date(nowS * 1000).toISOString() }, ifid: e.ifid });
    }
    return out;
  }

  /** Key of an engaged alert: one per entity, interface and check (as `engage` keys it). */
  static engagedKey(event: AlertEventV1, ifid: number): string {
    return `${event.entity.type}|${ifid}|${event.entity.value}|${event.check}`;
  }

  /**
   * Engaged alerts stored before a restart (docs/reliability.md): they are engaged again with
   * their own id and time, without a message; the next pass refreshes or releases them.
   */
  restoreEngaged(alerts: EmittedAlert[]): number {
    let n = 0;
    for (const { event, ifid } of alerts) {
      const kind = event.entity.type;
      if (event.status !== 'engaged' || (kind !== 'host' && kind !== 'interface')) continue;
      const key = AlertEngine.engagedKey(event, ifid);
      if (this.engaged.has(key)) continue;
      this.engaged.set(key, { event: { ...event }, ifid, kind });
      n++;
    }
    return n;
  }

  /** Engaged alerts (copies), newest first. */
  engagedAlerts(): EmittedAlert[] {
    return [...this.engaged.values()].map((e) => ({ event: { ...e.event }, ifid: e.ifid })).sort((a, b) => b.event.time.localeCompare(a.event.time));
  }

  /** Removes an engaged alert without releasing it (DELETE on an engaged alert); it re-engages if the condition still holds. */
  dropEngaged(id: string): boolean {
    for (const [key, e] of this.engaged) {
      if (e.event.id === id) {
        this.engaged.delete(key);
        return true;
      }
    }
    return false;
  }
}

/** A dotted-quad IPv4 address as a number, or -1 when `ip` is not one. */
function ipv4Number(ip: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? n * 256 + part : -1;
}

function hostValue(h: HostWindow): string {
  return h.vlan ? `${h.ip}@${h.vlan}` : h.ip;
}
