import type { FlowQuery, FlowRecord, HostQuery, HostRecord, InterfaceStats, Page } from '@flowprobe/dataplane';

/**
 * The part of `@flowprobe/dataplane`'s `Dataplane` the control plane uses.
 * `Dataplane` satisfies it structurally; naming the subset keeps the control
 * plane's dependency explicit (and lets the appliance own start/stop).
 */
export interface ProbeDataplane {
  stats(): InterfaceStats;
  queryFlows(q: FlowQuery): Page<FlowRecord>;
  queryHosts(q: HostQuery): Page<HostRecord>;
  getHost(ip: string, vlan?: number): HostRecord | undefined;
  /** Offline periodic pass (seeds/003): throughputs, idle → ready_to_be_purged. Call every second. */
  updateStats(nowS?: number): { endedFlows: FlowRecord[] };
  /** Resolves when the capture has stopped (end of a non-looping file, or stop()). */
  whenFinished?(): Promise<void>;
}

/** Injection token of the `ProbeDataplane[]` (one per capture interface, index = interface id). */
export const PROBE_DATAPLANES = Symbol('PROBE_DATAPLANES');
