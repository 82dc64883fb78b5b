import { PacketBurst } from './packet-burst';

/** Returned by {@link CaptureSource.nextBurst} when the source has no more packets (end of file). */
export const END_OF_CAPTURE = -1;

/** Counters every source keeps; DPDK adds NIC counters on top. */
export interface CaptureSourceStats {
  /** Packets handed out in bursts. */
  packets: number;
  /** Sum of caplen of the packets handed out. */
  bytes: number;
  /** Packets the source itself lost (NIC imissed/rx_nombuf, truncated records...). */
  drops: number;
}

/**
 * A source of packets, polled by exactly one capture worker thread.
 * Implementations must not allocate per packet.
 */
export interface CaptureSource {
  /**
   * Fills `burst` (overwriting it) with up to `burst.capacity` packets and sets `burst.count`.
   * Returns the count, 0 when no packet is ready now (live sources), or END_OF_CAPTURE.
   * A corrupt input throws (after every packet before the corruption has been returned).
   */
  nextBurst(burst: PacketBurst): number;
  stats(): CaptureSourceStats;
  close(): void;
}
