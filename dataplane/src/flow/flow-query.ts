import { QueryError } from '../errors/dataplane-error';
import { FlowQuery, FlowRecord, RankedPage } from '../dataplane.types';
import { DEFAULT_FLOW_SORT, DEFAULT_PAGE, DEFAULT_SORT_ORDER, MAX_PAGE, mergeByKey } from '../query-vocabulary';
import { parseIp } from '../shard/ip-address';
import { EntryState } from '../shard/entry-state';
import { flowCommunityId, l4Number, readFlowRecord } from './flow-record';
import { L7Names } from '../shard/record-names';
import { FlowTable } from './flow-table';
import { FlowF64, FlowU32 } from './flow-table.layout';
import { TopK } from './top-k';

/**
 * A page with, per record, the value it was ranked by and its shard: what is
 * needed to merge pages ranked over disjoint sets of shards into the page one
 * scan over all of them gives (ties rank by shard, then slot).
 */
export interface RankedFlowPage extends RankedPage<FlowRecord> {
  shards: number[];
}

/** The part of a shard a flow query reads. */
export interface FlowShard {
  index: number;
  flows: FlowTable;
}

/**
 * Filters and sorts the active flows of every shard without materializing them:
 * one pass over the slots keeps the best offset+limit (TopK), and only the
 * page is turned into records. All shards are read-locked for the duration, so
 * no slot is reused between the scan and the read.
 */
export function queryFlows(shards: readonly FlowShard[], q: FlowQuery, names: L7Names): RankedFlowPage {
  if (q.key !== undefined) return flowByKey(shards, q.key, names);
  const limit = Math.min(q.limit ?? DEFAULT_PAGE, MAX_PAGE);
  const offset = q.offset ?? 0;
  const desc = (q.order ?? 'desc') === 'desc';
  const sort = q.sort ?? DEFAULT_FLOW_SORT;
  const host = q.host !== undefined && q.host !== '' ? parseIp(q.host) : undefined;
  const l4 = q.l4 !== undefined && q.l4 !== '' ? l4Number(q.l4) : undefined;
  if (q.l4 !== undefined && q.l4 !== '' && l4 === undefined) throw new QueryError(`unknown L4 protocol '${q.l4}'`);
  const l7Match = q.l7 !== undefined && q.l7 !== '' ? l7Matcher(q.l7, names) : undefined;
  const port = q.port;

  const filtered = host !== undefined || l4 !== undefined || port !== undefined || l7Match !== undefined;

  // Slots are taken in creation order (until freed ones are reused): newest first, a
  // backwards scan meets the page's flows early and skips the rest on their key alone.
  // The page does not depend on the direction (ties rank by shard, then slot).
  const backwards = !filtered && sort === 'first_seen' && desc;

  const forwardInShardOrder = !backwards && shards.every((s, i) => i === 0 || shards[i - 1].index < s.index);
  const top = new TopK(offset + limit, desc, forwardInShardOrder);
  let total = 0;
  for (const s of shards) s.flows.table.lockAllForRead();
  try {
    for (const s of shards) {
      const flows = s.flows;
      const t = flows.table;
      const u32 = flows.u32;
      const f64 = flows.f64;
      if (!filtered) {
        // Every active flow matches: the total is the shard's active count, and each
        // slot costs its sort key (8 bytes for bytes, else one cache line); the state,
        // in another line, is read only for a key that would make the page.
        total += t.active;
        if (sort === 'bytes') {
          // The total-bytes column: 8 bytes a slot, NaN for a slot without an active flow.
          const column = flows.totalBytes;
          for (let slot = 0, end = t.highWater; slot < end; slot++) {
            const key = column[slot];
            if (key !== key || !top.wouldKeep(key) || Atomics.load(u32, t.u32At(slot) + FlowU32.State) !== EntryState.Active) continue;
            top.offer(key, s.index, slot);
          }
          continue;
        }
        for (let n = 0, end = t.highWater; n < end; n++) {
          const slot = backwards ? end - 1 - n : n;
          const key = sortKey(sort, f64, t.f64At(slot));
          if (!top.wouldKeep(key) || Atomics.load(u32, t.u32At(slot) + FlowU32.State) !== EntryState.Active) continue;
          top.offer(key, s.index, slot);
        }
        continue;
      }
      for (let slot = 0, end = t.highWater; slot < end; slot++) {
        const b = t.u32At(slot);
        if (Atomics.load(u32, b + FlowU32.State) !== EntryState.Active) continue;
        const meta = u32[b + FlowU32.KeyMeta];
        if (l4 !== undefined && ((meta >>> 16) & 0xff) !== l4) continue;
        if (port !== undefined) {
          const ports = u32[b + FlowU32.Ports];
          if (ports >>> 16 !== port && (ports & 0xffff) !== port) continue;
        }
        if (host !== undefined) {
          if (meta >>> 24 !== host.version) continue;
          if (!addrIs(u32, b + FlowU32.CliAddr0, host.words) && !addrIs(u32, b + FlowU32.SrvAddr0, host.words)) continue;
        }
        if (l7Match !== undefined && !l7Match(u32[b + FlowU32.L7])) continue;
        total++;
        const f = t.f64At(slot);
        top.offer(sortKey(sort, f64, f), s.index, slot);
      }
    }
    const page: RankedFlowPage = { total, data: [], keys: [], shards: [] };
    const byIndex = new Map(shards.map((s) => [s.index, s]));
    const ranked = top.sorted();
    for (let i = offset; i < ranked.length; i++) {
      const [shardIndex, slot, key] = ranked[i];
      const s = byIndex.get(shardIndex)!;
      page.data.push(readFlowRecord(s.flows, slot, s.index, names));
      page.keys.push(key);
      page.shards.push(shardIndex);
    }
    return page;
  } finally {
    for (const s of shards) s.flows.table.unlockAllForRead();
  }
}

