import { DecodedPacket } from '../decode/decoded-packet';
import { A, ipv4Packet, makeShard, UDP } from '../../test/flow-fixtures';
import { FlowQuery, FlowRecord } from '../dataplane.types';
import { EntryState } from '../shard/entry-state';
import { FlowShard, mergeRankedPages, queryFlows } from './flow-query';
import { DEFAULT_PAGE, MAX_PAGE } from '../query-vocabulary';
import { readFlowRecord } from './flow-record';
import { NO_DPI_NAMES } from '../shard/record-names';

const total = (f: FlowRecord) => f.cli2srv.bytes + f.srv2cli.bytes;
const packets = (f: FlowRecord) => f.cli2srv.packets + f.srv2cli.packets;

/**
 * Two shards of flows with few distinct byte counts (many ties), some of them
 * idle: every query must equal a sort of the active flows' records (ties by
 * shard, then slot), whichever way the scan reads its keys.
 */
describe('queryFlows', () => {
  const p = new DecodedPacket();
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

  const shards: FlowShard[] = [0, 1].map((index) => ({ index, flows: makeShard(3000).flows }));
  for (const s of shards) {
    s.flows.idleTimeoutS = 60;
    for (let i = 0; i < 2500; i++) {
      const n = 1 + Math.floor(random() * 4);
      for (let k = 0; k < n; k++) {
        const bytes = 60 + 40 * Math.floor(random() * 3);
        // Both directions: the ranking must add them.
        if (k > 0 && random() < 0.5) ipv4Packet(p, UDP, 0x0a000000 + i, 53, A, 1000 + i);
        else ipv4Packet(p, UDP, A, 1000 + i, 0x0a000000 + i, 53);
        s.flows.account(p, i < 500 ? 10 : 100 + k, bytes);
      }
    }
    s.flows.purgeIdle(100, 1); // the first 500 flows of each shard, seen at t=10 only, go idle
  }

  /** Active flows of both shards as records with their (shard, slot), in shard then slot order. */
  function activeRecords(): { record: FlowRecord; shard: number; slot: number }[] {
    const out: { record: FlowRecord; shard: number; slot: number }[] = [];
    for (const s of shards) {
      for (let slot = 0; slot < s.flows.table.highWater; slot++) {
        if (s.flows.table.stateOf(slot) === EntryState.Active) out.push({ record: readFlowRecord(s.flows, slot, s.index, NO_DPI_NAMES), shard: s.index, slot });
      }
    }
    return out;
  }

  function expected(q: FlowQuery, key: (f: FlowRecord) => number): FlowRecord[] {
    const desc = q.order !== 'asc';
    return activeRecords()
      .sort((a, b) => {
        const ka = key(a.record);
        const kb = key(b.record);
        return ka !== kb ? (desc ? kb - ka : ka - kb) : a.shard - b.shard || a.slot - b.slot;
      })
      .slice(q.offset ?? 0, (q.offset ?? 0) + (q.limit ?? DEFAULT_PAGE))
      .map((e) => e.record);
  }

  it('leaves idle flows out of the count and of every ranking', () => {
    const all = activeRecords();
    expect(all.length).toBe(4000);
    expect(queryFlows(shards, { limit: 1 }, NO_DPI_NAMES).total).toBe(4000);
    expect(shards[0].flows.totalBytes[0]).toBeNaN(); // slot 0 holds an idle flow
  });

  it('finds one active flow by key, with its Community ID, and nothing for an idle, stale, foreign or malformed key', () => {
    const { record, shard, slot } = activeRecords()[1234];
    const page = queryFlows(shards, { key: record.key, host: '192.0.2.99' }, NO_DPI_NAMES);
    expect(page.total).toBe(1);
    expect({ ...page.data[0], community_id: undefined }).toEqual({ ...record, community_id: undefined });
    expect(page.data[0].community_id).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
    expect(queryFlows([shards[1 - shard]], { key: record.key }, NO_DPI_NAMES).total).toBe(0);
    const [, , generation] = record.key.split(':').map(Number);
    for (const key of [`${shard}:${slot}:${generation + 1}`, `${shard}:0:1`, `${shard}:999999:1`, '7:1:1', 'x', `${shard}:${slot}`]) {
      expect({ key, total: queryFlows(shards, { key }, NO_DPI_NAMES).total }).toEqual({ key, total: 0 });
    }
  });

  for (const [sort, key] of [['bytes', total], ['packets', packets]] as const) {
    for (const order of ['desc', 'asc'] as const) {
      for (const [offset, limit] of [[0, 1], [0, 50], [37, 50], [0, 1000], [3990, 50]]) {
        it(`ranks by ${sort} ${order} (offset ${offset}, limit ${limit}) like a sort of the active records`, () => {
          const q: FlowQuery = { sort, order, offset, limit };
          const page = queryFlows(shards, q, NO_DPI_NAMES);
          expect(page.total).toBe(4000);
          expect(page.data).toEqual(expected(q, key));
          // Ranked by each shard apart and merged (pages up to MAX_PAGE deep): the same page.
          if (offset + limit > MAX_PAGE) return;
          const partial = { ...q, offset: 0, limit: offset + limit };
          const merged = mergeRankedPages(shards.map((s) => queryFlows([s], partial, NO_DPI_NAMES)), order, offset, limit);
          expect(merged.data).toEqual(page.data);
        });
      }
    }
  }
});
