import { HostQuery, HostRecord, Page } from '../dataplane.types';
import { EntryState } from '../flow/entry-state';
import { L7Names, micros } from '../flow/flow-record';
import { HostEntry, HostTable } from './host-table';
import { HostU32 } from './host-table.layout';
import { parseIp } from './ip-address';

/** Largest page a host query returns. */
export const MAX_HOST_PAGE = 1000;

export interface HostShard {
  hosts: HostTable;
}

/**
 * Hosts of every shard merged by (IP, VLAN): a host talking through several
 * workers has one entry per shard; counters add up, first/last seen widen.
 */
export function mergedHosts(shards: readonly HostShard[], filter?: (t: HostTable, slot: number) => boolean): Map<string, HostEntry> {
  const merged = new Map<string, HostEntry>();
  for (const s of shards) {
    const t = s.hosts.table;
    t.lockAllForRead();
    try {
      for (let slot = 0, end = t.highWater; slot < end; slot++) {
        if (t.stateOf(slot) !== EntryState.Active) continue;
        if (filter && !filter(s.hosts, slot)) continue;
        const e = s.hosts.entry(slot);
        const key = `${e.ip}|${e.vlan}`;
        const m = merged.get(key);
        if (m === undefined) merged.set(key, e);
        else mergeInto(m, e);
      }
    } finally {
      t.unlockAllForRead();
    }
  }
  return merged;
}

function mergeInto(m: HostEntry, e: HostEntry): void {
  m.bytesSent += e.bytesSent;
  m.bytesRcvd += e.bytesRcvd;
  m.pktsSent += e.pktsSent;
  m.pktsRcvd += e.pktsRcvd;
  m.thptBps += e.thptBps;
  m.thptPps += e.thptPps;
  m.activeAsClient += e.activeAsClient;
  m.activeAsServer += e.activeAsServer;
  m.flowsAsClient += e.flowsAsClient;
  m.flowsAsServer += e.flowsAsServer;
  m.firstSeen = Math.min(m.firstSeen, e.firstSeen);
  m.lastSeen = Math.max(m.lastSeen, e.lastSeen);
  m.score = Math.max(m.score, e.score);
  if (!m.mac && e.mac) m.mac = e.mac;
  for (const [app, bytes] of e.apps) {
    const same = m.apps.find(([a]) => a === app);
    if (same) same[1] += bytes;
    else m.apps.push([app, bytes]);
  }
}

export function toHostRecord(e: HostEntry, names: L7Names): HostRecord {
  const applications = e.apps
    .map(([app, bytes]) => ({ name: app < 0 ? 'Other' : names.protocolName(app) || `${app}`, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
  return {
    ip: e.ip,
    vlan: e.vlan,
    mac: e.mac,
    is_local: e.isLocal,
    bytes: { sent: e.bytesSent, rcvd: e.bytesRcvd, total: e.bytesSent + e.bytesRcvd },
    packets: { sent: e.pktsSent, rcvd: e.pktsRcvd },
    thpt: { bps: e.thptBps, pps: e.thptPps },
    num_flows: { as_client: e.activeAsClient, as_server: e.activeAsServer },
    total_flows: { as_client: e.flowsAsClient, as_server: e.flowsAsServer },
    first_seen: micros(e.firstSeen),
    last_seen: micros(e.lastSeen),
    applications,
  };
}

const SORT_KEYS: Record<NonNullable<HostQuery['sort']>, (e: HostEntry) => number | string> = {
  bytes: (e) => e.bytesSent + e.bytesRcvd,
  bytes_sent: (e) => e.bytesSent,
  bytes_rcvd: (e) => e.bytesRcvd,
  packets: (e) => e.pktsSent + e.pktsRcvd,
  flows: (e) => e.activeAsClient + e.activeAsServer,
  first_seen: (e) => e.firstSeen,
  last_seen: (e) => e.lastSeen,
  thpt: (e) => e.thptBps,
  ip: (e) => e.ip,
};

/** A sorted, filtered page of merged hosts. */
export function queryHosts(shards: readonly HostShard[], q: HostQuery, names?: L7Names): Page<HostRecord> {
  const limit = Math.min(q.limit ?? 50, MAX_HOST_PAGE);
  const offset = q.offset ?? 0;
  const sort = q.sort ?? 'bytes';
  const keyOf = SORT_KEYS[sort];
  if (!keyOf) throw new RangeError(`unknown host sort key '${String(sort)}'`);
  const dir = (q.order ?? 'desc') === 'desc' ? -1 : 1;
  let entries = [...mergedHosts(shards).values()];
  if (q.q) entries = entries.filter((e) => e.ip.includes(q.q!));
  if (q.local !== undefined) entries = entries.filter((e) => e.isLocal === q.local);
  const total = entries.length;
  if (limit === 0 || names === undefined) return { total, data: [] };
  entries.sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    if (ka < kb) return -dir;
    if (ka > kb) return dir;
    return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.vlan - b.vlan;
  });
  return { total, data: entries.slice(offset, offset + limit).map((e) => toHostRecord(e, names)) };
}

/** One host merged over shards, or undefined. With no VLAN given, VLAN 0 is preferred, then any. */
export function getHost(shards: readonly HostShard[], ip: string, vlan: number | undefined, names: L7Names): HostRecord | undefined {
  const { version, words } = parseIp(ip);
  const matches = mergedHosts(shards, (h, slot) => {
    const b = h.table.u32At(slot);
    const meta = h.u32[b + HostU32.KeyMeta];
    if (meta >>> 24 !== version) return false;
    if (vlan !== undefined && (meta & 0xfff) !== vlan) return false;
    return h.u32[b + HostU32.Addr0] === words[0] && h.u32[b + HostU32.Addr1] === words[1] && h.u32[b + HostU32.Addr2] === words[2] && h.u32[b + HostU32.Addr3] === words[3];
  });
  const list = [...matches.values()].sort((a, b) => a.vlan - b.vlan);
  return list.length > 0 ? toHostRecord(list[0], names) : undefined;
}
