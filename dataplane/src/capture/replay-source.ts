import { CaptureSource, CaptureSourceStats, END_OF_CAPTURE } from './capture-source';
import { PacketBurst } from './packet-burst';
import { BlockCopier } from './pcap-block-copy';
import { PcapFileSource, PcapFileSourceOptions } from './pcap-file-source';

/** A capture source that can start again from its first packet (a file). */
export interface RewindableCaptureSource extends CaptureSource {
  rewind(): void;
}

/** Options of {@link ReplaySource}. */
export interface ReplayOptions {
  /** Start again at the end of the file, forever (default false). */
  loop?: boolean;
  /**
   * `max` (default): packets as fast as the caller asks. `realtime`: a packet is handed out only
   * once the wall clock has advanced, since the start, as far as its timestamp has since the first
   * packet; until then `nextBurst` returns 0.
   */
  speed?: 'realtime' | 'max';
  /** Shift timestamps so the first packet carries the wall-clock time of the start (default false). */
  shiftToNow?: boolean;
  /** Pause between the last packet of a pass and the first of the next, seconds (default 1). */
  loopGapS?: number;
  /** Wall clock, seconds since the epoch (default `Date.now() / 1000`); tests inject their own. */
  clockS?: () => number;
  /**
   * Wall-clock time the replay starts at, seconds (default: the clock when the first packet is
   * read). Workers that each replay the same file (software RSS) pass one value so that their
   * shifted timestamps and pacing agree to the microsecond.
   */
  startAtS?: number;
}

const DEFAULT_LOOP_GAP_S = 1;
const wallClockS = (): number => Date.now() / 1000;

/**
 * Replays a capture file as if it were live traffic: optionally looping with timestamps that keep
 * increasing (each pass shifted by the capture's duration plus `loopGapS`), optionally paced by
 * the wall clock, optionally shifted so the first packet is "now".
 *
 * At `max` speed the file source fills the caller's burst directly and only timestamps are
 * rewritten in place. In `realtime` mode packets are read ahead into an internal burst and the due
 * ones are copied out (one bulk data copy per call); `nextBurst` returns 0 while the next packet
 * lies in the future, and {@link msUntilNextPacket} tells the worker how long it may sleep.
 */
export class ReplaySource implements CaptureSource {
  /** Completed passes over the file. */
  loops = 0;
  private readonly loop: boolean;
  private readonly realtime: boolean;
  private readonly shiftToNow: boolean;
  private readonly loopGapS: number;
  private readonly clockS: () => number;
  private readonly startAtS: number | undefined;
  private readonly counters: CaptureSourceStats = { packets: 0, bytes: 0, drops: 0 };
  private started = false;
  /** Wall-clock time of the start, seconds. */
  private startWallS = 0;
  /** Timestamp of the very first packet, after shifting (the pacing origin), seconds. */
  private firstOutTsS = 0;
  /** Original timestamp of the first packet of the file, seconds. */
  private firstFileTsS = 0;
  /** Largest original timestamp seen in the current pass, seconds. */
  private maxFileTsS = -Infinity;
  /** Seconds added to the original timestamps in the current pass. */
  private shiftS = 0;
  private packetsThisPass = 0;
  private stage: PacketBurst | null = null;
  private stageCopier: BlockCopier | null = null;
  private stagePos = 0;
  private ended = false;

  constructor(
    private readonly source: RewindableCaptureSource,
    options: ReplayOptions = {},
  ) {
    this.loop = options.loop ?? false;
    this.realtime = (options.speed ?? 'max') === 'realtime';
    this.shiftToNow = options.shiftToNow ?? false;
    this.loopGapS = options.loopGapS ?? DEFAULT_LOOP_GAP_S;
    this.clockS = options.clockS ?? wallClockS;
    this.startAtS = options.startAtS;
  }

  /** Opens a pcap/pcapng file for replay. */
  static open(path: string, options: ReplayOptions = {}, fileOptions: PcapFileSourceOptions = {}): ReplaySource {
    return new ReplaySource(new PcapFileSource(path, fileOptions), options);
  }

