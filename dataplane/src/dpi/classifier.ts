import { DataplaneError } from '../errors/dataplane-error';
import type { FlowDpiSink } from '../flow/flow-table';
import { DpiState } from '../flow/flow-table.layout';
import type { DpiHook } from './dpi-hook';
import { NdpiNames } from './ndpi-names';
import {
  loadNdpiShim,
  NDPI_NAME_BYTES,
  NDPI_STATE_SKIPPED,
  NDPI_TEXT_BYTES,
  NdpiEntryFlag,
  NdpiOption,
  NdpiOut,
  NdpiShim,
  NdpiStat,
} from './ndpi.ffi';
import { hostPatternProtosPath } from './protos-file';

/** Options of {@link DpiEngine}. */
export interface DpiEngineOptions {
  /** Slots of the flow-table shard (the slot → DPI state map has one entry per slot). */
  flowCapacity: number;
  /** Packets per flow given to nDPI at most (default 32, as the expected results were made). */
  packetLimit?: number;
  /** Flows under detection at the same time (nDPI state pool; default min(flowCapacity, 65536)). */
  maxConcurrentFlows?: number;
  /** Packets queued between flushes (default 1024; bursts hold 256). */
  batchCapacity?: number;
  /** Classify otherwise unknown flows from earlier DNS answers (default true). */
  dnsCache?: boolean;
  /** DNS answers remembered (default 65536). */
  dnsCacheEntries?: number;
  /** Drop app parts nDPI 4.2 takes from the server IP alone, as current nDPI (default true). */
  dropIpOnlyApp?: boolean;
  /** Shim payload rules for protocols 4.2 misses (default true). */
  payloadRules?: boolean;
  /**
   * When the state pool is full, give up on a flow under detection (round robin) to make
   * room for the new one, rather than leaving the new flow without DPI (default true).
   * Keeps DPI working through scans that open more flows than the pool holds.
   */
  evictWhenFull?: boolean;
  /**
   * Give up (with guessing) on a flow still under detection after this many seconds of packet
   * time without a packet, so its result exists before the flow table reports it idle.
   * 0 = only at end of capture, as ndpiReader on files (default 0).
   */
  idleGiveUpS?: number;
  /** Load host-patterns.ts into nDPI (default true). */
  hostPatterns?: boolean;
  /**
   * An engine `fp_ndpi_create` already made with these options' limits ({@link createNdpiEngineAsync}
   * with the same options, on another thread): adopted instead of initialising nDPI here, and
   * closed by {@link DpiEngine.close}.
   */
  engine?: bigint;
}

/** The engine's state pool size and packet limit for these options. */
function limits(opts: DpiEngineOptions): [maxConcurrentFlows: number, packetLimit: number] {
  if (!Number.isInteger(opts.flowCapacity) || opts.flowCapacity < 1) throw new RangeError(`DpiEngine: bad flowCapacity ${opts.flowCapacity}`);
  return [opts.maxConcurrentFlows ?? Math.min(opts.flowCapacity, 65536), opts.packetLimit ?? 32];
}

/** The arguments of `fp_ndpi_create` for these options (the engine's own limits and settings). */
function createArgs(opts: DpiEngineOptions): [maxStates: number, packetLimit: number, options: number, dnsCacheEntries: number, protosPath: string] {
  const [maxConcurrentFlows, packetLimit] = limits(opts);
  let options = 0;
  if (opts.dnsCache !== false) options |= NdpiOption.DnsCache;
  if (opts.dropIpOnlyApp !== false) options |= NdpiOption.DropIpOnlyApp;
  if (opts.payloadRules !== false) options |= NdpiOption.PayloadRules;
  const protos = opts.hostPatterns === false ? '' : hostPatternProtosPath();
  return [maxConcurrentFlows, packetLimit, options, opts.dnsCacheEntries ?? 65536, protos];
}

/**
 * Initialises an nDPI engine for `opts` on a libuv thread (koffi's asynchronous call), so that
 * nDPI's own init (15-40 ms of CPU) runs beside the caller's other start-up work; `done` gets its
 * address, or 0n if it could not be made (the shim missing, init failed: the thread that needs the
 * engine then makes its own and reports why). A {@link DpiEngine} given this address with the
 * same options adopts it.
 */
export function createNdpiEngineAsync(opts: DpiEngineOptions, done: (address: bigint) => void): void {
  let args;
  let shim;
  try {
    args = createArgs(opts);
    shim = loadNdpiShim();
  } catch {
    queueMicrotask(() => done(0n));
    return;
  }
  const create = shim.fp_ndpi_create as unknown as { async: (...a: unknown[]) => void };
  create.async(...args, (err: unknown, engine: unknown) => done(!err && typeof engine === 'bigint' ? engine : 0n));
}

