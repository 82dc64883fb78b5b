import { DecodedPacket } from '../decode/decoded-packet';
import { ipv4Packet, makeShard, UDP } from '../../test/flow-fixtures';
import { HostQuery, HostRecord } from '../dataplane.types';
import { NO_DPI_NAMES } from '../shard/record-names';
import { HostShard, mergedHosts, queryHosts, toHostRecord } from './host-query';
import { DEFAULT_PAGE } from '../query-vocabulary';

/**
 * queryHosts ranks hosts without materialising them; the reference here
 * materialises every host merged over shards (mergedHosts) and sorts the
 * records by the documented rule: the key in the asked order, ties by IP
 * (as text, ascending) then VLAN.
 */
describe('queryHosts', () => {
  const p = new DecodedPacket();
  let seed = 5;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const parts = [0, 1].map(() => makeShard(4000, 4000, ['10.0.0.0/8', 'fd00::/8']));
  const shards: HostShard[] = parts.map(({ hosts }) => ({ hosts }));

  /** Packet a -> b on `vlan`, IPv4 (addresses as numbers) or IPv6 (fd00::a / 2001:db8::b). */
  function packet(a: number, b: number, vlan: number, v6: boolean): DecodedPacket {
    ipv4Packet(p, UDP, a, 1000 + (a & 0xff), b, 53);
    if (v6) {
      p.ipVersion = 6;
      p.src.set([0xfd000000, 0, 0, a]);
      p.dst.set([0x20010db8, 0, 0, b]);
    }
    p.vlan = vlan;
    return p;
  }

  // Clients 10.0.0.x (local) and servers 8.8.x.x, some on VLAN 7, some over IPv6; each pair of
  // hosts talks through one shard or both (as two workers see different flows of the same hosts).
  // Byte counts from a small set, so many keys tie.
  for (let i = 0; i < 600; i++) {
    const cli = 0x0a000000 + Math.floor(random() * 150);
    const srv = 0x08080000 + Math.floor(random() * 40);
    const vlan = random() < 0.2 ? 7 : 0;
    const v6 = random() < 0.15;
    const where = random() < 0.5 ? [0] : random() < 0.5 ? [1] : [0, 1];
    for (const s of where) parts[s].flows.account(packet(cli, srv, vlan, v6), 100 + i + s, 60 * (1 + Math.floor(random() * 3)));
  }

  function reference(q: HostQuery): { total: number; data: HostRecord[]; keys: number[] } {
    const sort = q.sort ?? 'bytes';
    const desc = (q.order ?? 'desc') === 'desc';
    const key = (h: HostRecord): number | string => {
      switch (sort) {
        case 'bytes': return h.bytes.total;
        case 'bytes_sent': return h.bytes.sent;
        case 'bytes_rcvd': return h.bytes.rcvd;
        case 'packets': return h.packets.sent + h.packets.rcvd;
        case 'flows': return h.num_flows.as_client + h.num_flows.as_server;
        case 'first_seen': return h.first_seen;
        case 'last_seen': return h.last_seen;
        case 'thpt': return h.thpt.bps;
        case 'ip': return h.ip;
      }
    };
    let all = [...mergedHosts(shards).values()].map((e) => toHostRecord(e, NO_DPI_NAMES));
    if (q.q) all = all.filter((h) => h.ip.includes(q.q!));
    if (q.local !== undefined) all = all.filter((h) => h.is_local === q.local);
    all.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * (desc ? -1 : 1);
      return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.vlan - b.vlan;
    });
    const offset = q.offset ?? 0;
    const data = all.slice(offset, offset + (q.limit ?? DEFAULT_PAGE));
    return { total: all.length, data, keys: data.map((h) => ((q.sort ?? 'bytes') === 'ip' ? 0 : (key(h) as number))) };
  }

  it('merges a host seen by both shards into one record, per VLAN', () => {
    const all = queryHosts(shards, { limit: 1000 }, NO_DPI_NAMES);
    const ids = all.data.map((h) => `${h.ip}@${h.vlan}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(all.total).toBe(mergedHosts(shards).size);
    const inBoth = [...mergedHosts(shards).values()].length < shards[0].hosts.table.active + shards[1].hosts.table.active;
    expect(inBoth).toBe(true); // the fixture does put hosts in both shards
    expect(all.data.some((h) => h.vlan === 7) && all.data.some((h) => h.ip.includes(':'))).toBe(true);
  });

  const sorts = ['bytes', 'bytes_sent', 'bytes_rcvd', 'packets', 'flows', 'first_seen', 'last_seen', 'thpt', 'ip'] as const;
  for (const sort of sorts) {
    for (const order of ['desc', 'asc'] as const) {
      it(`ranks by ${sort} ${order} like a sort of every merged host, ties by IP then VLAN`, () => {
        for (const [offset, limit] of [[0, 25], [13, 40], [0, 1000]]) {
          const q: HostQuery = { sort, order, offset, limit };
          expect(queryHosts(shards, q, NO_DPI_NAMES)).toEqual(reference(q));
        }
      });
    }
  }

  it('filters by locality and by address text before counting and paging', () => {
    for (const q of [{ local: true }, { local: false }, { q: '8.8.0.1' }, { q: 'fd00', sort: 'ip' }, { q: '10.0.0.1', local: true, offset: 3, limit: 5 }] as HostQuery[]) {
      const got = queryHosts(shards, q, NO_DPI_NAMES);
      expect(got).toEqual(reference(q));
      expect(got.total).toBeGreaterThan(0);
    }
  });

  it('counts without records when asked for none, and refuses an unknown sort key', () => {
    expect(queryHosts(shards, { limit: 0 }, NO_DPI_NAMES)).toEqual({ total: mergedHosts(shards).size, data: [], keys: [] });
    expect(() => queryHosts(shards, { sort: 'colour' as never }, NO_DPI_NAMES)).toThrow(expect.objectContaining({ name: 'QueryError', code: 'QUERY_BAD_VALUE' }));
  });
});
