import type { FlowRecord, InterfaceStats } from '@flowprobe/dataplane';

/** Settings of one check (`settings.checks.<id>`): `enabled` plus its thresholds. */
export interface CheckSettings {
  enabled: boolean;
  [param: string]: number | boolean | string;
}

/** What a check found; the engine turns it into an alert (id, time, severity from score). */
export interface CheckFinding {
  check: string;
  score: number;
  title: string;
  description: string;
  details: Record<string, string | number | boolean>;
}

/** Context flow checks need besides the flow. */
export interface FlowCheckContext {
  /** True when the address is in the configured local networks. */
  isLocal(ip: string): boolean;
  /** Whether any local network is configured (remote-to-remote needs some). */
  hasLocalNetworks: boolean;
}

/**
 * A flow check, run on each flow when it ends and on long-running active
 * flows by the minute job (ntopng's flow checks at protocol detection,
 * periodic update and flow end). One-shot: an alert per flow and check.
 */
export interface FlowCheck {
  readonly id: string;
  readonly defaults: CheckSettings;
  /** `ended` is false when called on a still-active flow. */
  evaluate(flow: FlowRecord, settings: CheckSettings, ctx: FlowCheckContext, ended: boolean): CheckFinding | null;
}

/** Per-host activity accumulated over one window (see HostActivity). */
export interface HostWindow {
  ip: string;
  vlan: number;
  windowS: number;
  /** Flows the host started. */
  flowsAsClient: number;
  /** TCP flows the host started that never completed the handshake (no ACK from the client). */
  unansweredSyn: number;
  /** Distinct server ports among those. */
  synPorts: number;
  /** DNS requests sent (client→server packets of DNS flows). */
  dnsRequests: number;
  /** Sum of the scores of the host's flows (as client or server). */
  score: number;
}

/** A host check: evaluated on each window; an engaged alert holds while it keeps returning a finding. */
export interface HostCheck {
  readonly id: string;
  readonly defaults: CheckSettings;
  evaluate(host: HostWindow, settings: CheckSettings): CheckFinding | null;
}

/** Interface counters between two evaluations. */
export interface InterfaceDelta {
  stats: InterfaceStats;
  packets: number;
  drops: number;
  /** Worker crashes followed by a restart in the interval (docs/reliability.md, *Worker crash*). */
  workerRestarts: number;
  intervalS: number;
  /** Seconds since the interface last saw a packet (while running). */
  silentS: number;
}

/** An interface check: engaged while it keeps returning a finding. */
export interface InterfaceCheck {
  readonly id: string;
  readonly defaults: CheckSettings;
  evaluate(delta: InterfaceDelta, settings: CheckSettings): CheckFinding | null;
}

/** A numeric setting with its default when the stored value is not a number. */
export function num(settings: CheckSettings, key: string, fallback: number): number {
  const v = settings[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** `client:port <-> server:port/L4`, the entity value of flow alerts. */
export function flowLabel(f: FlowRecord): string {
  const ep = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  return `${ep(f.client.ip, f.client.port)} <-> ${ep(f.server.ip, f.server.port)}/${f.l4}`;
}
