import { Dataplane } from './dataplane';
import { FlowExportRecord, FlowRecord, InterfaceStats, SourceSpec } from './dataplane.types';

export interface AnalyzeOptions {
  /** Worker threads (shards); default: the number of cores. */
  workers?: number;
  /** Flows idle this long (packet time) are expired; default 0 = never, as ndpiReader on files. */
  idleTimeoutS?: number;
  /** nDPI detection; default true. */
  dpi?: boolean;
  flowCapacity?: number;
  hostCapacity?: number;
  localNetworks?: string[];
  /**
   * Also produce flow records (as the appliance hands to history and IPFIX):
   * interim records at the active timeout while reading, final records of
   * flows that went idle, and every remaining flow flushed as a final
   * 'end_of_capture' record at the end of the file.
   */
  records?: boolean;
  /** Active timeout of the records, seconds of packet time (default 60; 0 = no interim records). */
  activeTimeoutS?: number;
  /** Probe id stamped on the records (default: the host name). */
  probeId?: string;
}

export interface AnalyzeResult {
  flows: FlowRecord[];
  stats: InterfaceStats;
  /** Number of distinct hosts. */
  hosts: number;
  elapsedS: number;
  /** The capture stopped early on an error (corrupt file): what came before is counted. */
  error?: string;
  /** With `records`: every flow record, in the order produced; per flow they sum to its counters. */
  records?: FlowExportRecord[];
}

/**
 * Reads a whole capture through the same worker machinery as live capture and
 * returns every flow. Flows that were expired during the run (with an idle
 * timeout) are included, as a flow-end export would.
 */
export async function analyzeCapture(source: SourceSpec, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const started = process.hrtime.bigint();
  const dp = await Dataplane.start({
    source,
    workers: options.workers,
    idleTimeoutS: options.idleTimeoutS ?? 0,
    hostIdleTimeoutS: 0,
    dpi: options.dpi,
    flowCapacity: options.flowCapacity,
    hostCapacity: options.hostCapacity,
    localNetworks: options.localNetworks,
    activeTimeoutS: options.records ? options.activeTimeoutS : 0,
    probeId: options.probeId,
  });
  const ended: FlowRecord[] = [];
  const records: FlowExportRecord[] = [];
  // With an idle timeout the offline pass must run, or idle flows would never be purged; records need it for interim ones.
  const passes = options.idleTimeoutS || options.records;
  const pass = (slots?: number) => {
    const r = dp.updateStats(Date.now() / 1000, slots, ended).records;
    if (options.records) for (const rec of r) records.push(rec);
  };
  const timer = passes ? setInterval(() => pass(), 200) : undefined;
  try {
    await dp.whenFinished();
  } finally {
    if (timer) clearInterval(timer);
  }
  if (passes) pass(Infinity);
  // (a loop, not push(...): a capture may end with a million flows, beyond the call-argument limit)
  if (options.records) for (const rec of dp.flushFlows('end_of_capture')) records.push(rec);
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const stats = dp.stats();
  const flows = ended.concat(dp.allFlows());
  return { flows, stats, hosts: stats.num_hosts, elapsedS, ...(stats.error ? { error: stats.error } : {}), ...(options.records ? { records } : {}) };
}
