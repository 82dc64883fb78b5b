import { EntryState } from '../shard/entry-state';
import { HashTable } from '../shard/hash-table';
import { HashTableGeometry } from '../shard/hash-table.layout';
import { endpointHash, fmix32 } from '../shard/hash-mix';
import { formatIp, NetworkList } from '../shard/ip-address';
import { HOST_APP_SLOTS, HOST_SLOT_F64, HOST_SLOT_U32, HostF64, HostFlag, HostU32, hostTableGeometry } from './host-table.layout';

/** Offline view of one host entry of one shard, before merging shards. */
export interface HostEntry {
  ip: string;
  vlan: number;
  ipVersion: number;
  mac: string;
  isLocal: boolean;
  bytesSent: number;
  bytesRcvd: number;
  pktsSent: number;
  pktsRcvd: number;
  thptBps: number;
  thptPps: number;
  activeAsClient: number;
  activeAsServer: number;
  flowsAsClient: number;
  flowsAsServer: number;
  firstSeen: number;
  lastSeen: number;
  /** [appId, bytes] pairs; appId -1 = other applications. */
  apps: [number, number][];
}

/**
 * One shard of the host table. Written by its capture worker only (inline);
 * read offline under read locks. Hosts are created when a flow needs them, and
 * become idle once no flow of the shard references them and they have been
 * silent for the idle timeout.
 */
export class HostTable {
  readonly table: HashTable;
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  /** Packet time, seconds, of the packet being accounted (set by the worker; shared with the flow table). */
  readonly now = new Float64Array(1);

  constructor(
    readonly sab: SharedArrayBuffer,
    private localNetworks: NetworkList = new NetworkList([]),
  ) {
    this.table = new HashTable(sab, hostTableGeometry(HashTable.capacityOf(sab)), HOST_SLOT_U32);
    this.f64 = this.table.f64;
    this.u32 = this.table.u32;
  }

  /** Local networks for hosts created from now on (existing hosts keep their classification, as ntopng). Inline thread. */
  setLocalNetworks(networks: NetworkList): void {
    this.localNetworks = networks;
  }

  /** Allocates and formats the shared buffer of a shard of `capacity` hosts. */
  static allocate(capacity: number): SharedArrayBuffer {
    const g: HashTableGeometry = hostTableGeometry(capacity);
    const sab = new SharedArrayBuffer(g.totalBytes);
    HashTable.format(sab, g);
    return sab;
  }

  // ---- inline ------------------------------------------------------------

  /**
   * Slot of host (addr words at `addr[at..at+3]`, vlan), created if new; -1 when
   * the table is full (counted). Called when a flow is created, not per packet.
   */
  findOrCreate(addr: Uint32Array, at: number, ipVersion: number, vlan: number, macHi: number, macLo: number): number {
    const t = this.table;
    const tsS = this.now[0];
    const a0 = addr[at], a1 = addr[at + 1], a2 = addr[at + 2], a3 = addr[at + 3];
    const meta = (ipVersion << 24) | vlan; // < 2^31
    const hash = fmix32(endpointHash(addr, at, 0) ^ meta);
    const u32 = this.u32;
    const i32 = this.table.i32;
    for (let s = t.chainHead(hash); s >= 0; s = t.nextOf(s)) {
      const b = t.u32At(s);
      if (i32[b + HostU32.Hash] !== hash || u32[b + HostU32.KeyMeta] !== meta) continue;
      if (u32[b + HostU32.Addr0] !== a0 || u32[b + HostU32.Addr1] !== a1 || u32[b + HostU32.Addr2] !== a2 || u32[b + HostU32.Addr3] !== a3) continue;
      if (Atomics.load(u32, b + HostU32.State) !== EntryState.Active) continue;
      return s;
    }
    const slot = t.allocSlot();
    if (slot < 0) return -1;
    const b = t.u32At(slot);
    u32.fill(0, b, b + HOST_SLOT_U32);
    this.f64.fill(0, t.f64At(slot), t.f64At(slot) + HOST_SLOT_F64);
    u32[b + HostU32.KeyMeta] = meta;
    u32[b + HostU32.Addr0] = a0;
    u32[b + HostU32.Addr1] = a1;
    u32[b + HostU32.Addr2] = a2;
    u32[b + HostU32.Addr3] = a3;
    let flags = 0;
    if (this.localNetworks.contains(addr, at, ipVersion)) {
      flags |= HostFlag.Local;
      if (macHi !== 0 || macLo !== 0) {
        flags |= HostFlag.HasMac;
        u32[b + HostU32.MacHi] = macHi;
        u32[b + HostU32.MacLo] = macLo;
      }
    }
    u32[b + HostU32.Flags] = flags;
    const f = t.f64At(slot);
    this.f64[f + HostF64.FirstSeen] = tsS;
    this.f64[f + HostF64.LastSeen] = tsS;
    t.publish(slot, hash);
    return slot;
  }

  /** The host is in the configured local networks. */
  isLocal(slot: number): boolean {
    return (this.u32[this.table.u32At(slot) + HostU32.Flags] & HostFlag.Local) !== 0;
  }

  /** A flow of this shard now references the host (as client or server). */
  attachFlow(slot: number, asClient: boolean): void {
    const b = this.table.u32At(slot);
    const f = this.table.f64At(slot);
    if (asClient) {
      this.u32[b + HostU32.ActiveAsClient]++;
      this.f64[f + HostF64.FlowsAsClient]++;
    } else {
      this.u32[b + HostU32.ActiveAsServer]++;
      this.f64[f + HostF64.FlowsAsServer]++;
    }
  }

