import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { FlowExportRecord } from '@flowprobe/dataplane';
import { DuckDbHistoryRepository } from './duckdb-history.repository';
import { dayOf } from './history-rows';
import type { HistoryFlowQuery } from './history.types';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

function record(i: number, lastSeenMs: number, over: Partial<FlowExportRecord> = {}): FlowExportRecord {
  return {
    probe: 'p1',
    interface: 'eth0',
    key: `0:${i}:1`,
    flow_start_ms: lastSeenMs - 1000,
    first_seen_ms: lastSeenMs - 1000,
    last_seen_ms: lastSeenMs,
    end_reason: 'idle',
    ip_version: 4,
    vlan: 0,
    l4: 'TCP',
    l4_proto: 6,
    client: { ip: `10.0.${(i >> 8) & 255}.${i & 255}`, port: 40000 + (i % 1000) },
    server: { ip: `192.0.2.${i % 7}`, port: 443 },
    cli2srv: { packets: 3 + (i % 5), bytes: 300 + i },
    srv2cli: { packets: 2, bytes: 1000 + 3 * i },
    retransmissions: { cli2srv: 0, srv2cli: 0 },
    flow_totals: { cli2srv: { packets: 0, bytes: 0 }, srv2cli: { packets: 0, bytes: 0 } },
    tcp_flags: { cli2srv: 0x1b, srv2cli: 0x1b },
    l7: i % 3 === 0 ? 'TLS.YouTube' : 'DNS',
    category: 'Web',
    breed: 'Safe',
    server_name: i % 2 ? `s${i % 4}.example.org` : '',
    risks: i % 10 === 0 ? ['Known Proto on Non Std Port', 'TLS Self-signed'] : [],
    score: 0,
    community_id: `1:${String(i).padStart(27, 'A')}=`,
    client_name: '',
    server_host_name: '',
    icmp_type: -1,
    icmp_code: -1,
    ...over,
  };
}

const query = (over: Partial<HistoryFlowQuery>): HistoryFlowQuery => ({ fromMs: T0, toMs: T0 + 10 * DAY, sort: 'last_seen', order: 'asc', limit: 1000, offset: 0, ...over });