const SLOT_NONE = -1; // no state yet
const SLOT_DONE = -2; // detection over for the flow in this slot
const SLOT_NO_STATE = -3; // the pool was full when the flow needed DPI

/**
 * Per-worker nDPI engine: the burst loop queues the packets of flows still under
 * detection (`queue`, numbers only), then `flush` runs them all through nDPI in
 * ONE FFI call and writes the results into the flow shard. Per-flow nDPI state
 * lives in a native pool of `maxConcurrentFlows` entries handed out from a free
 * list and returned as soon as detection ends; flows arriving while the pool is
 * full are counted (`flowsWithoutState`) and marked DpiState.None.
 */
export class DpiEngine implements DpiHook {
  readonly packetLimit: number;
  readonly maxConcurrentFlows: number;
  readonly batchCapacity: number;
  /** Names for the offline side, from this engine's own module. */
  readonly names: NdpiNames;
  /** Flows that could not get DPI state (pool full, eviction off). */
  flowsWithoutState = 0;
  /** Flows given up early to make room in a full pool. */
  evictions = 0;
  /** Flows given up after `idleGiveUpS` of silence. */
  idleGiveUps = 0;
  private readonly evictWhenFull: boolean;
  private evictHand = 0;
  private readonly idleGiveUpMs: number;
  private readonly stateLastTs: Float64Array;
  private nowMs = 0;
  private sweepHand = 0;
  /** Packets dropped because the batch was full (flush not called often enough). */
  batchOverflows = 0;

  private readonly shim: NdpiShim;
  private readonly engine: unknown;
  private readonly slotState: Int32Array;
  private readonly stateSlot: Int32Array;
  private readonly freeList: Int32Array;
  private freeTop: number;
  // Batch, struct of arrays.
  private n = 0;
  private readonly entrySlot: Int32Array;
  private readonly entryState: Int32Array;
  private readonly entryOff: Uint32Array;
  private readonly entryLen: Uint32Array;
  private readonly entryTs: Float64Array;
  private readonly entryFlags: Uint8Array;
  private readonly out: Uint32Array;
  private readonly text: Uint8Array;
  private noneN = 0;
  private readonly noneSlots: Int32Array;
  private readonly statsBuf = new Float64Array(NdpiStat.Count);

  constructor(opts: DpiEngineOptions) {
    [this.maxConcurrentFlows, this.packetLimit] = limits(opts);
    this.batchCapacity = opts.batchCapacity ?? 1024;
    this.evictWhenFull = opts.evictWhenFull !== false;
    this.idleGiveUpMs = (opts.idleGiveUpS ?? 0) * 1000;
    if (this.packetLimit < 1 || this.maxConcurrentFlows < 1 || this.batchCapacity < 1) throw new RangeError('DpiEngine: limits must be >= 1');
    this.shim = loadNdpiShim();
    this.engine = opts.engine !== undefined && opts.engine > 0n ? opts.engine : this.shim.fp_ndpi_create(...createArgs(opts));
    if (!this.engine) throw new DataplaneError('NDPI_INIT_FAILED', 'fp_ndpi_create returned NULL (nDPI module init or state pool allocation failed)');
    this.names = new NdpiNames(this.shim, this.engine);

    this.slotState = new Int32Array(opts.flowCapacity).fill(SLOT_NONE);
    this.stateSlot = new Int32Array(this.maxConcurrentFlows).fill(-1);
    this.freeList = new Int32Array(this.maxConcurrentFlows);
    for (let i = 0; i < this.maxConcurrentFlows; i++) this.freeList[i] = this.maxConcurrentFlows - 1 - i;
    this.freeTop = this.maxConcurrentFlows;
    this.stateLastTs = new Float64Array(this.maxConcurrentFlows);
    const cap = Math.max(this.batchCapacity, 1);
    this.entrySlot = new Int32Array(cap);
    this.entryState = new Int32Array(cap);
    this.entryOff = new Uint32Array(cap);
    this.entryLen = new Uint32Array(cap);
    this.entryTs = new Float64Array(cap);
    this.entryFlags = new Uint8Array(cap);
    this.out = new Uint32Array(cap * NdpiOut.Words);
    this.text = new Uint8Array(cap * NDPI_TEXT_BYTES);
    this.noneSlots = new Int32Array(cap);
  }

