import { QueryError } from '../errors/dataplane-error';
import { HostQuery, HostRecord, RankedPage } from '../dataplane.types';
import { DEFAULT_HOST_SORT, DEFAULT_PAGE, DEFAULT_SORT_ORDER, MAX_PAGE, mergeByKey } from '../query-vocabulary';
import { EntryState } from '../shard/entry-state';
import { L7Names, micros } from '../shard/record-names';
import { HostEntry, HostTable } from './host-table';
import { HostF64, HostFlag, HostU32 } from './host-table.layout';
import { formatIp, parseIp } from '../shard/ip-address';

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

/** How a sort key of a host merged over shards is read from one entry, and how entries combine. */
interface SortKey {
  read(u32: Uint32Array, b: number, f64: Float64Array, f: number): number;
  combine: 'sum' | 'min' | 'max';
}

/** Numeric sort keys, read from the slots without materialising the host (`ip` sorts by the formatted address). */
const SORT_KEYS: Record<Exclude<NonNullable<HostQuery['sort']>, 'ip'>, SortKey> = {
  bytes: { read: (_u, _b, f64, f) => f64[f + HostF64.BytesSent] + f64[f + HostF64.BytesRcvd], combine: 'sum' },
  bytes_sent: { read: (_u, _b, f64, f) => f64[f + HostF64.BytesSent], combine: 'sum' },
  bytes_rcvd: { read: (_u, _b, f64, f) => f64[f + HostF64.BytesRcvd], combine: 'sum' },
  packets: { read: (_u, _b, f64, f) => f64[f + HostF64.PktsSent] + f64[f + HostF64.PktsRcvd], combine: 'sum' },
  flows: { read: (u32, b) => u32[b + HostU32.ActiveAsClient] + u32[b + HostU32.ActiveAsServer], combine: 'sum' },
  first_seen: { read: (_u, _b, f64, f) => f64[f + HostF64.FirstSeen], combine: 'min' },
  last_seen: { read: (_u, _b, f64, f) => f64[f + HostF64.LastSeen], combine: 'max' },
  thpt: { read: (_u, _b, f64, f) => f64[f + HostF64.ThptBps], combine: 'sum' },
};

/** A host merged over shards before it is materialised: its entries (shard position * 2^30 + slot) and its sort key. */
interface RankedHost {
  first: number;
  /** Entries in later shards (most hosts have none: no array for them). */
  more: number[] | undefined;
  key: number;
  vlan: number;
  local: boolean;
  /** Formatted on demand (the `ip` sort, the `q` filter, ties). */
  ip: string | undefined;
}

const SLOT_BITS = 0x40000000; // slots < 2^30

/**
 * A sorted, filtered page of hosts merged over shards. One pass reads each
 * active slot's address, VLAN, flags and sort key; only the page's hosts are
 * materialised (addresses, MAC, applications), so ranking tens of thousands
 * of hosts does not build an object per host and per shard.
 */