/** The embedded store against real DuckDB files in a temporary folder. */
describe('DuckDbHistoryRepository (real DuckDB day files)', () => {
  let dir: string;
  let store: DuckDbHistoryRepository;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-duckdb-'));
    store = new DuckDbHistoryRepository({ dir, maxAgeDays: 3650, diskBudgetBytes: 1 << 40 });
    await store.open();
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores records in day files and returns them field for field', async () => {
    const records = [record(1, T0 + 5000), record(2, T0 + DAY + 5000, { client: { ip: '2001:db8::1', port: 5 }, ip_version: 6 })];
    await store.insert(records);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.duckdb')).sort()).toEqual(['flows-2026-11-01.duckdb', 'flows-2026-11-02.duckdb']);
    const { total, data } = await store.queryFlows(query({}));
    expect(total).toBe(2);
    const { flow_totals: _a, ...first } = records[0];
    const { flow_totals: _b, ...second } = records[1];
    expect(data).toEqual([first, second]);
  });

  it('filters by network (IPv4 and IPv6), port, application, server name, Community ID; overlap of the range', async () => {
    const records = Array.from({ length: 300 }, (_, i) => record(i, T0 + i * 1000));
    records.push(record(1000, T0 + 400_000, { client: { ip: '2001:db8::7', port: 1 }, ip_version: 6 }));
    await store.insert(records);
    const count = async (over: Partial<HistoryFlowQuery>) => (await store.queryFlows(query(over))).total;
    expect(await count({ network: { version: 4, lo: 0x0a000000n, hi: 0x0a0000ffn } })).toBe(records.filter((r) => r.client.ip.startsWith('10.0.0.')).length);
    expect(await count({ network: { version: 6, lo: 0x20010db8n << 96n, hi: (0x20010db8n << 96n) + (1n << 96n) - 1n } })).toBe(1);
    expect(await count({ port: 40005 })).toBe(1);
    expect(await count({ application: 'youtube' })).toBe(records.filter((r) => r.l7 === 'TLS.YouTube').length);
    expect(await count({ application: 'TLS' })).toBe(records.filter((r) => r.l7 === 'TLS.YouTube').length);
    expect(await count({ serverName: 'S1.example' })).toBe(records.filter((r) => r.server_name === 's1.example.org').length);
    expect(await count({ communityId: records[42].community_id })).toBe(1);
    // A record counting [T0+9s, T0+10s] meets [T0+9.5s, T0+9.6s).
    expect(await count({ fromMs: T0 + 9500, toMs: T0 + 9600 })).toBe(1);
    const page = await store.queryFlows(query({ sort: 'bytes', order: 'desc', limit: 5, offset: 5 }));
    const byBytes = [...records].sort((a, b) => b.cli2srv.bytes + b.srv2cli.bytes - (a.cli2srv.bytes + a.srv2cli.bytes));
    expect(page.data.map((f) => f.key)).toEqual(byBytes.slice(5, 10).map((r) => r.key));
  });

  it('drops days past the maximum age, then the oldest days while over the disk budget, and says so', async () => {
    for (let d = 0; d < 4; d++) await store.insert(Array.from({ length: 3000 }, (_, i) => record(i, T0 + d * DAY + i * 1000)));
    await store.checkpoint();
    const before = store.usage();
    expect(before.days.map((d) => d.day)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']);
    await store.close();

    // Same files, a budget that fits about two and a half days, a maximum age that keeps four days before 'now'.
    const sizes = before.days.map((d) => d.bytes);
    store = new DuckDbHistoryRepository({ dir, maxAgeDays: 3, diskBudgetBytes: sizes[1] + sizes[2] + sizes[3] - 1 });
    await store.open();
    const report = await store.enforceRetention(T0 + 3 * DAY + 5000);
    expect(report.dropped).toEqual([
      { day: '2026-11-01', reason: 'disk_budget', bytes: sizes[0] },
      { day: '2026-11-02', reason: 'disk_budget', bytes: sizes[1] },
    ]);
    const after = store.usage();
    expect(after.days.map((d) => d.day)).toEqual(['2026-11-03', '2026-11-04']);
    expect(after.bytes_on_disk).toBeLessThanOrEqual(after.budget_bytes);
    expect(after.last_retention?.dropped).toHaveLength(2);
    expect((await store.queryFlows(query({}))).total).toBe(6000);

    const aged = await store.enforceRetention(T0 + 6 * DAY);
    expect(aged.dropped).toEqual([{ day: '2026-11-03', reason: 'max_age', bytes: expect.any(Number) }]);
    // The newest day is never dropped, even past the age or the budget.
    expect(store.usage().days.map((d) => d.day)).toEqual(['2026-11-04']);
    expect(dayOf(T0 + 3 * DAY)).toBe('2026-11-04');
  });

  it('top from rollups equals top from raw records; series buckets equal a direct aggregation', async () => {
    const records = Array.from({ length: 2000 }, (_, i) => record(i, T0 + 3_600_000 + i * 1700, { end_reason: i % 4 === 0 ? 'active_timeout' : 'idle' }));
    // Two batches: rollup rows of one bucket come from both.
    await store.insert(records.slice(0, 900));
    await store.insert(records.slice(900));
    for (const by of ['hosts', 'applications', 'ports', 'pairs'] as const) {
      for (const metric of ['bytes', 'packets', 'flows'] as const) {
        const rolled = await store.top({ fromMs: T0, toMs: T0 + DAY, by, metric, limit: 50 });
        const raw = await store.top({ fromMs: T0 + 1, toMs: T0 + DAY, by, metric, limit: 50 });
        expect(rolled.source).toBe('rollup_1h');
        expect(raw.source).toBe('flows');
        expect(rolled.data).toEqual(raw.data);
      }
    }
    const series = await store.series({ fromMs: T0 + 3_600_000, toMs: T0 + 7_200_000, by: 'application', stepS: 300, limit: 1 });
    expect(series.series.map((s) => s.key)).toEqual(['DNS', 'other']);
    const want = new Array(12).fill(0);
    for (const r of records) {
      const b = Math.floor((r.last_seen_ms - (T0 + 3_600_000)) / 300_000);
      if (b >= 0 && b < 12 && r.l7 === 'DNS') want[b] += r.cli2srv.bytes + r.srv2cli.bytes;
    }
    expect(series.series[0].values).toEqual(want);
  });

  it("series of one host: the applications of the records it is client or server of (IPv4 and IPv6)", async () => {
    const v6 = (i: number, server: string) =>
      record(5000 + i, T0 + 3_600_000 + i * 60_000, { ip_version: 6, client: { ip: `2001:db8::${i + 1}`, port: 50000 }, server: { ip: server, port: 443 }, l7: 'QUIC.YouTube' });
    const records = [
      ...Array.from({ length: 700 }, (_, i) => record(i, T0 + 3_600_000 + i * 5000)),
      v6(0, '2001:db8::ff'),
      v6(1, '2001:db8::ff'),
      v6(2, '2001:db8::fe'),
    ];
    await store.insert(records);
    const from = T0 + 3_600_000;
    const to = T0 + 7_200_000;
    const direct = (ip: string) => {
      const m = new Map<string, number[]>();
      for (const r of records) {
        const b = Math.floor((r.last_seen_ms - from) / 300_000);
        if (b < 0 || b >= 12 || (r.client.ip !== ip && r.server.ip !== ip)) continue;
        const values = m.get(r.l7) ?? new Array<number>(12).fill(0);
        values[b] += r.cli2srv.bytes + r.srv2cli.bytes;
        m.set(r.l7, values);
      }
      return m;
    };
    for (const ip of ['192.0.2.3', '10.0.0.5', '2001:db8::ff', '2001:db8::3']) {
      const got = await store.series({ fromMs: from, toMs: to, by: 'application', stepS: 300, limit: 10, host: ip });
      expect([ip, new Map(got.series.map((s) => [s.key, s.values]))]).toEqual([ip, direct(ip)]);
      expect(got.series.length).toBeGreaterThan(0);
    }
    // The whole store is more than one host's records.
    const all = await store.series({ fromMs: from, toMs: to, by: 'application', stepS: 300, limit: 10 });
    const total = (s: typeof all) => s.series.reduce((n, x) => n + x.values.reduce((a, b) => a + b, 0), 0);
    expect(total(all)).toBeGreaterThan(total(await store.series({ fromMs: from, toMs: to, by: 'application', stepS: 300, limit: 10, host: '192.0.2.3' })));
  });

  it('sums records into the rollups once (not per batch), also those a closed store left unsummed', async () => {
    const records = Array.from({ length: 3000 }, (_, i) => record(i, T0 + 7_200_000 + i * 1000));
    for (let at = 0; at < records.length; at += 500) await store.insert(records.slice(at, at + 500));
    // Six batches, summed in one pass before the query reads the hourly rollup.
    const top = await store.top({ fromMs: T0, toMs: T0 + DAY, by: 'hosts', metric: 'bytes', limit: 100_000 });
    expect(top.source).toBe('rollup_1h');
    expect(top.data).toEqual((await store.top({ fromMs: T0 + 1, toMs: T0 + DAY, by: 'hosts', metric: 'bytes', limit: 100_000 })).data);
    // Records stored but not yet summed when the store closes are summed after it opens again.
    await store.insert(records.map((r) => ({ ...r, key: `${r.key}b` })));
    await store.close();
    store = new DuckDbHistoryRepository({ dir, maxAgeDays: 3650, diskBudgetBytes: 1 << 40 });
    await store.open();
    const again = await store.top({ fromMs: T0, toMs: T0 + DAY, by: 'hosts', metric: 'flows', limit: 100_000 });
    const raw = await store.top({ fromMs: T0 + 1, toMs: T0 + DAY, by: 'hosts', metric: 'flows', limit: 100_000 });
    expect(again.source).toBe('rollup_1h');
    expect(again.data).toEqual(raw.data);
    expect(again.data.reduce((n, e) => n + e.flows, 0)).toBe(raw.data.reduce((n, e) => n + e.flows, 0));
    expect(again.data.find((e) => e.key === '10.0.0.1')?.flows).toBe(2 * records.filter((r) => r.client.ip === '10.0.0.1').length);
  });

  it('moves whole row groups to flows and keeps the rest in the tail: every record counted once, rollup top = raw top = direct sums', async () => {
    // 100 000 + 25 000 + 5 000 + 1 records: the tail and the second batch fill a row group (122 880), the rest waits in the tail.
    const records = Array.from({ length: 130_001 }, (_, i) =>
      record(i, T0 + 3_600_000 + Math.floor(i / 10), { client: { ip: `10.1.${(i >> 8) & 63}.${i & 255}`, port: 1000 + (i % 50_000) }, end_reason: i % 7 === 0 ? 'active_timeout' : 'idle' }),
    );
    for (const [from, to] of [[0, 100_000], [100_000, 125_000], [125_000, 130_000], [130_000, 130_001]]) await store.insert(records.slice(from, to));
    const all = await store.queryFlows(query({ limit: 1 }));
    expect(all.total).toBe(records.length);
    const want = new Map<string, { bytes: number; flows: number }>();
    for (const r of records) {
      for (const host of r.client.ip === r.server.ip ? [r.client.ip] : [r.client.ip, r.server.ip]) {
        const w = want.get(host) ?? { bytes: 0, flows: 0 };
        w.bytes += r.cli2srv.bytes + r.srv2cli.bytes;
        w.flows += r.end_reason === 'active_timeout' ? 0 : 1;
        want.set(host, w);
      }
    }
    const rolled = await store.top({ fromMs: T0, toMs: T0 + DAY, by: 'hosts', metric: 'bytes', limit: 100_000 });
    const raw = await store.top({ fromMs: T0 + 1, toMs: T0 + DAY, by: 'hosts', metric: 'bytes', limit: 100_000 });
    expect(rolled.source).toBe('rollup_1h');
    expect(raw.source).toBe('flows');
    expect(rolled.data).toEqual(raw.data);
    expect(new Map(rolled.data.map((e) => [e.key, { bytes: e.bytes, flows: e.flows }]))).toEqual(want);
    // The same after a restart (the tail is in the day file) and one more batch.
    await store.close();
    store = new DuckDbHistoryRepository({ dir, maxAgeDays: 3650, diskBudgetBytes: 1 << 40 });
    await store.open();
    expect((await store.queryFlows(query({ limit: 1 }))).total).toBe(records.length);
    await store.insert([record(999_999, T0 + 3_600_000, { client: { ip: '10.1.0.0', port: 1 } })]);
    const after = await store.top({ fromMs: T0, toMs: T0 + DAY, by: 'hosts', metric: 'flows', limit: 100_000 });
    expect(after.data.find((e) => e.key === '10.1.0.0')?.flows).toBe(want.get('10.1.0.0')!.flows + 1);
    expect((await store.queryFlows(query({ host: '10.1.0.0', limit: 1000 }))).total).toBe(records.filter((r) => r.client.ip === '10.1.0.0').length + 1);
  });

  it('pages through ties of the sort value exactly as one query orders them (the page is read below the bound of its last row)', async () => {
    const records = Array.from({ length: 50 }, (_, i) => record(i, T0 + (i % 4) * 1000, { cli2srv: { packets: 1, bytes: 100 * (i % 3) }, srv2cli: { packets: 1, bytes: 0 } }));
    await store.insert(records);
    for (const sort of ['bytes', 'last_seen', 'first_seen', 'packets'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const all = (await store.queryFlows(query({ sort, order }))).data.map((f) => f.key);
        expect(all).toHaveLength(50);
        const paged: string[] = [];
        for (let offset = 0; offset < 56; offset += 7) {
          const page = await store.queryFlows(query({ sort, order, offset, limit: 7 }));
          expect(page.total).toBe(50);
          paged.push(...page.data.map((f) => f.key));
        }
        expect(paged).toEqual(all);
      }
    }
  });

  it('finds one host by its address (IPv4 as a number, IPv6 as text), as client or as server', async () => {
    const records = Array.from({ length: 200 }, (_, i) => record(i, T0 + i * 1000));
    records.push(record(500, T0 + 500_000, { client: { ip: '2001:db8::7', port: 1 }, server: { ip: '2001:db8::1', port: 443 }, ip_version: 6 }));
    await store.insert(records);
    const hosts = async (host: string) => (await store.queryFlows(query({ host }))).data.map((f) => f.key);
    expect(await hosts('10.0.0.5')).toEqual(['0:5:1']);
    expect(await hosts('192.0.2.3')).toEqual(records.filter((r) => r.server.ip === '192.0.2.3').map((r) => r.key));
    expect(await hosts('2001:db8::1')).toEqual(['0:500:1']);
    expect(await hosts('10.9.9.9')).toEqual([]);
  });

  it('closes a day: rows rewritten by hour and client address with a server index, every answer as before, also for records stored after the close', async () => {
    // 250 000 records over the day (three row groups): 5 000 clients, 7 servers, and three rarer servers:
    // 192.0.3.1 in three rows far apart, 10.1.0.3 (also a client) every 50 000 rows, 10.1.0.9 never.
    const n = 250_000;
    const records = Array.from({ length: n }, (_, i) =>
      record(i, T0 + Math.floor((i * DAY) / n), {
        client: { ip: `10.1.${Math.floor((i % 5000) / 256)}.${i % 5000 % 256}`, port: 1000 + (i % 50_000) },
        ...(i === 1000 || i === 120_000 || i === 249_000 ? { server: { ip: '192.0.3.1', port: 53 } } : i % 50_000 === 17 ? { server: { ip: '10.1.0.3', port: 22 } } : {}),
      }),
    );
    for (let at = 0; at < n; at += 60_000) await store.insert(records.slice(at, at + 60_000));
    const hourRange = { fromMs: T0 + 5 * 3_600_000, toMs: T0 + 5 * 3_600_000 + 1_200_000 };
    const queries: HistoryFlowQuery[] = [
      query({ host: '10.1.0.3', limit: 1000 }),
      query({ host: '10.1.0.3', sort: 'bytes', order: 'desc', limit: 7, offset: 3 }),
      query({ host: '192.0.3.1' }),
      query({ host: '192.0.2.4', sort: 'last_seen', order: 'desc', limit: 100 }),
      query({ host: '10.1.0.9' }),
      query({ host: '10.1.19.100', ...hourRange }),
      query({ ...hourRange, limit: 100 }),
      query({ network: { version: 4, lo: 0x0a010000n, hi: 0x0a0100ffn }, port: 22, limit: 100 }),
      query({ application: 'youtube', sort: 'packets', order: 'desc', limit: 50 }),
    ];
    const answers = async () => {
      const out: unknown[] = [];
      for (const q of queries) out.push(await store.queryFlows(q));
      out.push(await store.series({ fromMs: T0, toMs: T0 + DAY, stepS: 3600, by: 'application', limit: 8, host: '10.1.0.3' }));
      out.push(await store.top({ fromMs: T0, toMs: T0 + DAY, by: 'hosts', metric: 'bytes', limit: 20 }));
      out.push(await store.top({ fromMs: T0 + 1, toMs: T0 + DAY, by: 'pairs', metric: 'flows', limit: 20 }));
      return out;
    };
    const before = await answers();
    const asClientOrServer = (host: string, rs: FlowExportRecord[]) => rs.filter((r) => r.client.ip === host || r.server.ip === host).length;
    expect((before[0] as { total: number }).total).toBe(asClientOrServer('10.1.0.3', records));
    expect((before[2] as { total: number }).total).toBe(3);

    const closed = await store.closeDays(T0 + 2 * DAY);
    expect(closed.map((c) => [c.day, c.rows])).toEqual([['2026-11-01', n]]);
    expect(await store.closeDays(T0 + 3 * DAY)).toEqual([]);
    expect(await answers()).toEqual(before);

    // Records of the closed day stored after the close (late ones) are found too, also after a restart.
    const late = [record(n, T0 + DAY - 10, { client: { ip: '10.1.0.9', port: 1 }, server: { ip: '192.0.3.1', port: 53 } }), record(n + 1, T0 + 1000, { server: { ip: '10.1.0.3', port: 22 } })];
    await store.insert(late);
    const all = [...records, ...late];
    for (const host of ['10.1.0.3', '192.0.3.1', '10.1.0.9']) {
      const got = await store.queryFlows(query({ host, limit: 1000 }));
      expect(got.total).toBe(asClientOrServer(host, all));
      expect(got.data.map((f) => f.key).sort()).toEqual(all.filter((r) => r.client.ip === host || r.server.ip === host).map((r) => r.key).sort());
    }
    await store.close();
    expect(fs.readdirSync(dir).filter((f) => f.includes('closing'))).toEqual([]);
    const instance = await DuckDBInstance.create(path.join(dir, 'flows-2026-11-01.duckdb'));
    const conn = await instance.connect();
    try {
      const one = async (sql: string) => (await conn.runAndReadAll(sql)).getRows()[0].map(Number);
      expect(await one('SELECT sorted_rows FROM day_closed')).toEqual([n]);
      // In host order: within each hour, the client addresses never go down (rowid order).
      expect(await one(`SELECT count(*) FROM (SELECT rowid < ${n} AS s, last_seen_ms // 3600000 = lag(last_seen_ms // 3600000) OVER (ORDER BY rowid) AS same, cli_v4 < lag(cli_v4) OVER (ORDER BY rowid) AS down FROM flows_c) WHERE s AND same AND down`)).toEqual([0]);
      // The server index: each server's row groups, as the sorted rows have them (192.0.3.1: the rows of hours 0 and 11 share the first).
      const rg = (sql: string) => conn.runAndReadAll(sql).then((r) => r.getRows().map((x) => x.map(Number)));
      expect(await rg('SELECT srv_v4, rg FROM srv_rg ORDER BY ALL')).toEqual(await rg(`SELECT DISTINCT srv_v4, rowid // 122880 FROM flows_c WHERE rowid < ${n} ORDER BY ALL`));
      expect(await rg('SELECT rg FROM srv_rg WHERE srv_v4 = 3221226241')).toEqual([[0], [2]]);
      expect(await one('SELECT (SELECT count(*) FROM flows_c), (SELECT count(*) FROM flows_c_tail)')).toEqual([n, late.length]);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    store = new DuckDbHistoryRepository({ dir, maxAgeDays: 3650, diskBudgetBytes: 1 << 40 });
    await store.open();
    for (const host of ['10.1.0.3', '192.0.3.1']) expect((await store.queryFlows(query({ host, limit: 1000 }))).total).toBe(asClientOrServer(host, all));
    const top = await store.top({ fromMs: T0, toMs: T0 + DAY, by: 'hosts', metric: 'flows', limit: 100_000 });
    expect(top.data).toEqual((await store.top({ fromMs: T0, toMs: T0 + DAY - 1, by: 'hosts', metric: 'flows', limit: 100_000 })).data);
    expect(top.data.find((e) => e.key === '192.0.3.1')?.flows).toBe(4);
  });

  it('closes a day while records of that day are still stored: those keep their place after the sorted rows, counted once in the rollups', async () => {
    const n = 130_000;
    const rec = (i: number) => record(i, T0 + Math.floor((i * DAY) / (2 * n)), { client: { ip: `10.2.${Math.floor((i % 3000) / 256)}.${i % 3000 % 256}`, port: 1 + (i % 60_000) } });
    await store.insert(Array.from({ length: n }, (_, i) => rec(i)));
    // The close runs step by step; a whole row group (straight to flows_c) and a few rows (the tail) of the day arrive meanwhile.
    const closing = store.closeDays(T0 + 2 * DAY);
    const more = Array.from({ length: 122_885 }, (_, i) => rec(n + i));
    await Promise.all([closing, store.insert(more.slice(0, 122_880)), store.insert(more.slice(122_880))]);
    // The close's first step came before the two batches: it sorted the first n rows, the batches went in meanwhile.
    expect((await closing).map((c) => [c.day, c.rows])).toEqual([['2026-11-01', n]]);
    const all = Array.from({ length: n }, (_, i) => rec(i)).concat(more);
    expect((await store.queryFlows(query({ limit: 1 }))).total).toBe(all.length);
    for (const host of ['10.2.0.7', '192.0.2.3']) {
      expect((await store.queryFlows(query({ host, limit: 1 }))).total).toBe(all.filter((r) => r.client.ip === host || r.server.ip === host).length);
    }
    const rolled = await store.top({ fromMs: T0, toMs: T0 + DAY, by: 'hosts', metric: 'flows', limit: 100_000 });
    expect(rolled.source).toBe('rollup_1h');
    expect(rolled.data).toEqual((await store.top({ fromMs: T0, toMs: T0 + DAY - 1, by: 'hosts', metric: 'flows', limit: 100_000 })).data);
    expect(rolled.data.find((e) => e.key === '192.0.2.3')?.flows).toBe(all.filter((r) => r.server.ip === '192.0.2.3').length);
  });

  it('lists the probes writing into the store with their records, bytes and latest record of a range', async () => {
    const records = Array.from({ length: 30 }, (_, i) => record(i, T0 + i * 1000, { probe: i % 3 === 0 ? 'p2' : 'p1', end_reason: i % 5 === 0 ? 'active_timeout' : 'idle' }));
    await store.insert(records);
    const from = T0;
    const to = T0 + 20_000;
    const probes = await store.probes(from, to);
    const inRange = records.filter((r) => r.last_seen_ms < to);
    const want = ['p1', 'p2'].map((probe) => {
      const mine = inRange.filter((r) => r.probe === probe);
      const bytes = mine.reduce((n, r) => n + r.cli2srv.bytes + r.srv2cli.bytes, 0);
      return {
        probe,
        records: mine.length,
        flows: mine.filter((r) => r.end_reason !== 'active_timeout').length,
        bytes,
        packets: mine.reduce((n, r) => n + r.cli2srv.packets + r.srv2cli.packets, 0),
        last_record_ms: Math.max(...mine.map((r) => r.last_seen_ms)),
        records_per_s: mine.length / 20,
        bytes_per_s: bytes / 20,
      };
    });
    expect(probes).toEqual(want);
    expect(await store.probes(T0 + DAY, T0 + 2 * DAY)).toEqual([]);
  });

  it('stores the few-valued strings as codes of the day file\'s dictionary and a standard Community ID as five words; both read back exactly', async () => {
    const cid = (i: number) => `1:${createHash('sha1').update(String(i)).digest('base64')}`;
    const records = Array.from({ length: 40 }, (_, i) =>
      record(i, T0 + 5000 + i * 1000, {
        community_id: i % 10 === 9 ? '' : i % 10 === 8 ? `2:not-base64 ${i}` : cid(i),
        l7: ['TLS.YouTube', 'DNS', "O'Reilly", 'Unknown'][i % 4],
        category: i % 2 ? 'Web' : 'Network',
        interface: i % 5 ? 'eth0' : 'eth1',
        end_reason: i % 3 ? 'idle' : 'active_timeout',
      }),
    );
    await store.insert(records.slice(0, 25));
    await store.close();
    // A restart: the dictionary is read back from the day file and grows from there.
    store = new DuckDbHistoryRepository({ dir, maxAgeDays: 3650, diskBudgetBytes: 1 << 40 });
    await store.open();
    await store.insert(records.slice(25).map((r, i) => (i % 2 ? { ...r, breed: 'Fun' } : r)));
    const want = records.map((r, i) => {
      const { flow_totals: _t, ...rest } = i >= 25 && (i - 25) % 2 ? { ...r, breed: 'Fun' } : r;
      return rest;
    });
    expect((await store.queryFlows(query({}))).data).toEqual(want);
    for (const i of [0, 7, 8, 9]) {
      const got = (await store.queryFlows(query({ communityId: records[i].community_id }))).data.map((f) => f.key);
      expect(got).toEqual(records.filter((r) => r.community_id === records[i].community_id).map((r) => r.key));
    }
    expect((await store.queryFlows(query({ communityId: cid(1000) }))).total).toBe(0);
    expect((await store.queryFlows(query({ application: "o'reilly" }))).total).toBe(10);
    const apps = await store.top({ fromMs: T0, toMs: T0 + DAY, by: 'applications', metric: 'flows', limit: 10 });
    expect(apps.source).toBe('rollup_1h');
    expect(apps.data).toEqual((await store.top({ fromMs: T0 + 1, toMs: T0 + DAY, by: 'applications', metric: 'flows', limit: 10 })).data);
    expect(apps.data.find((e) => e.key === "O'Reilly")?.flows).toBe(records.filter((r) => r.l7 === "O'Reilly" && r.end_reason !== 'active_timeout').length);
    await store.close();
    const instance = await DuckDBInstance.create(path.join(dir, 'flows-2026-11-01.duckdb'));
    const conn = await instance.connect();
    try {
      const codes = (await conn.runAndReadAll('SELECT value FROM codes ORDER BY code')).getRows().map((r) => String(r[0]));
      expect(new Set(codes)).toEqual(new Set(['p1', 'eth0', 'eth1', 'idle', 'active_timeout', 'TCP', 'TLS.YouTube', 'DNS', "O'Reilly", 'Unknown', 'Web', 'Network', 'Safe', 'Fun']));
      expect(codes).toHaveLength(14);
      const words = (await conn.runAndReadAll('SELECT count(cid0), count(cid_text) FROM (SELECT * FROM flows_c UNION ALL SELECT * FROM flows_c_tail)')).getRows()[0].map(Number);
      expect(words).toEqual([32, 4]);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    store = new DuckDbHistoryRepository({ dir, maxAgeDays: 3650, diskBudgetBytes: 1 << 40 });
    await store.open();
  });

  it('reads the rows a version before the codes wrote (flows, flows_tail) beside the coded ones, and keeps that layout writable', async () => {
    const records = Array.from({ length: 20 }, (_, i) => record(i, T0 + 5000 + i * 1000));
    await store.insert(records.slice(0, 10));
    await store.close();
    // What the previous version does with this day file after a rollback: its statements on its own tables.
    const instance = await DuckDBInstance.create(path.join(dir, 'flows-2026-11-01.duckdb'));
    const conn = await instance.connect();
    const old = (r: FlowExportRecord) =>
      `('${r.probe}', '${r.interface}', '${r.key}', ${r.flow_start_ms}, ${r.first_seen_ms}, ${r.last_seen_ms}, '${r.end_reason}', 4, 0, '${r.l4}', 6, ` +
      `${r.client.ip.split('.').reduce((n, x) => n * 256 + Number(x), 0)}, NULL, NULL, ${r.client.port}, ${r.server.ip.split('.').reduce((n, x) => n * 256 + Number(x), 0)}, NULL, NULL, ${r.server.port}, ` +
      `${r.cli2srv.packets}, ${r.cli2srv.bytes}, ${r.srv2cli.packets}, ${r.srv2cli.bytes}, 0, 0, 27, 27, '${r.l7}', '${r.category}', '${r.breed}', '${r.server_name}', '${r.risks.join(',')}', 0, '${r.community_id}', '', '', -1, -1)`;
    try {
      await conn.run(`INSERT INTO flows VALUES ${records.slice(10, 15).map(old).join(', ')}`);
      await conn.run(`INSERT INTO flows_tail VALUES ${records.slice(15, 20).map(old).join(', ')}`);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    store = new DuckDbHistoryRepository({ dir, maxAgeDays: 3650, diskBudgetBytes: 1 << 40 });
    await store.open();
    const want = records.map(({ flow_totals: _t, ...rest }) => rest);
    expect((await store.queryFlows(query({}))).data).toEqual(want);
    expect((await store.queryFlows(query({ communityId: records[12].community_id }))).data.map((f) => f.key)).toEqual([records[12].key]);
    const rolled = await store.top({ fromMs: T0, toMs: T0 + DAY, by: 'hosts', metric: 'bytes', limit: 100 });
    expect(rolled.source).toBe('rollup_1h');
    expect(rolled.data).toEqual((await store.top({ fromMs: T0 + 1, toMs: T0 + DAY, by: 'hosts', metric: 'bytes', limit: 100 })).data);
    expect(rolled.data.reduce((n, e) => n + e.flows, 0)).toBe(2 * records.length);
  });

  it('keeps at most 4 095 few-valued strings a day: later new values are stored as "(too many values)", nothing is refused', async () => {
    const records = Array.from({ length: 4200 }, (_, i) => record(i, T0 + 5000 + i, { l7: `App${i}` }));
    await store.insert(records);
    const { total, data } = await store.queryFlows(query({ sort: 'last_seen', order: 'desc', limit: 3 }));
    expect(total).toBe(records.length);
    expect(data.map((f) => f.l7)).toEqual(['(too many values)', '(too many values)', '(too many values)']);
    expect((await store.queryFlows(query({ application: 'App100' }))).data.map((f) => f.key)).toEqual([records[100].key]);
    expect((await store.queryFlows(query({ application: '(too many values)', limit: 1 }))).total).toBe(4200 - (4095 - 6));
  });
});
