import type { FlowEndReason, FlowExportRecord, FlowQuery, FlowRecord, HostQuery, HostRecord, InterfaceStats, Page, ReadPriority } from '@flowprobe/dataplane';

/**
 * The part of a running interface the control plane uses: `@flowprobe/dataplane`'s
 * `OfflineReaders` satisfies it structurally (scans and the periodic pass run
 * in reader threads, answers arrive as promises, so the event loop never waits
 * for a walk over the tables). Naming the subset keeps the control plane's
 * dependency explicit (and lets the appliance own start/stop).
 */
export interface ProbeDataplane {
  stats(): InterfaceStats;
  /** `priority`: API requests ('interactive', the default) are answered before jobs' scans ('background'). */
  queryFlows(q: FlowQuery, priority?: ReadPriority): Promise<Page<FlowRecord>>;
  queryHosts(q: HostQuery, priority?: ReadPriority): Promise<Page<HostRecord>>;
  getHost(ip: string, vlan?: number): Promise<HostRecord | undefined>;
  /**
   * Offline periodic pass (seeds/003): throughputs, idle → ready_to_be_purged,
   * and the flow records it produced (ended flows, interim records at the
   * active timeout). Call every second.
   */
  updateStats(nowS?: number): Promise<{ records: FlowExportRecord[] }>;
  /** Every flow not fully reported yet, as final records with `reason` (shutdown: 'forced_end'). */
  flushFlows?(reason: FlowEndReason): Promise<FlowExportRecord[]>;
  /** Resolves when the capture has stopped (end of a non-looping file, or stop()). */
  whenFinished?(): Promise<void>;
}

/** Injection token of the `ProbeDataplane[]` (one per capture interface, index = interface id). */
export const PROBE_DATAPLANES = Symbol('PROBE_DATAPLANES');
