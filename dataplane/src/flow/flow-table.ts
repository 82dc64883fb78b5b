import { DecodedPacket } from '../decode/decoded-packet';
import { HostTable } from '../host/host-table';
import { HostF64 } from '../host/host-table.layout';
import { EntryState } from '../shard/entry-state';
import { HashTable } from '../shard/hash-table';
import { endpointHash, fmix32 } from '../shard/hash-mix';
import {
  DpiState,
  FLOW_INFO_BYTES,
  FLOW_NAME_BYTES,
  FLOW_SLOT_F64,
  FLOW_SLOT_U32,
  FlowF64,
  FlowFlag,
  flowInfoOffset,
  flowNamesOffset,
  flowTableGeometry,
  flowTotalBytesOffset,
  FlowU32,
} from './flow-table.layout';

const TCP = 6;
const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_ACK = 0x10;

/**
 * Where nDPI results go (implemented by FlowTable, called by the DPI engine
 * inline, in the flow's own worker, at most once per packet given to nDPI).
 */
export interface FlowDpiSink {
  /** Stores detection results; `score` is nDPI's risk score; `state` is a DpiState. Attributes the flow's bytes so far to its hosts' applications when the app becomes known. */
  setDpiResult(slot: number, l7: number, categoryBreed: number, riskLo: number, riskHi: number, score: number, dpiPackets: number, state: number): void;
  /** Server name (SNI, Host, DNS query) as UTF-8 bytes `src[offset, offset+length)`; truncated to FLOW_NAME_BYTES - 1. */
  setName(slot: number, src: Uint8Array, offset: number, length: number): void;
  /** Extra metadata as compact JSON bytes; dropped (not cut) when longer than FLOW_INFO_BYTES - 2. */
  setInfo(slot: number, src: Uint8Array, offset: number, length: number): void;
}

/**
 * One shard of the flow table (layout: flow-table.layout.ts). The capture
 * worker of the shard calls `account` for every decoded packet; nothing here
 * allocates on that path. Offline readers use `table.lockAllForRead()` and the
 * read accessors in flow-record.ts.
 */
export class FlowTable implements FlowDpiSink {
  readonly table: HashTable;
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  /**
   * Total bytes (c2s + s2c) per slot, written with the slot's byte counters;
   * NaN once the flow is no longer active (0 between creation and its first
   * packet). A column, so ranking a million flows by bytes reads 8 MB, not a
   * cache line per flow.
   */
  readonly totalBytes: Float64Array;
  readonly names: Uint8Array;
  readonly info: Uint8Array;
  /** Packet time, seconds, of the packet being accounted: shared with the host table. */
  readonly now: Float64Array;
  /** Bytes uploaded (local -> remote) and downloaded (remote -> local); the worker points it into its stats. */
  upDown: Float64Array = new Float64Array(2);
  /** Give new flows to nDPI (DpiState.Pending). */
  dpiEnabled = false;
  /** Seconds of silence (packet time) before a flow goes idle; 0 = never (file analysis). */
  idleTimeoutS = 0;
  /** Seconds after which a closed TCP flow (FIN both ways or RST) goes idle. */
  closedTimeoutS = 10;

  /** Direction of the packet last accounted: 0 client→server, 1 server→client. */
  dir = 0;
  /** The packet last accounted created its flow. */
  created = false;

  constructor(
    readonly sab: SharedArrayBuffer,
    private readonly hosts: HostTable,
  ) {
    const g = flowTableGeometry(HashTable.capacityOf(sab));
    this.table = new HashTable(sab, g, FLOW_SLOT_U32);
    this.f64 = this.table.f64;
    this.u32 = this.table.u32;
    this.i32 = this.table.i32;
    this.now = hosts.now;
    this.totalBytes = new Float64Array(sab, flowTotalBytesOffset(g), g.capacity);
    this.names = new Uint8Array(sab, flowNamesOffset(g), g.capacity * FLOW_NAME_BYTES);
    this.info = new Uint8Array(sab, flowInfoOffset(g), g.capacity * FLOW_INFO_BYTES);
  }