  /** A flow referencing the host is deleted. */
  detachFlow(slot: number, asClient: boolean): void {
    const b = this.table.u32At(slot);
    this.u32[b + (asClient ? HostU32.ActiveAsClient : HostU32.ActiveAsServer)]--;
  }

  /**
   * Per packet: the host sent (`rcvd` 0) or received (`rcvd` 1) `bytes` at
   * packet time `now[0]` (sent/received counters are adjacent in the layout).
   */
  addTraffic(slot: number, bytes: number, rcvd: number): void {
    const f = this.table.f64At(slot);
    const f64 = this.f64;
    const tsS = this.now[0];
    f64[f + HostF64.BytesSent + rcvd] += bytes;
    f64[f + HostF64.PktsSent + rcvd]++;
    if (tsS > f64[f + HostF64.LastSeen]) f64[f + HostF64.LastSeen] = tsS;
  }

  /**
   * Adds bytes of application `appId` (nDPI id) to the host's breakdown; the
   * first HOST_APP_SLOTS applications seen get their own counter, the rest
   * go to "other".
   */
  addAppBytes(slot: number, appId: number, bytes: number): void {
    const b = this.table.u32At(slot) + HostU32.AppId0;
    const f = this.table.f64At(slot) + HostF64.AppBytes0;
    const tag = appId + 1;
    for (let i = 0; i < HOST_APP_SLOTS; i++) {
      const id = this.u32[b + i];
      if (id === tag || id === 0) {
        this.u32[b + i] = tag;
        this.f64[f + i] += bytes;
        return;
      }
    }
    this.f64[this.table.f64At(slot) + HostF64.AppOtherBytes] += bytes;
  }

  /** Inline purge step; hosts with flows attached never go idle. */
  purgeIdle(nowS: number, fraction: number): number {
    if (this.idleTimeoutS <= 0) return 0;
    return this.table.purgeIdle(nowS, fraction, this.isIdle, noop);
  }

  private readonly isIdle = (slot: number, nowS: number): boolean => {
    const b = this.table.u32At(slot);
    if (this.u32[b + HostU32.ActiveAsClient] !== 0 || this.u32[b + HostU32.ActiveAsServer] !== 0) return false;
    return this.f64[this.table.f64At(slot) + HostF64.LastSeen] + this.idleTimeoutS < nowS;
  };

  /** Seconds of silence (packet time) before a host without flows goes idle; 0 = never. */
  idleTimeoutS = 300;

  // ---- offline -----------------------------------------------------------

  /** Reads an entry (caller holds the read locks, or the table is quiescent). */
  entry(slot: number): HostEntry {
    const t = this.table;
    const b = t.u32At(slot);
    const f = t.f64At(slot);
    const u32 = this.u32;
    const f64 = this.f64;
    const meta = u32[b + HostU32.KeyMeta];
    const flags = u32[b + HostU32.Flags];
    const apps: [number, number][] = [];
    for (let i = 0; i < HOST_APP_SLOTS; i++) {
      const tag = u32[b + HostU32.AppId0 + i];
      if (tag !== 0) apps.push([tag - 1, f64[f + HostF64.AppBytes0 + i]]);
    }
    if (f64[f + HostF64.AppOtherBytes] > 0) apps.push([-1, f64[f + HostF64.AppOtherBytes]]);
    return {
      ip: formatIp(u32, b + HostU32.Addr0, meta >>> 24),
      vlan: meta & 0xfff,
      ipVersion: meta >>> 24,
      mac: flags & HostFlag.HasMac ? formatMac(u32[b + HostU32.MacHi], u32[b + HostU32.MacLo]) : '',
      isLocal: (flags & HostFlag.Local) !== 0,
      bytesSent: f64[f + HostF64.BytesSent],
      bytesRcvd: f64[f + HostF64.BytesRcvd],
      pktsSent: f64[f + HostF64.PktsSent],
      pktsRcvd: f64[f + HostF64.PktsRcvd],
      thptBps: f64[f + HostF64.ThptBps],
      thptPps: f64[f + HostF64.ThptPps],
      activeAsClient: u32[b + HostU32.ActiveAsClient],
      activeAsServer: u32[b + HostU32.ActiveAsServer],
      flowsAsClient: f64[f + HostF64.FlowsAsClient],
      flowsAsServer: f64[f + HostF64.FlowsAsServer],
      firstSeen: f64[f + HostF64.FirstSeen],
      lastSeen: f64[f + HostF64.LastSeen],
      apps,
    };
  }

  /** Offline: updates throughput of active hosts from the byte deltas since the last call. */
  updateThroughput(slot: number, nowS: number): void {
    const f = this.table.f64At(slot);
    const f64 = this.f64;
    const bytes = f64[f + HostF64.BytesSent] + f64[f + HostF64.BytesRcvd];
    const pkts = f64[f + HostF64.PktsSent] + f64[f + HostF64.PktsRcvd];
    const prevTs = f64[f + HostF64.PrevTs];
    if (prevTs > 0 && nowS > prevTs) {
      const dt = nowS - prevTs;
      f64[f + HostF64.ThptBps] = ((bytes - f64[f + HostF64.PrevBytes]) * 8) / dt;
      f64[f + HostF64.ThptPps] = (pkts - f64[f + HostF64.PrevPkts]) / dt;
    }
    f64[f + HostF64.PrevBytes] = bytes;
    f64[f + HostF64.PrevPkts] = pkts;
    f64[f + HostF64.PrevTs] = nowS;
  }
}

function noop(): void {}

function formatMac(hi: number, lo: number): string {
  const b = [hi >>> 8, hi & 255, lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}
