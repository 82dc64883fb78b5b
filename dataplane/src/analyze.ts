import * as fs from 'node:fs';
import { Dataplane, DEFAULT_FLOW_CAPACITY, DEFAULT_HOST_CAPACITY } from './dataplane';
import { MIN_FRAME_BYTES } from './decode/decode-status';
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
  /**
   * Print the flows as ndjson (largest first, as `flowprobe analyze`) in
   * chunks through this callback instead of returning them: `flows` is then
   * empty and `flowCount` counts them. Written straight from the shared tables,
   * without a record object per flow.
   */
  ndjson?: (chunk: Uint8Array) => void;
}

export interface AnalyzeResult {
  /** Every flow (empty with the `ndjson` option). */
  flows: FlowRecord[];
  /** Number of flows (printed ones with `ndjson`). */
  flowCount: number;
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
 * Bytes of a capture file taken at least by a packet that can make a flow: a 16-byte pcap
 * record header and the shortest frame decoded (a shorter one is counted `too_short`).
 */
const MIN_FLOW_PACKET_FILE_BYTES = 16 + MIN_FRAME_BYTES;
/** The smallest tables sized from a file. */
const MIN_FILE_TABLE_CAPACITY = 1024;

/**
 * Table capacities for a capture file when none are given: a file holds no more flows than
 * packets that can make one, and a packet names at most four hosts (a tunnel's outer and inner
 * addresses), so a short file gets small tables instead of the defaults, which are formatted
 * before the first packet (start-up). `{}` for a looped source or a file that cannot be read
 * (the source reports that itself).
 */
function capacitiesForFile(source: SourceSpec): { flowCapacity?: number; hostCapacity?: number } {
  if (source.kind !== 'pcap' || source.loop) return {};
  let bytes: number;
  try {
    bytes = fs.statSync(source.path).size;
  } catch {
    return {};
  }
  const packets = Math.max(MIN_FILE_TABLE_CAPACITY, Math.ceil(bytes / MIN_FLOW_PACKET_FILE_BYTES));
  return {
    ...(packets < DEFAULT_FLOW_CAPACITY ? { flowCapacity: packets } : {}),
    ...(packets * 4 < DEFAULT_HOST_CAPACITY ? { hostCapacity: packets * 4 } : {}),
  };
}

/**
 * Reads a whole capture through the same worker machinery as live capture and
 * returns every flow. Flows that were expired during the run (with an idle
 * timeout) are included, as a flow-end export would.
 */
export async function analyzeCapture(source: SourceSpec, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const started = process.hrtime.bigint();
  const sized = capacitiesForFile(source);
  const dp = await Dataplane.start({
    source,
    workers: options.workers,
    idleTimeoutS: options.idleTimeoutS ?? 0,
    hostIdleTimeoutS: 0,
    dpi: options.dpi,
    flowCapacity: options.flowCapacity ?? sized.flowCapacity,
    hostCapacity: options.hostCapacity ?? sized.hostCapacity,
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
  let flows: FlowRecord[] = [];
  let flowCount: number;
  if (options.ndjson) flowCount = dp.writeFlowsNdjson(ended, options.ndjson);
  else flowCount = (flows = ended.concat(dp.allFlows())).length;
  return { flows, flowCount, stats, hosts: stats.num_hosts, elapsedS, ...(stats.error ? { error: stats.error } : {}), ...(options.records ? { records } : {}) };
}