  /** {@inheritDoc CaptureSource.nextBurst} */
  nextBurst(burst: PacketBurst): number {
    if (!this.realtime) {
      const n = this.readShifted(burst);
      if (n > 0) this.account(burst, 0, n);
      return n;
    }
    let stage = this.stage;
    if (stage === null || stage.capacity !== burst.capacity || stage.data.length !== burst.data.length) {
      stage = this.stage = new PacketBurst(burst.capacity, burst.data.length);
      this.stageCopier = new BlockCopier(stage.data);
    }
    burst.count = 0;
    if (this.stagePos >= stage.count) {
      const n = this.readShifted(stage);
      this.stagePos = 0;
      if (n === END_OF_CAPTURE) return END_OF_CAPTURE;
    }
    // Due: packets whose distance from the first packet has elapsed on the wall clock.
    const dueUntilTsS = this.clockS() - this.startWallS + this.firstOutTsS;
    const from = this.stagePos;
    let to = from;
    while (to < stage.count && stage.tsS[to] <= dueUntilTsS) to++;
    if (to === from) return 0;
    this.copyOut(stage, from, to, burst);
    this.stagePos = to;
    this.account(burst, 0, burst.count);
    return burst.count;
  }

  /**
   * Realtime mode: milliseconds until the next buffered packet is due (0 if one is due now or the
   * buffer is empty). Max speed: always 0.
   */
  msUntilNextPacket(): number {
    const stage = this.stage;
    if (!this.realtime || stage === null || this.stagePos >= stage.count) return 0;
    const waitS = stage.tsS[this.stagePos] - this.firstOutTsS - (this.clockS() - this.startWallS);
    return waitS > 0 ? waitS * 1000 : 0;
  }

  /** {@inheritDoc CaptureSource.stats} Packets and bytes handed out; drops of the file source. The same object on every call. */
  stats(): CaptureSourceStats {
    this.counters.drops = this.source.stats().drops;
    return this.counters;
  }

  /** Closes the file. */
  close(): void {
    this.source.close();
  }

  /** Reads the next burst from the file (rewinding when looping) and shifts its timestamps. */
  private readShifted(burst: PacketBurst): number {
    if (this.ended) {
      burst.count = 0;
      return END_OF_CAPTURE;
    }
    let n = this.source.nextBurst(burst);
    if (n === END_OF_CAPTURE && this.loop && this.packetsThisPass > 0) {
      // Next pass starts `loopGapS` after the latest packet of this one (files need not be in time order).
      this.shiftS += this.maxFileTsS - this.firstFileTsS + this.loopGapS;
      this.maxFileTsS = -Infinity;
      this.packetsThisPass = 0;
      this.loops++;
      this.source.rewind();
      n = this.source.nextBurst(burst);
    }
    if (n === END_OF_CAPTURE) {
      if (this.packetsThisPass > 0) this.loops++;
      this.ended = true;
      return END_OF_CAPTURE;
    }
    if (n === 0) return 0;
    const ts = burst.tsS;
    if (!this.started) {
      this.started = true;
      this.startWallS = this.startAtS ?? this.clockS();
      this.firstFileTsS = ts[0];
      this.shiftS = this.shiftToNow ? this.startWallS - ts[0] : 0;
      this.firstOutTsS = ts[0] + this.shiftS;
    }
    let max = this.maxFileTsS;
    const shift = this.shiftS;
    for (let i = 0; i < n; i++) {
      const t = ts[i];
      if (t > max) max = t;
      ts[i] = t + shift;
    }
    this.maxFileTsS = max;
    this.packetsThisPass += n;
    return n;
  }

  /** Copies packets [from, to) of `stage` into `burst`: one allocation-free bulk copy of their data, fields one by one. */
  private copyOut(stage: PacketBurst, from: number, to: number, burst: PacketBurst): void {
    // The file source lays packets out in increasing offsets, so [from, to) is one contiguous run.
    const base = stage.offset[from];
    const last = to - 1;
    (this.stageCopier as BlockCopier).copy(base, stage.offset[last] + stage.caplen[last], burst.data, 0);
    for (let i = from, j = 0; i < to; i++, j++) {
      burst.tsS[j] = stage.tsS[i];
      burst.offset[j] = stage.offset[i] - base;
      burst.caplen[j] = stage.caplen[i];
      burst.wirelen[j] = stage.wirelen[i];
      burst.linkType[j] = stage.linkType[i];
      burst.ifIndex[j] = stage.ifIndex[i];
    }
    burst.count = to - from;
  }

  private account(burst: PacketBurst, from: number, to: number): void {
    let bytes = 0;
    for (let i = from; i < to; i++) bytes += burst.caplen[i];
    this.counters.packets += to - from;
    this.counters.bytes += bytes;
  }
}