  /** Queues one packet of a flow whose DpiState is Pending. Hot path: numbers only, no allocation. */
  queue(slot: number, l3Offset: number, l3Length: number, tsMs: number, fromClient: boolean): void {
    let s = this.slotState[slot];
    if (s === SLOT_DONE || s === SLOT_NO_STATE) return;
    if (this.n === this.batchCapacity) {
      this.batchOverflows++; // flush() not called often enough: the packet is not dissected
      return;
    }
    let flags = fromClient ? NdpiEntryFlag.FromClient : 0;
    if (s === SLOT_NONE) {
      if (this.freeTop === 0 && this.evictWhenFull && this.n + 2 <= this.batchCapacity) {
        this.evict();
      } else if (this.freeTop === 0) {
        this.slotState[slot] = SLOT_NO_STATE;
        this.flowsWithoutState++;
        if (this.noneN < this.noneSlots.length) this.noneSlots[this.noneN++] = slot;
        return;
      }
      s = this.freeList[--this.freeTop];
      this.slotState[slot] = s;
      this.stateSlot[s] = slot;
      flags |= NdpiEntryFlag.NewState;
    }
    const i = this.n;
    this.entrySlot[i] = slot;
    this.entryState[i] = s;
    this.entryOff[i] = l3Offset;
    this.entryLen[i] = l3Length;
    this.entryTs[i] = tsMs;
    this.entryFlags[i] = flags;
    this.n = i + 1;
    this.stateLastTs[s] = tsMs;
    if (tsMs > this.nowMs) this.nowMs = tsMs;
  }

  /**
   * Queues a give-up entry for the next state of the round-robin hand (every state is in
   * use when the pool is full) and returns that state to the free list for the caller.
   */
  private evict(): void {
    const v = this.evictHand;
    this.evictHand = v + 1 === this.maxConcurrentFlows ? 0 : v + 1;
    this.queueGiveUp(v);
    this.evictions++;
  }

  /** Queues a give-up entry for state `v` (in use) and frees `v` for the next flow. */
  private queueGiveUp(v: number): void {
    const victim = this.stateSlot[v];
    const i = this.n++;
    this.entrySlot[i] = victim;
    this.entryState[i] = v;
    this.entryOff[i] = 0;
    this.entryLen[i] = 0;
    this.entryTs[i] = 0;
    this.entryFlags[i] = NdpiEntryFlag.GiveUp;
    this.slotState[victim] = SLOT_DONE; // its later packets are not queued
    this.stateSlot[v] = -1;
    this.freeList[this.freeTop++] = v;
  }

  /** Checks a few states per flush (round robin) for flows silent longer than idleGiveUpS. */
  private sweepIdle(): void {
    const max = this.maxConcurrentFlows;
    const limit = this.nowMs - this.idleGiveUpMs;
    for (let k = 0; k < 64 && this.n < this.batchCapacity; k++) {
      const v = this.sweepHand;
      this.sweepHand = v + 1 === max ? 0 : v + 1;
      if (this.stateSlot[v] >= 0 && this.stateLastTs[v] < limit) {
        this.queueGiveUp(v);
        this.idleGiveUps++;
      }
    }
  }

  /** Runs the queued packets against the burst's `data` in one FFI call; results go to `flows`. */
  flush(data: Uint8Array, flows: FlowDpiSink): void {
    for (let k = 0; k < this.noneN; k++) flows.setDpiResult(this.noneSlots[k], 0, 0, 0, 0, 0, 0, DpiState.None);
    this.noneN = 0;
    if (this.idleGiveUpMs > 0 && this.freeTop < this.maxConcurrentFlows) this.sweepIdle();
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    this.shim.fp_ndpi_process(
      this.engine, data, data.length, n, this.entryState, this.entryOff, this.entryLen, this.entryTs, this.entryFlags, this.out, this.text,
    );
    for (let i = 0; i < n; i++) {
      if (this.entryFlags[i] === NdpiEntryFlag.GiveUp) this.applyEvicted(i, this.entrySlot[i], flows);
      else this.apply(i, this.entrySlot[i], this.entryState[i], flows);
    }
  }

  /** Result of an evicted flow: written to its slot; its state already belongs to another flow. */
  private applyEvicted(i: number, slot: number, flows: FlowDpiSink): void {
    const o = i * NdpiOut.Words;
    const out = this.out;
    if (out[o + NdpiOut.State] === NDPI_STATE_SKIPPED) return;
    flows.setDpiResult(
      slot, out[o + NdpiOut.L7], out[o + NdpiOut.CategoryBreed], out[o + NdpiOut.RiskLo], out[o + NdpiOut.RiskHi], out[o + NdpiOut.Score], out[o + NdpiOut.DpiPackets], out[o + NdpiOut.State],
    );
    const t = i * NDPI_TEXT_BYTES;
    const text = this.text;
    flows.setName(slot, text, t + 1, text[t]);
    flows.setInfo(slot, text, t + NDPI_NAME_BYTES + 2, text[t + NDPI_NAME_BYTES] | (text[t + NDPI_NAME_BYTES + 1] << 8));
  }

