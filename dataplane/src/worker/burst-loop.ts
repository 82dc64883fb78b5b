import { CaptureSource, END_OF_CAPTURE } from '../capture/capture-source';
import { PacketBurst } from '../capture/packet-burst';
import { decodePacket } from '../decode/decode-packet';
import { DecodedPacket } from '../decode/decoded-packet';
import { shardOf } from '../decode/shard-hash';
import { FlowDpiSink, FlowTable } from '../flow/flow-table';
import { DpiState, FlowU32 } from '../flow/flow-table.layout';
import { HostTable } from '../host/host-table';
import type { DpiHook } from '../dpi/dpi-hook';
import { WorkerControl, WorkerF64 } from './worker-stats.layout';

/** Buckets visited per purge tick = bucketCount / PURGE_FRACTION (ntopng). */
export const PURGE_FRACTION = 60;
/** Packet-time seconds between purge ticks. */
const PURGE_TICK_S = 1;

/**
 * The inline thread's work: pull a burst from the source, keep this shard's
 * packets, decode, account flows and hosts, feed nDPI, and spread the purge of
 * idle entries over time. Allocates nothing per packet.
 */
export class BurstLoop {
  /** One decoded packet per burst position: the burst is decoded whole, then accounted in stages. */
  private readonly packets: DecodedPacket[];
  /** Packet time and captured bytes of each decoded packet of the burst. */
  private readonly packetTs: Float64Array;
  private readonly packetBytes: Int32Array;
  private lastPurgeTs = 0;
  /** WorkerControl.Config value whose settings are applied. */
  private configSeen = 0;
  /** Wall-clock ms when the newest packet was processed: lets idle purges advance packet time. */
  private lastPacketWallMs = 0;
  /**
   * Set when `run` threw because the source failed (a corrupt capture file, a
   * DPDK error): the capture ends for this worker. Any other exception is a
   * crash of the worker (restarted by the main thread, docs/reliability.md).
   */
  sourceFailed = false;

  constructor(
    private readonly source: CaptureSource,
    private readonly flows: FlowTable,
    private readonly hosts: HostTable,
    private readonly stats: Float64Array,
    private readonly control: Int32Array,
    private readonly shard: number,
    /** Shards to split the source's packets over; 1 = keep every packet (the NIC already split them). */
    private readonly shardCount: number,
    private readonly dpi: DpiHook | null,
    /** Reads and applies pending settings (WorkerConfig); false when none had arrived yet. */
    private readonly onConfig: () => boolean = () => true,
    /** The burst the source fills (a source may bring its own, e.g. over shared data). */
    private readonly burst: PacketBurst = new PacketBurst(),
  ) {
    const capacity = burst.capacity;
    this.packets = Array.from({ length: capacity }, () => new DecodedPacket());
    this.packetTs = new Float64Array(capacity);
    this.packetBytes = new Int32Array(capacity);
    flows.reserveBurst(capacity);
  }

  /** Runs until the source ends or a stop is requested. Returns true at end of capture. */
  run(): boolean {
    const control = this.control;
    const stats = this.stats;
    try {
      for (;;) {
        if (Atomics.load(control, WorkerControl.Stop) !== 0) return false;
        if (Atomics.load(control, WorkerControl.Config) !== this.configSeen) this.readConfig();
        let n: number;
        try {
          n = this.source.nextBurst(this.burst);
        } catch (err) {
          this.sourceFailed = true;
          throw err;
        }
        if (n === END_OF_CAPTURE) {
          if (this.dpi) this.dpi.giveUpAll(this.flows);
          return true;
        }
        if (n === 0) {
          this.idle();
          continue;
        }
        this.processBurst(n);
      }
    } finally {
      const s = this.source.stats();
      stats[WorkerF64.SourceDrops] = s.drops;
      stats[WorkerF64.Finished] = 1;
    }
  }

