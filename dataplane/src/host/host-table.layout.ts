import { HashTableGeometry, hashTableGeometry } from '../shard/hash-table.layout';

/**
 * Shared-memory layout of one host-table shard: the generic header and buckets
 * (hash-table.layout.ts), then HOST_SLOT_BYTES per host: u32 block, f64 block. A host is keyed by
 * (IP, VLAN) as in ntopng; the same host has an entry in each shard that saw
 * it, and offline readers merge them. Pinned by host-table.layout.spec.ts.
 */

/** Application protocols tracked per host entry; the rest go to AppOtherBytes. */
export const HOST_APP_SLOTS = 8;

/** Per-slot u32 fields, at the start of the slot (first cache line: key, chain, flow counts). */
export const enum HostU32 {
  State = 0, // SlotU32.State
  Next, // SlotU32.Next
  Hash, // SlotU32.Hash
  KeyMeta, // ipVersion << 24 | vlan (12 bits)
  Addr0,
  Addr1,
  Addr2,
  Addr3,
  MacHi, // 16 bits
  MacLo,
  ActiveAsClient, // flows in this shard referencing the host as client
  ActiveAsServer,
  Flags, // HostFlag bits
  Reserved13, // (was a score nothing wrote: host scores are the alerts' host window, controlplane)
  Reserved14, // (was a generation written at each reuse and read by nothing: host keys are addresses)
  Reserved15,
  AppId0, // HOST_APP_SLOTS app ids (nDPI app id + 1; 0 = empty), second cache line
  Reserved24 = AppId0 + HOST_APP_SLOTS,
  Count = 32,
}

/** Per-slot f64 fields, after the u32 block; 0..7 share the third cache line (what every packet updates). */
export const enum HostF64 {
  LastSeen = 0,
  BytesSent, // BytesRcvd = BytesSent + 1 and PktsRcvd = PktsSent + 1: HostTable.addTraffic relies on it
  BytesRcvd,
  PktsSent,
  PktsRcvd,
  FirstSeen,
  FlowsAsClient, // flows ever started as client
  FlowsAsServer,
  // offline-owned
  ThptBps,
  ThptPps,
  PrevBytes,
  PrevPkts,
  PrevTs,
  AppBytes0, // HOST_APP_SLOTS values, ids in HostU32.AppId0..
  AppOtherBytes = AppBytes0 + HOST_APP_SLOTS,
  Reserved22,
  Reserved23,
  Count = 24,
}

export const enum HostFlag {
  Local = 1 << 0,
  HasMac = 1 << 1,
}

export const HOST_SLOT_F64 = HostF64.Count;
export const HOST_SLOT_U32 = HostU32.Count;
/** Bytes per slot: the u32 block then the f64 block; 320 = 5 cache lines. */
export const HOST_SLOT_BYTES = HOST_SLOT_U32 * 4 + HOST_SLOT_F64 * 8;

export function hostTableGeometry(capacity: number): HashTableGeometry {
  return hashTableGeometry(capacity, HOST_SLOT_BYTES);
}