  /** Allocates and formats the shared buffer of a shard of `capacity` flows. */
  static allocate(capacity: number): SharedArrayBuffer {
    const g = flowTableGeometry(capacity);
    const sab = new SharedArrayBuffer(g.totalBytes);
    HashTable.format(sab, g);
    return sab;
  }

  /** Sets the packet time and accounts the packet (see accountNow). For tests and tools. */
  account(p: DecodedPacket, tsS: number, bytes: number): number {
    this.now[0] = tsS;
    return this.accountNow(p, bytes);
  }

  /**
   * Accounts one decoded packet of `bytes` captured bytes at the packet time
   * in `now[0]` (set by the caller: a double passed as an argument would be
   * boxed). Returns the flow slot (and sets `dir`, `created`), or -1 when the
   * table is full (the packet is counted as unaccounted).
   */
  accountNow(p: DecodedPacket, bytes: number): number {
    return this.accountHashed(p, flowHash(p), bytes);
  }

  // ---- staged bursts (group prefetch) ------------------------------------

  /**
   * Stages `prefetchBurst` runs (the per-step figures of the benchmarks):
   * 0 none, 1 hash every key first, 2 + load every bucket head, 3 + load the
   * cache lines of every candidate flow slot, 4 + the counter lines of its
   * two hosts. Only the time changes: `accountStaged` is exact at every level.
   */
  prefetchStages = 4;
  /** Per packet of the staged burst: the flow hash (stage 1), then the candidate slot (stages 2-3, -1 none). */
  private burstHash = new Int32Array(0);
  private burstSlot = new Int32Array(0);
  /** What the prefetch loads add up to, stored so the compiler keeps the loads. */
  private readonly prefetchSink = new Float64Array(1);

  /** Sizes the staged-burst scratch for bursts of up to `packets` (once, before the hot path). */
  reserveBurst(packets: number): void {
    if (this.burstHash.length >= packets) return;
    this.burstHash = new Int32Array(packets);
    this.burstSlot = new Int32Array(packets);
  }

