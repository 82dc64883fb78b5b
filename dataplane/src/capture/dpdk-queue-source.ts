import { isMainThread } from 'node:worker_threads';
import type { DpdkSourceSpec } from '../dataplane.types';
import { CaptureSource, CaptureSourceStats, END_OF_CAPTURE } from './capture-source';
import { DpdkError } from './dpdk-error';
import { captureLinkType, pcapReplayOf } from './dpdk-port';
import { DpdkShim, loadDpdkShim } from './dpdk-shim.ffi';
import { LinkType, PacketBurst } from './packet-burst';

/**
 * Default bytes kept of each frame: all of it (the largest IP packet). Flow byte counts and the
 * decoder use the captured length, so a shorter snap length would undercount frames longer than
 * it (jumbo frames, GRO'd af_packet frames, loopback captures) and make them look truncated.
 * The shim stashes frames that do not fit in a burst's buffer, so a large value costs only copying.
 */
export const DPDK_DEFAULT_SNAPLEN = 65535;

/** Empty polls in a row that end a finite net_pcap replay (see DpdkQueueSourceOptions). */
const REPLAY_END_EMPTY_POLLS = 3;

/**
 * Opens, in capture worker `queue`, the RX queue of the same number on the spec's port (set up
 * by the main thread with startDpdk). A net_pcap replay of a file (no infinite_rx) gets the
 * file's link type and ends with the file, so `flowprobe analyze --source dpdk:...` terminates.
 */
export function openDpdkQueueSource(spec: DpdkSourceSpec, queue: number): DpdkQueueSource {
  const replay = pcapReplayOf(loadDpdkShim().shim_port_name(spec.port), spec.eal);
  const file = replay.files[queue] ?? replay.file;
  return new DpdkQueueSource(spec.port, queue, spec.snaplen ?? DPDK_DEFAULT_SNAPLEN, {
    linkType: file === null ? LinkType.Ethernet : captureLinkType(file),
    endAfterEmptyPolls: replay.file !== null && !replay.infinite ? REPLAY_END_EMPTY_POLLS : 0,
  });
}

/** Options of {@link DpdkQueueSource}. */
export interface DpdkQueueSourceOptions {
  /** Link type of the frames (see DpdkPortInfo.linkType). Default Ethernet. */
  linkType?: number;
  /**
   * Report END_OF_CAPTURE after this many consecutive empty polls. 0 (default) = never, as for a
   * NIC. For a finite net_pcap replay: net_pcap reads the file synchronously, so an empty poll
   * means the file is exhausted; a few in a row rule out a momentary mbuf shortage.
   */
  endAfterEmptyPolls?: number;
}

/**
 * One RX queue of a DPDK port, polled by the one capture worker thread that owns it.
 *
 * The constructor registers the calling thread with EAL (rte_thread_register) and close()
 * unregisters it. EAL and the port must already be set up by the main thread (startDpdk).
 * Each nextBurst() is one FFI call that receives up to `burst.capacity` frames, copies up to
 * `snaplen` bytes of each into the burst and frees the mbufs. NIC drops are port counters,
 * read with readDpdkPortStats(); this source loses nothing itself.
 */
export class DpdkQueueSource implements CaptureSource {
  private readonly shim: DpdkShim;
  private readonly linkType: number;
  private readonly endAfterEmptyPolls: number;
  /** [packets, bytes]: a Float64Array, so counting never boxes a number on the packet path. */
  private readonly counts = new Float64Array(2);
  private emptyPolls = 0;
  private open = true;
  /** EAL lcore id this thread got. */
  readonly lcore: number;

  constructor(
    readonly port: number,
    readonly queue: number,
    readonly snaplen: number = DPDK_DEFAULT_SNAPLEN,
    options: DpdkQueueSourceOptions = {},
  ) {
    if (isMainThread) {
      // A poll loop on the main thread would block its event loop (DESIGN.md): workers only.
      throw new DpdkError('DPDK_THREAD_REGISTER', `port ${port} queue ${queue}: a DPDK queue is polled from a worker thread, not the main thread`);
    }
    this.shim = loadDpdkShim();
    this.linkType = options.linkType ?? LinkType.Ethernet;
    this.endAfterEmptyPolls = options.endAfterEmptyPolls ?? 0;
    const lcore = this.shim.shim_thread_register();
    if (lcore < 0) throw new DpdkError('DPDK_THREAD_REGISTER', `port ${port} queue ${queue}: ${this.shim.shim_last_error()}`);
    this.lcore = lcore;
  }

  nextBurst(burst: PacketBurst): number {
    if (!this.open) return END_OF_CAPTURE;
    const n = this.shim.shim_rx_burst(
      this.port,
      this.queue,
      burst.tsS,
      burst.offset,
      burst.caplen,
      burst.wirelen,
      burst.data,
      burst.data.length,
      this.snaplen,
      burst.capacity,
    );
    burst.count = n;
    if (n === 0) {
      if (this.endAfterEmptyPolls > 0 && ++this.emptyPolls >= this.endAfterEmptyPolls) return END_OF_CAPTURE;
      return 0;
    }
    this.emptyPolls = 0;
    burst.linkType.fill(this.linkType, 0, n);
    burst.ifIndex.fill(this.port, 0, n);
    this.counts[0] += n;
    // The frames are packed: the last one ends where the copied bytes end.
    this.counts[1] += burst.offset[n - 1] + burst.caplen[n - 1];
    return n;
  }

  stats(): CaptureSourceStats {
    return { packets: this.counts[0], bytes: this.counts[1], drops: 0 };
  }

  /** Unregisters the thread from EAL. The port stays up for the other queues; the main thread closes it. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.shim.shim_thread_unregister();
  }
}