  /** Gives up (with guessing) on the flow in `slot` if it is still under detection: idle, expiry. */
  giveUp(slot: number, flows: FlowDpiSink): void {
    const s = this.slotState[slot];
    if (s < 0) return;
    this.entryState[0] = s;
    this.shim.fp_ndpi_giveup(this.engine, 1, this.entryState, this.out, this.text);
    this.apply(0, slot, s, flows, true);
  }

  /** End of capture: gives up on every flow still under detection, in batches. */
  giveUpAll(flows: FlowDpiSink): void {
    const stateSlot = this.stateSlot;
    let k = 0;
    const slots = this.entrySlot;
    for (let s = 0; s < this.maxConcurrentFlows; s++) {
      if (stateSlot[s] < 0) continue;
      slots[k] = stateSlot[s];
      this.entryState[k] = s;
      if (++k === this.batchCapacity) {
        this.giveUpBatch(k, flows);
        k = 0;
      }
    }
    if (k > 0) this.giveUpBatch(k, flows);
  }

  /** The flow in `slot` is deleted: frees its nDPI state (one FFI call, only if detection was still running). */
  release(slot: number): void {
    const s = this.slotState[slot];
    this.slotState[slot] = SLOT_NONE;
    if (s < 0) return;
    this.shim.fp_ndpi_release(this.engine, s);
    this.freeState(s);
  }

  /** Flows under detection right now. */
  get statesInUse(): number {
    return this.maxConcurrentFlows - this.freeTop;
  }

  /** Native counters (NdpiStat indices). */
  nativeStats(): Float64Array {
    this.shim.fp_ndpi_stats(this.engine, this.statsBuf);
    return this.statsBuf;
  }

  /** Frees the nDPI module and the state pool. The engine is unusable afterwards. */
  close(): void {
    this.shim.fp_ndpi_destroy(this.engine);
  }

  /**
   * The native engine's address (koffi 3 pointers are BigInt), published by a capture
   * worker so that its main thread can free the engine if the worker dies without
   * closing it ({@link destroyOrphanedEngine}).
   */
  get address(): bigint {
    return typeof this.engine === 'bigint' ? this.engine : 0n;
  }

  private giveUpBatch(k: number, flows: FlowDpiSink): void {
    this.shim.fp_ndpi_giveup(this.engine, k, this.entryState, this.out, this.text);
    for (let i = 0; i < k; i++) this.apply(i, this.entrySlot[i], this.entryState[i], flows, true);
  }

  private apply(i: number, slot: number, s: number, flows: FlowDpiSink, final = false): void {
    const o = i * NdpiOut.Words;
    const out = this.out;
    const state = out[o + NdpiOut.State];
    if (state === NDPI_STATE_SKIPPED) {
      // A give-up found no native state: nothing to report, but the index is free again.
      if (final) {
        if (this.stateSlot[s] === slot) this.freeState(s);
        this.slotState[slot] = SLOT_DONE;
      }
      return;
    }
    flows.setDpiResult(
      slot, out[o + NdpiOut.L7], out[o + NdpiOut.CategoryBreed], out[o + NdpiOut.RiskLo], out[o + NdpiOut.RiskHi], out[o + NdpiOut.Score], out[o + NdpiOut.DpiPackets], state,
    );
    if (state === DpiState.Pending) return;
    const t = i * NDPI_TEXT_BYTES;
    const text = this.text;
    flows.setName(slot, text, t + 1, text[t]);
    flows.setInfo(slot, text, t + NDPI_NAME_BYTES + 2, text[t + NDPI_NAME_BYTES] | (text[t + NDPI_NAME_BYTES + 1] << 8));
    // The state may already serve another flow (this one was evicted later in the batch).
    if (this.stateSlot[s] === slot) this.freeState(s);
    this.slotState[slot] = SLOT_DONE;
  }

  private freeState(s: number): void {
    if (this.stateSlot[s] < 0) return;
    this.stateSlot[s] = -1;
    this.freeList[this.freeTop++] = s;
  }
}

/**
 * Frees the nDPI engine at `address`, created by a worker thread that died
 * without closing it (docs/reliability.md, *Worker crash*). The engine is plain
 * process memory (module, state pool, DNS cache): any thread may free it once
 * its creator is gone; nothing else references it.
 */
export function destroyOrphanedEngine(address: bigint): void {
  if (address > 0n) loadNdpiShim().fp_ndpi_destroy(address);
}