  /**
   * The first stages of a burst of decoded packets `ps[0, n)`, as DPDK's
   * rte_hash_lookup_bulk: hash every key, then load every bucket head, then
   * the cache lines of each candidate flow slot a packet touches (key line,
   * flags line, counters line, total bytes), then the counter lines of the
   * flow's two hosts. Each stage is a short loop of independent loads, so the
   * CPU has the cache misses of many packets in flight at once instead of one
   * after the other. Loads only: what it finds is a hint, and `accountStaged`
   * (packet by packet, in order) walks the chain again from the cached lines,
   * so a flow created by an earlier packet of the same burst is found as
   * before. Allocates nothing; call `reserveBurst(n)` first.
   */
  prefetchBurst(ps: readonly DecodedPacket[], n: number): void {
    const stages = this.prefetchStages;
    if (stages <= 0) return;
    const hashes = this.burstHash;
    const cand = this.burstSlot;
    for (let i = 0; i < n; i++) hashes[i] = flowHash(ps[i]);
    if (stages < 2) return;
    const buckets = this.table.buckets;
    const mask = this.table.bucketCount - 1;
    for (let i = 0; i < n; i++) cand[i] = buckets[hashes[i] & mask];
    if (stages < 3) return;
    const i32 = this.i32;
    const f64 = this.f64;
    const totals = this.totalBytes;
    const uStride = this.table.u32Stride;
    const fStride = this.table.f64Stride;
    const fBase = this.table.f64Base;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      let s = cand[i];
      if (s < 0) continue;
      let b = s * uStride;
      // The first candidate is nearly always the flow (buckets outnumber flows); a second hop is rare.
      if (i32[b + FlowU32.Hash] !== hashes[i]) {
        s = i32[b + FlowU32.Next];
        cand[i] = s;
        if (s < 0) continue;
        b = s * uStride;
      }
      acc += i32[b + FlowU32.Flags] + f64[s * fStride + fBase + FlowF64.C2sPkts] + totals[s];
    }
    if (stages >= 4) {
      const hf64 = this.hosts.f64;
      const hStride = this.hosts.table.f64Stride;
      const hBase = this.hosts.table.f64Base;
      for (let i = 0; i < n; i++) {
        const s = cand[i];
        if (s < 0) continue;
        const b = s * uStride;
        if (i32[b + FlowU32.Hash] !== hashes[i]) continue;
        const cli = i32[b + FlowU32.CliHost];
        const srv = i32[b + FlowU32.SrvHost];
        if (cli >= 0) acc += hf64[cli * hStride + hBase + HostF64.LastSeen];
        if (srv >= 0) acc += hf64[srv * hStride + hBase + HostF64.LastSeen];
      }
    }
    this.prefetchSink[0] = acc;
  }

  /**
   * Accounts packet `i` of the burst `prefetchBurst` staged (`p` = its
   * `ps[i]`), at packet time `now[0]`: as `accountNow`, with the hash of stage 1.
   */
  accountStaged(i: number, p: DecodedPacket, bytes: number): number {
    return this.accountHashed(p, this.prefetchStages > 0 ? this.burstHash[i] : flowHash(p), bytes);
  }

  private accountHashed(p: DecodedPacket, hash: number, bytes: number): number {
    const t = this.table;
    const u32 = this.u32;
    const src = p.src;
    const dst = p.dst;
    const sport = p.srcPort;
    const dport = p.dstPort;
    const meta = (p.ipVersion << 24) | (p.l4Proto << 16) | (p.vlan & 0xfff); // < 2^31: an int
    const i32 = this.i32;

    let slot = t.chainHead(hash);
    let dir = -1;
    for (; slot >= 0; slot = t.nextOf(slot)) {
      const b = t.u32At(slot);
      if (i32[b + FlowU32.Hash] !== hash || u32[b + FlowU32.KeyMeta] !== meta) continue;
      // Plain read: only this (inline) thread makes entries active; a stale Idle/Ready is skipped either way.
      if (u32[b + FlowU32.State] !== EntryState.Active) continue;
      const ports = u32[b + FlowU32.Ports];
      const cp = ports >>> 16;
      const sp = ports & 0xffff;
      if (sport === cp && dport === sp && sameAddr(u32, b + FlowU32.CliAddr0, src) && sameAddr(u32, b + FlowU32.SrvAddr0, dst)) {
        dir = 0;
        break;
      }
      if (sport === sp && dport === cp && sameAddr(u32, b + FlowU32.SrvAddr0, src) && sameAddr(u32, b + FlowU32.CliAddr0, dst)) {
        dir = 1;
        break;
      }
    }
    this.created = false;
    if (slot < 0) {
      slot = this.create(p, hash, meta);
      if (slot < 0) {
        t.countUnaccounted(bytes);
        return -1;
      }
      this.created = true;
      dir = (u32[t.u32At(slot) + FlowU32.Flags] & FlowFlag.FirstFromServer) !== 0 ? 1 : 0;
    }
    this.dir = dir;
    this.update(slot, dir, p, bytes);
    return slot;
  }

  private create(p: DecodedPacket, hash: number, meta: number): number {
    const tsS = this.now[0];
    const t = this.table;
    const slot = t.allocSlot();
    if (slot < 0) return -1;
    const u32 = this.u32;
    const b = t.u32At(slot);
    const f = t.f64At(slot);
    const generation = (u32[b + FlowU32.Generation] + 1) >>> 0;
    u32.fill(0, b, b + FLOW_SLOT_U32);
    this.f64.fill(0, f, f + FLOW_SLOT_F64);
    this.names[slot * FLOW_NAME_BYTES] = 0;
    this.info[slot * FLOW_INFO_BYTES] = 0;
    this.info[slot * FLOW_INFO_BYTES + 1] = 0;
    u32[b + FlowU32.Generation] = generation;
    u32[b + FlowU32.KeyMeta] = meta;
    u32[b + FlowU32.Tunnel] = p.tunnel;
    u32[b + FlowU32.IcmpTypeCode] = p.icmpTypeCode;

    // Client = sender of the first SYN; a capture that starts at the SYN-ACK
    // sees the server first. Otherwise the sender of the first packet.
    const fromServer = p.l4Proto === TCP && (p.tcpFlags & (TH_SYN | TH_ACK)) === (TH_SYN | TH_ACK);
    const cli = fromServer ? p.dst : p.src;
    const srv = fromServer ? p.src : p.dst;
    const cliPort = fromServer ? p.dstPort : p.srcPort;
    const srvPort = fromServer ? p.srcPort : p.dstPort;
    u32[b + FlowU32.Ports] = ((cliPort << 16) | srvPort) >>> 0;
    for (let w = 0; w < 4; w++) {
      u32[b + FlowU32.CliAddr0 + w] = cli[w];
      u32[b + FlowU32.SrvAddr0 + w] = srv[w];
    }
    u32[b + FlowU32.Flags] = fromServer ? FlowFlag.FirstFromServer : 0;
    u32[b + FlowU32.DpiState] = this.dpiEnabled ? DpiState.Pending : DpiState.None;

    const hosts = this.hosts;
    const cliMacHi = fromServer ? p.dstMacHi : p.srcMacHi;
    const cliMacLo = fromServer ? p.dstMacLo : p.srcMacLo;
    const srvMacHi = fromServer ? p.srcMacHi : p.dstMacHi;
    const srvMacLo = fromServer ? p.srcMacLo : p.dstMacLo;
    const cliHost = hosts.findOrCreate(cli, 0, p.ipVersion, p.vlan, cliMacHi, cliMacLo);
    const srvHost = hosts.findOrCreate(srv, 0, p.ipVersion, p.vlan, srvMacHi, srvMacLo);
    u32[b + FlowU32.CliHost] = cliHost;
    u32[b + FlowU32.SrvHost] = srvHost;
    if (cliHost >= 0 && hosts.isLocal(cliHost)) u32[b + FlowU32.Flags] |= FlowFlag.CliLocal;
    if (srvHost >= 0 && hosts.isLocal(srvHost)) u32[b + FlowU32.Flags] |= FlowFlag.SrvLocal;
    if (cliHost >= 0) hosts.attachFlow(cliHost, true);
    else hosts.table.countUnaccounted(0);
    if (srvHost >= 0) hosts.attachFlow(srvHost, false);
    else hosts.table.countUnaccounted(0);

    this.f64[f + FlowF64.FirstSeen] = tsS;
    this.f64[f + FlowF64.LastSeen] = tsS;
    this.totalBytes[slot] = 0; // a reader that sees the slot active never sees the NaN of its last flow
    t.publish(slot, hash);
    return slot;
  }

  private update(slot: number, dir: number, p: DecodedPacket, bytes: number): void {
    const tsS = this.now[0];
    const t = this.table;
    const u32 = this.u32;
    const f64 = this.f64;
    const b = t.u32At(slot);
    const f = t.f64At(slot);
    const hosts = this.hosts;
    const cliHost = u32[b + FlowU32.CliHost] | 0;
    const srvHost = u32[b + FlowU32.SrvHost] | 0;
    const sender = dir === 0 ? cliHost : srvHost;
    const receiver = dir === 0 ? srvHost : cliHost;
    const d = dir === 0 ? 0 : 1;

    f64[f + FlowF64.C2sPkts + 2 * d]++;
    f64[f + FlowF64.C2sBytes + 2 * d] += bytes;
    this.totalBytes[slot] = f64[f + FlowF64.C2sBytes] + f64[f + FlowF64.S2cBytes];
    f64[f + FlowF64.C2sIpBytes + d] += p.l3Length;
    // Captures are not always in time order (merged files): keep min/max.
    if (tsS > f64[f + FlowF64.LastSeen]) f64[f + FlowF64.LastSeen] = tsS;
    else if (tsS < f64[f + FlowF64.FirstSeen]) f64[f + FlowF64.FirstSeen] = tsS;
    if (sender >= 0) hosts.addTraffic(sender, bytes, 0);
    if (receiver >= 0) hosts.addTraffic(receiver, bytes, 1);
    // Upload = local -> remote, download = remote -> local; local <-> local and remote <-> remote are neither.
    const local = u32[b + FlowU32.Flags] & (FlowFlag.CliLocal | FlowFlag.SrvLocal);
    if (local === FlowFlag.CliLocal) this.upDown[d] += bytes;
    else if (local === FlowFlag.SrvLocal) this.upDown[1 - d] += bytes;

    const dpi = u32[b + FlowU32.DpiState];
    if (dpi === DpiState.Detected || dpi === DpiState.GivenUp) {
      const app = appOf(u32[b + FlowU32.L7]);
      if (cliHost >= 0) hosts.addAppBytes(cliHost, app, bytes);
      if (srvHost >= 0) hosts.addAppBytes(srvHost, app, bytes);
    }

    if (p.l4Proto === TCP) this.trackTcp(b, f, d, p);
  }

  /** TCP flags per direction, closing, and retransmission / out-of-order estimates from sequence numbers. */
  private trackTcp(b: number, f: number, d: number, p: DecodedPacket): void {
    const u32 = this.u32;
    const flags = p.tcpFlags;
    const flagsWord = u32[b + FlowU32.TcpFlags] | (flags << (8 * d));
    u32[b + FlowU32.TcpFlags] = flagsWord;
    if ((flags & TH_RST) !== 0 || ((flagsWord & TH_FIN) !== 0 && (flagsWord & (TH_FIN << 8)) !== 0)) {
      u32[b + FlowU32.Flags] |= FlowFlag.Closed;
    }
    const seqIdx = b + FlowU32.C2sNextSeq + d;
    const len = p.payloadLength + ((flags & (TH_SYN | TH_FIN)) !== 0 ? 1 : 0);
    if (len === 0) return;
    const seq = p.tcpSeq >>> 0;
    const expected = u32[seqIdx];
    const seenBit = d === 0 ? 1 << 16 : 1 << 17; // stored in TcpFlags' upper half
    if ((flagsWord & seenBit) === 0) {
      u32[b + FlowU32.TcpFlags] = flagsWord | seenBit;
      u32[seqIdx] = (seq + len) >>> 0;
      return;
    }
    const diff = (seq - expected) | 0;
    if (diff === 0) {
      u32[seqIdx] = (seq + len) >>> 0;
    } else if (diff < 0) {
      this.f64[f + FlowF64.C2sRetrans + d]++;
    } else {
      this.f64[f + FlowF64.C2sOoo + d]++;
      u32[seqIdx] = (seq + len) >>> 0;
    }
  }

  /** Inline purge step (see HashTable.purgeIdle); `onDelete` releases DPI state etc. */
  purgeIdle(nowS: number, fraction: number, onDelete?: (slot: number) => void): number {
    if (this.idleTimeoutS <= 0) return 0;
    this.onDeleteHook = onDelete;
    return this.table.purgeIdle(nowS, fraction, this.isIdle, this.release, this.leftActive);
  }

  /** An idle flow drops out of the bytes ranking (its record keeps its counters). */
  private readonly leftActive = (slot: number): void => {
    this.totalBytes[slot] = NaN;
  };

  private onDeleteHook: ((slot: number) => void) | undefined;

  private readonly isIdle = (slot: number, nowS: number): boolean => {
    const last = this.f64[this.table.f64At(slot) + FlowF64.LastSeen];
    const closed = (this.u32[this.table.u32At(slot) + FlowU32.Flags] & FlowFlag.Closed) !== 0;
    return last + (closed ? Math.min(this.closedTimeoutS, this.idleTimeoutS) : this.idleTimeoutS) < nowS;
  };

  /** Releases what a deleted flow references: its hosts' active counts, then the caller's hook. */
  private readonly release = (slot: number): void => {
    const b = this.table.u32At(slot);
    const cliHost = this.u32[b + FlowU32.CliHost] | 0;
    const srvHost = this.u32[b + FlowU32.SrvHost] | 0;
    if (cliHost >= 0) this.hosts.detachFlow(cliHost, true);
    if (srvHost >= 0) this.hosts.detachFlow(srvHost, false);
    if (this.onDeleteHook) this.onDeleteHook(slot);
  };

  // ---- FlowDpiSink -------------------------------------------------------

  setDpiResult(slot: number, l7: number, categoryBreed: number, riskLo: number, riskHi: number, score: number, dpiPackets: number, state: number): void {
    const u32 = this.u32;
    const b = this.table.u32At(slot);
    const before = u32[b + FlowU32.DpiState];
    const wasKnown = before === DpiState.Detected || before === DpiState.GivenUp;
    u32[b + FlowU32.L7] = l7 >>> 0;
    u32[b + FlowU32.CategoryBreed] = categoryBreed >>> 0;
    u32[b + FlowU32.RiskLo] = riskLo >>> 0;
    u32[b + FlowU32.RiskHi] = riskHi >>> 0;
    u32[b + FlowU32.Score] = score;
    u32[b + FlowU32.DpiPackets] = dpiPackets;
    u32[b + FlowU32.DpiState] = state;
    if (!wasKnown && (state === DpiState.Detected || state === DpiState.GivenUp)) {
      // Bytes seen before detection count for the application too.
      const f = this.table.f64At(slot);
      const total = this.f64[f + FlowF64.C2sBytes] + this.f64[f + FlowF64.S2cBytes];
      const app = appOf(l7);
      const cliHost = u32[b + FlowU32.CliHost] | 0;
      const srvHost = u32[b + FlowU32.SrvHost] | 0;
      if (cliHost >= 0) this.hosts.addAppBytes(cliHost, app, total);
      if (srvHost >= 0) this.hosts.addAppBytes(srvHost, app, total);
    }
  }

  setName(slot: number, src: Uint8Array, offset: number, length: number): void {
    const n = Math.min(length, FLOW_NAME_BYTES - 1);
    const at = slot * FLOW_NAME_BYTES;
    this.names[at] = n;
    this.names.set(src.subarray(offset, offset + n), at + 1);
  }

  setInfo(slot: number, src: Uint8Array, offset: number, length: number): void {
    const at = slot * FLOW_INFO_BYTES;
    if (length > FLOW_INFO_BYTES - 2) length = 0; // never store cut JSON
    this.info[at] = length & 255;
    this.info[at + 1] = length >>> 8;
    this.info.set(src.subarray(offset, offset + length), at + 2);
  }
}

/** The flow key's hash (symmetric: both directions of a flow share it). An int32. */
export function flowHash(p: DecodedPacket): number {
  const meta = (p.ipVersion << 24) | (p.l4Proto << 16) | (p.vlan & 0xfff);
  return fmix32((endpointHash(p.src, 0, p.srcPort) + endpointHash(p.dst, 0, p.dstPort)) ^ meta);
}

/** Application id of a packed nDPI protocol (app, or master when no app). */
export function appOf(l7: number): number {
  const app = l7 & 0xffff;
  return app !== 0 ? app : l7 >>> 16;
}

function sameAddr(u32: Uint32Array, at: number, a: Uint32Array): boolean {
  return u32[at] === a[0] && u32[at + 1] === a[1] && u32[at + 2] === a[2] && u32[at + 3] === a[3];
}
