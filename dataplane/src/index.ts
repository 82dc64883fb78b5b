/**
 * The dataplane package's public API (the only module other packages import):
 * the lifecycle class, the query and record types, capture-file helpers and
 * file analysis.
 */
export { Dataplane } from './dataplane';
export type { Shard } from './dataplane';
export * from './dataplane.types';
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
export { OfflineReaders } from './offline/offline-readers';
export type { ReadPriority } from './offline/offline-readers';
export { analyzeCapture } from './analyze';
export type { AnalyzeOptions, AnalyzeResult } from './analyze';
