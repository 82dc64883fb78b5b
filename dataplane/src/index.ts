/**
 * The dataplane package's public API (the only module other packages import):
 * `startDataplane`, whose {@link InterfaceHandle} answers every read in
 * offline reader threads; the record, query and error types; capture-file
 * helpers and file analysis.
 */
import { Dataplane } from './dataplane';
import type { DataplaneOptions, InterfaceHandle } from './dataplane.types';

/** Starts a capture interface and its offline readers (default one per shard up to one per core). */
export const startDataplane: (options: DataplaneOptions, readers?: number) => Promise<InterfaceHandle> = (options, readers) =>
  Dataplane.startWithReaders(options, readers);

export * from './dataplane.types';
/** The one query vocabulary: sort keys, orders, page bounds and defaults (the control plane's DTOs and API types derive from it). */
export {
  FLOW_SORT_KEYS,
  HOST_SORT_KEYS,
  SORT_ORDERS,
  DEFAULT_FLOW_SORT,
  DEFAULT_HOST_SORT,
  DEFAULT_SORT_ORDER,
  DEFAULT_PAGE,
  MAX_PAGE,
} from './query-vocabulary';
/** Merging the ranked pages of several interfaces by the keys they carry. */
export { mergeFlowPages } from './flow/flow-query';
export { mergeHostPages } from './host/host-query';
export { l4Name, l4Number } from './flow/flow-record';
export { PcapWriter } from './capture/pcap-writer';
export type { PcapWriterOptions } from './capture/pcap-writer';
export { PcapFileSource } from './capture/pcap-file-source';
export { CaptureFileError } from './capture/pcap-file-error';
export { ReplaySource } from './capture/replay-source';
export { UPDATE_STATS_SLOTS } from './offline/offline-pass';
export { DEFAULT_ACTIVE_TIMEOUT_S } from './flow/flow-export';
export { communityId } from './flow/community-id';
export type { ReplayOptions } from './capture/replay-source';
export { DataplaneError, QueryError } from './errors/dataplane-error';
export type { DataplaneErrorCode } from './errors/dataplane-error';
export { DpdkError } from './capture/dpdk-error';
export type { DpdkErrorCode } from './capture/dpdk-error';
export type { CaptureFileErrorCode } from './capture/pcap-file-error';
/** Whole-capture analysis in this thread (`flowprobe analyze`). */
export { analyzeCapture } from './analyze';
export type { AnalyzeOptions, AnalyzeResult } from './analyze';