export function queryHosts(shards: readonly HostShard[], q: HostQuery, names?: L7Names): RankedPage<HostRecord> {
  const limit = Math.min(q.limit ?? DEFAULT_PAGE, MAX_PAGE);
  const offset = q.offset ?? 0;
  const sort = q.sort ?? DEFAULT_HOST_SORT;
  const sortKey = sort === 'ip' ? undefined : SORT_KEYS[sort];
  if (sort !== 'ip' && !sortKey) throw new QueryError(`unknown host sort key '${String(sort)}'`);
  const dir = (q.order ?? DEFAULT_SORT_ORDER) === 'desc' ? -1 : 1;
  for (const s of shards) s.hosts.table.lockAllForRead();
  try {
    const byHost = new Map<number | string, RankedHost>();
    shards.forEach((s, pos) => {
      const h = s.hosts;
      const t = h.table;
      const u32 = h.u32;
      const f64 = h.f64;
      for (let slot = 0, end = t.highWater; slot < end; slot++) {
        if (t.stateOf(slot) !== EntryState.Active) continue;
        const b = t.u32At(slot);
        const meta = u32[b + HostU32.KeyMeta];
        const vlan = meta & 0xfff;
        // IPv4: the address and VLAN as one number (< 2^44); IPv6: its words and VLAN as a string.
        const id: number | string =
          meta >>> 24 === 4 ? u32[b + HostU32.Addr0] * 4096 + vlan : `${u32[b + HostU32.Addr0]},${u32[b + HostU32.Addr1]},${u32[b + HostU32.Addr2]},${u32[b + HostU32.Addr3]},${vlan}`;
        const key = sortKey ? sortKey.read(u32, b, f64, t.f64At(slot)) : 0;
        const m = byHost.get(id);
        if (m === undefined) {
          const local = (u32[b + HostU32.Flags] & HostFlag.Local) !== 0;
          byHost.set(id, { first: pos * SLOT_BITS + slot, more: undefined, key, vlan, local, ip: undefined });
          continue;
        }
        (m.more ??= []).push(pos * SLOT_BITS + slot);
        if (!sortKey) continue;
        if (sortKey.combine === 'sum') m.key += key;
        else if (sortKey.combine === 'min') m.key = Math.min(m.key, key);
        else m.key = Math.max(m.key, key);
      }
    });
    const ipOf = (r: RankedHost): string => {
      if (r.ip === undefined) {
        const h = shards[Math.floor(r.first / SLOT_BITS)].hosts;
        const b = h.table.u32At(r.first % SLOT_BITS);
        r.ip = formatIp(h.u32, b + HostU32.Addr0, h.u32[b + HostU32.KeyMeta] >>> 24);
      }
      return r.ip;
    };
    let ranked = [...byHost.values()];
    if (q.local !== undefined) ranked = ranked.filter((r) => r.local === q.local);
    if (q.q) ranked = ranked.filter((r) => ipOf(r).includes(q.q!));
    const total = ranked.length;
    if (limit === 0 || names === undefined) return { total, data: [], keys: [] };
    const byIp = (a: RankedHost, b: RankedHost, ipDir = 1): number => compareHostAddress(ipOf(a), a.vlan, ipOf(b), b.vlan, ipDir);
    const wanted = Math.min(offset + limit, total);
    if (!sortKey) {
      ranked.sort((a, b) => byIp(a, b, dir));
    } else if (wanted > 0) {
      // The key of the last host the page needs, from the keys alone (a typed sort); only hosts
      // that beat it, and those that tie it (ordered by address), are sorted as objects.
      const keys = Float64Array.from(ranked, (r) => r.key).sort();
      const bar = dir < 0 ? keys[total - wanted] : keys[wanted - 1];
      const better = ranked.filter((r) => (dir < 0 ? r.key > bar : r.key < bar));
      const tied = ranked.filter((r) => r.key === bar);
      better.sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -dir : dir) : byIp(a, b)));
      tied.sort(byIp);
      ranked = better.concat(tied.slice(0, wanted - better.length));
    }
    const page = ranked.slice(offset, offset + limit);
    const data = page.map((r) => {
      // Entries merged in shard order, as mergedHosts does.
      const entryAt = (at: number) => shards[Math.floor(at / SLOT_BITS)].hosts.entry(at % SLOT_BITS);
      const merged = entryAt(r.first);
      for (const at of r.more ?? []) mergeInto(merged, entryAt(at));
      return toHostRecord(merged, names);
    });
    return { total, data, keys: page.map((r) => r.key) };
  } finally {
    for (const s of shards) s.hosts.table.unlockAllForRead();
  }
}

/** Address in `ipDir` (1 ascending, -1 descending), then VLAN ascending: how host pages break ties (and rank by 'ip'). */
export function compareHostAddress(ipA: string, vlanA: number, ipB: string, vlanB: number, ipDir = 1): number {
  return ipA < ipB ? -ipDir : ipA > ipB ? ipDir : vlanA - vlanB;
}

/**
 * The page at `offset`/`limit` over several interfaces, from each
 * interface's page for `q` ranked with offset 0 and limit offset + limit (in
 * `pages` order): by the keys the pages carry, ties by address then VLAN as
 * within one interface, then by interface (its position in `pages`). The
 * sort 'ip' ranks by address in `q.order`. Each record comes with the index of its page.
 */
export function mergeHostPages(pages: readonly RankedPage<HostRecord>[], q: HostQuery, offset: number, limit: number): RankedPage<HostRecord & { page: number }> {
  const ipDir = (q.sort ?? DEFAULT_HOST_SORT) === 'ip' && (q.order ?? DEFAULT_SORT_ORDER) === 'desc' ? -1 : 1;
  return mergeByKey(pages, q.order, offset, limit, (a, b) => compareHostAddress(a.ip, a.vlan, b.ip, b.vlan, ipDir));
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