/**
 * The page at `offset`/`limit` of the union of pages that were each ranked
 * over a disjoint set of shards with offset 0 and limit offset + limit: the
 * page a single scan over all those shards gives, ties included (by shard,
 * then slot, as the scan offers them). Keeps the keys, so interfaces' pages
 * can be merged in turn (mergeFlowPages).
 */
export function mergeRankedPages(pages: readonly RankedFlowPage[], order: FlowQuery['order'], offset: number, limit: number): RankedPage<FlowRecord> {
  const desc = (order ?? DEFAULT_SORT_ORDER) === 'desc';
  const items: { record: FlowRecord; key: number; shard: number; pos: number }[] = [];
  let total = 0;
  for (const page of pages) {
    total += page.total;
    page.data.forEach((record, pos) => items.push({ record, key: page.keys[pos], shard: page.shards[pos], pos }));
  }
  items.sort((a, b) => (a.key !== b.key ? (desc ? b.key - a.key : a.key - b.key) : a.shard - b.shard || a.pos - b.pos));
  const page = items.slice(offset, offset + limit);
  return { total, data: page.map((i) => i.record), keys: page.map((i) => i.key) };
}

/**
 * The page at `offset`/`limit` over several interfaces, from each
 * interface's page ranked with offset 0 and limit offset + limit (in
 * `pages` order): by the keys the pages carry, ties by interface (its
 * position in `pages`), then by rank within it. Each record comes with the
 * index of its page.
 */
export function mergeFlowPages(pages: readonly RankedPage<FlowRecord>[], order: FlowQuery['order'], offset: number, limit: number): RankedPage<FlowRecord & { page: number }> {
  return mergeByKey(pages, order, offset, limit, () => 0);
}

function sortKey(sort: NonNullable<FlowQuery['sort']>, f64: Float64Array, f: number): number {
  switch (sort) {
    case 'bytes':
      return f64[f + FlowF64.C2sBytes] + f64[f + FlowF64.S2cBytes];
    case 'packets':
      return f64[f + FlowF64.C2sPkts] + f64[f + FlowF64.S2cPkts];
    case 'first_seen':
      return f64[f + FlowF64.FirstSeen];
    case 'last_seen':
      return f64[f + FlowF64.LastSeen];
    case 'duration':
      return f64[f + FlowF64.LastSeen] - f64[f + FlowF64.FirstSeen];
    case 'thpt':
      return f64[f + FlowF64.ThptBps];
    default:
      throw new QueryError(`unknown flow sort key '${String(sort)}'`);
  }
}

/**
 * Matches packed nDPI protocols by name: 'TLS' matches TLS and TLS.YouTube,
 * 'YouTube' matches TLS.YouTube and QUIC.YouTube (case-insensitive). Names are
 * computed once per distinct protocol value, not per flow.
 */
function l7Matcher(wanted: string, names: L7Names): (l7: number) => boolean {
  const w = wanted.toLowerCase();
  const cache = new Map<number, boolean>();
  return (l7) => {
    let hit = cache.get(l7);
    if (hit === undefined) {
      const name = names.protocolName(l7).toLowerCase();
      hit = name === w || name.split('.').includes(w);
      cache.set(l7, hit);
    }
    return hit;
  };
}

function addrIs(u32: Uint32Array, at: number, w: readonly number[]): boolean {
  return u32[at] === w[0] && u32[at + 1] === w[1] && u32[at + 2] === w[2] && u32[at + 3] === w[3];
}

/**
 * The active flow whose key (`<shard>:<slot>:<generation>`) is `key`, as a
 * page of 0 or 1: one slot read, no scan. A key of a shard not in `shards`
 * (another reader's), of a freed or reused slot, or malformed, finds nothing.
 */
function flowByKey(shards: readonly FlowShard[], key: string, names: L7Names): RankedFlowPage {
  const page: RankedFlowPage = { total: 0, data: [], keys: [], shards: [] };
  const m = /^(\d{1,6}):(\d{1,9}):(\d{1,10})$/.exec(key);
  if (!m) return page;
  const [shardIndex, slot, generation] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const s = shards.find((x) => x.index === shardIndex);
  if (!s) return page;
  const t = s.flows.table;
  t.lockAllForRead();
  try {
    if (slot >= t.highWater) return page;
    const b = t.u32At(slot);
    if (Atomics.load(s.flows.u32, b + FlowU32.State) !== EntryState.Active || s.flows.u32[b + FlowU32.Generation] !== generation) return page;
    page.total = 1;
    const record = readFlowRecord(s.flows, slot, s.index, names);
    record.community_id = flowCommunityId(s.flows, slot);
    page.data.push(record);
    page.keys.push(0);
    page.shards.push(shardIndex);
    return page;
  } finally {
    t.unlockAllForRead();
  }
}
