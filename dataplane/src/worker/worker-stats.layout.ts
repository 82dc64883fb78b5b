/**
 * Per-worker counters in a SharedArrayBuffer: written by the worker (inline),
 * read by the main thread. Pinned by worker-stats.layout.spec.ts.
 */
export const DECODE_COUNTER_SLOTS = 32;

export const enum WorkerF64 {
  Packets = 0, // packets of this shard (all decode outcomes)
  Bytes, // their captured bytes
  Reserved2, // (was a burst count: written per burst, read by nothing)
  LastPacketTs, // packet time of the newest packet, seconds (the worker's own clock when idle)
  Reserved4, // (was the source's packet count, written at the end and read by nothing)
  SourceDrops, // drops reported by the source
  Reserved6, // (was "burst loop running", read by nothing: Finished is what the main thread waits on)
  Finished, // 1 once the source ended (end of file) or the worker stopped
  LostPackets, // packets given to this worker that no incarnation processed: skipped after a crash (docs/reliability.md)
  UploadBytes, // local -> remote bytes (by the configured local networks)
  DownloadBytes, // remote -> local bytes
  Reserved11,
  NdpiEngine, // the worker's nDPI engine address (BigInt64 view) while open: freed by the main thread if the worker dies without closing it
  Reserved13,
  Reserved14,
  Reserved15,
  DecodeStatus0 = 16, // DECODE_COUNTER_SLOTS counters indexed by DecodeStatus
  Count = DecodeStatus0 + DECODE_COUNTER_SLOTS,
}

export const WORKER_STATS_BYTES = WorkerF64.Count * 8;

/** Control words the main thread writes and the worker reads (Int32, Atomics). */
export const enum WorkerControl {
  Stop = 0, // 1 = finish the current burst and exit
  Wake = 1, // the worker sleeps on this word when its source has nothing
  Config = 2, // bumped by the main thread after it posted a WorkerConfig on the worker's config port
  Count = 3,
}