  /** Applies the settings the main thread posted (one atomic load per burst when nothing changed). */
  private readConfig(): void {
    const version = Atomics.load(this.control, WorkerControl.Config);
    // Seen only once a message arrived: a bump that overtook its message is retried next burst.
    if (this.onConfig()) this.configSeen = version;
  }

  /**
   * Decodes the whole burst (this shard's packets), then lets the flow table
   * hash every key and load the buckets, slots and hosts of all of them before
   * accounting them one by one in capture order (FlowTable.prefetchBurst):
   * the cache misses of the burst overlap.
   */
  private processBurst(n: number): void {
    const b = this.burst;
    const data = b.data;
    const stats = this.stats;
    const flows = this.flows;
    const packets = this.packets;
    const packetTs = this.packetTs;
    const packetBytes = this.packetBytes;
    const dpi = this.dpi;
    const u32 = flows.u32;
    const table = flows.table;
    const filter = this.shardCount > 1;
    const now = flows.now;
    let lastTs = stats[WorkerF64.LastPacketTs];
    let k = 0;
    for (let i = 0; i < n; i++) {
      const off = b.offset[i];
      const caplen = b.caplen[i];
      const link = b.linkType[i];
      if (filter && shardOf(data, off, caplen, link, this.shardCount) !== this.shard) continue;
      const tsS = b.tsS[i];
      stats[WorkerF64.Packets]++;
      stats[WorkerF64.Bytes] += caplen;
      if (tsS > lastTs) lastTs = tsS;
      const status = decodePacket(data, off, caplen, link, packets[k]);
      stats[WorkerF64.DecodeStatus0 + status]++;
      if (status !== 0) continue;
      packetTs[k] = tsS;
      packetBytes[k] = caplen;
      k++;
    }
    flows.prefetchBurst(packets, k);
    for (let j = 0; j < k; j++) {
      const p = packets[j];
      const tsS = packetTs[j];
      now[0] = tsS;
      const slot = flows.accountStaged(j, p, packetBytes[j]);
      if (slot < 0 || dpi === null) continue;
      if (u32[table.u32At(slot) + FlowU32.DpiState] === DpiState.Pending) {
        dpi.queue(slot, p.l3Offset, p.l3Length, tsS * 1000, flows.dir === 0);
      }
    }
    if (dpi !== null) dpi.flush(data, flows);
    stats[WorkerF64.LastPacketTs] = lastTs;
    this.lastPacketWallMs = Date.now();
    if (lastTs - this.lastPurgeTs >= PURGE_TICK_S) this.purge(lastTs);
  }

  /**
   * Nothing to read: packet time stands still, so advance it by the wall-clock
   * time since the last packet and purge, then sleep briefly (1 ms).
   */
  private idle(): void {
    const lastTs = this.stats[WorkerF64.LastPacketTs];
    if (lastTs > 0) {
      const nowS = lastTs + (Date.now() - this.lastPacketWallMs) / 1000;
      if (nowS - this.lastPurgeTs >= PURGE_TICK_S) this.purge(nowS);
    }
    Atomics.wait(this.control, WorkerControl.Wake, 0, 1);
  }

  /**
   * One fraction of the buckets per tick of packet time: when packet time jumped
   * several ticks since the last purge (sparse traffic, a whole burst spanning
   * seconds), visit that many fractions at once, at most the whole table, so
   * every entry is checked once per PURGE_FRACTION ticks whatever the burst rate.
   */
  private purge(nowS: number): void {
    const ticks = this.lastPurgeTs === 0 ? 1 : Math.min(PURGE_FRACTION, Math.floor((nowS - this.lastPurgeTs) / PURGE_TICK_S));
    this.lastPurgeTs = nowS;
    const fraction = PURGE_FRACTION / ticks;
    this.flows.purgeIdle(nowS, fraction, this.dpi ? this.releaseDpi : undefined);
    this.hosts.purgeIdle(nowS, fraction);
  }

  private readonly releaseDpi = (slot: number): void => {
    if (this.dpi) this.dpi.release(slot);
  };
}
