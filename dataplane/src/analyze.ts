import { Dataplane } from './dataplane';
import { FlowRecord, InterfaceStats, SourceSpec } from './dataplane.types';

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
}

export interface AnalyzeResult {
  flows: FlowRecord[];
  stats: InterfaceStats;
  /** Number of distinct hosts. */
  hosts: number;
  elapsedS: number;
  /** The capture stopped early on an error (corrupt file): what came before is counted. */
  error?: string;
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
  });
  const ended: FlowRecord[] = [];
  // With an idle timeout the offline pass must run, or idle flows would never be purged.
  const timer = options.idleTimeoutS ? setInterval(() => ended.push(...dp.updateStats().endedFlows), 200) : undefined;
  try {
    await dp.whenFinished();
  } finally {
    if (timer) clearInterval(timer);
  }
  if (options.idleTimeoutS) ended.push(...dp.updateStats(Date.now() / 1000, Infinity).endedFlows);
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const stats = dp.stats();
  const flows = ended.concat(dp.allFlows());
  return { flows, stats, hosts: stats.num_hosts, elapsedS, ...(stats.error ? { error: stats.error } : {}) };
}
