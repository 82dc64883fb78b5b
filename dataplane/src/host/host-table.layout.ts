import { HashTableGeometry, hashTableGeometry } from '../flow/hash-table.layout';

/**
 * Shared-memory layout of one host-table shard: the generic header and buckets
 * (hash-table.layout.ts), then HOST_SLOT_BYTES per host. A host is keyed by
 * (IP, VLAN) as in ntopng; the same host has an entry in each shard that saw
 * it, and offline readers merge them. Pinned by host-table.layout.spec.ts.
 */

/** Application protocols tracked per host entry; the rest go to AppOtherBytes. */
export const HOST_APP_SLOTS = 8;

export const enum HostF64 {
  FirstSeen = 0,
  LastSeen,
  BytesSent,
  BytesRcvd,
  PktsSent,
  PktsRcvd,
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
  AppId0, // HOST_APP_SLOTS app ids (nDPI app id + 1; 0 = empty)
  Score = AppId0 + HOST_APP_SLOTS,
  Generation,
  Reserved23,
  Count = 24,
}

export const enum HostFlag {
  Local = 1 << 0,
  HasMac = 1 << 1,
}

export const HOST_SLOT_F64 = HostF64.Count;
export const HOST_SLOT_U32 = HostU32.Count;
export const HOST_SLOT_BYTES = HOST_SLOT_F64 * 8 + HOST_SLOT_U32 * 4;

export function hostTableGeometry(capacity: number): HashTableGeometry {
  return hashTableGeometry(capacity, HOST_SLOT_BYTES);
}
