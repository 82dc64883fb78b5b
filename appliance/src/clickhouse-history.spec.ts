import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCapture, type AnalyzeResult, type FlowRecord } from '@flowprobe/dataplane';
import {
  ClickHouseHistoryRepository,
  FlowRecordDispatcher,
  HistoryService,
  SecondJob,
  type HistoryFlow,
  type HistorySeriesResponse,
  type HistoryProbesResponse,
  type HistoryTopResponse,
  type HistoryUsage,
} from '@flowprobe/controlplane';
import { validateBootConfig } from './boot-config';
import { startAppliance, type Appliance } from './appliance';
import { ClickHouseProcess } from './testing/clickhouse-process';

const CAPTURES = path.resolve(__dirname, '../../../shared/pcaps/ndpi');
const ALEXA = path.join(CAPTURES, 'alexa-app.pcapng'); // 160 flows over 3 minutes
const REDDIT = path.join(CAPTURES, 'reddit.pcap'); // 1942 packets over 14 s: replayed in real time for the outage
const PASSWORD = 'clickhouse-first-secret';

type Get = (url: string, accept?: string) => Promise<{ status: number; text: string }>;

/** Logs in as admin (first-start password, then the forced change) and returns a GET with the session. */
async function session(base: string): Promise<Get> {
  let cookie = '';
  const call = async (method: string, url: string, body?: unknown, accept = 'application/json') => {
    const res = await fetch(base + url, {
      method,
      headers: { accept, ...(body ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0];
    return { status: res.status, text: await res.text() };
  };
  expect((await call('POST', '/api/v1/auth/login', { username: 'admin', password: PASSWORD })).status).toBe(200);
  expect((await call('POST', '/api/v1/users/me/password', { current_password: PASSWORD, new_password: 'clickhouse-chosen-secret' })).status).toBe(204);
  return (url, accept) => call('GET', url, undefined, accept);
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const flowId = (f: { l4: string; vlan: number; client: { ip: string; port: number }; server: { ip: string; port: number } }) =>
  `${f.l4}|${f.vlan}|${f.client.ip}|${f.client.port}|${f.server.ip}|${f.server.port}`;

/** Per flow, the summed per-direction packets and bytes of its records. */
function sums(records: HistoryFlow[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const r of records) {
    const s = m.get(flowId(r)) ?? [0, 0, 0, 0];
    m.set(flowId(r), [s[0] + r.cli2srv.packets, s[1] + r.cli2srv.bytes, s[2] + r.srv2cli.packets, s[3] + r.srv2cli.bytes]);
  }
  return m;
}

const analyzed = (flows: FlowRecord[]) => new Map(flows.map((f) => [flowId(f), [f.cli2srv.packets, f.cli2srv.bytes, f.srv2cli.packets, f.srv2cli.bytes]]));

/** Time range covering every flow of an analysis. */
function rangeOf(...results: AnalyzeResult[]): { fromMs: number; toMs: number } {
  const flows = results.flatMap((r) => r.flows);
  return {
    fromMs: Math.min(...flows.map((f) => Math.floor(f.first_seen * 1000))),
    toMs: Math.max(...flows.map((f) => Math.ceil(f.last_seen * 1000))) + 1,
  };
}

/**
 * The ClickHouse history backend against real Debian clickhouse-server 18.16
 * processes this suite starts (own configs in a temp dir, ephemeral ports,
 * stopped by their process group): one server for a probe's own tables, then
 * both as the shards of a cluster with Distributed tables written by two
 * probes; and a server stopped in the middle of a real-time replay.
 */
describe('flow history on ClickHouse (real clickhouse-server)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-clickhouse-'));
  const appliances: Appliance[] = [];
  let a: ClickHouseProcess;
  let b: ClickHouseProcess;
  let alexa: AnalyzeResult;
  let reddit: AnalyzeResult;

  async function start(name: string, probe: string, capture: string, speed: 'max' | 'realtime', clickhouse: Record<string, unknown>): Promise<Appliance> {
    const home = path.join(dir, name);
    fs.mkdirSync(home);
    const config = validateBootConfig(
      {
        sources: [{ name: `${name}0`, type: 'pcap', path: capture, speed }],
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key_prefix: `test:clickhouse:${process.pid}:${name}:` },
        database: { path: path.join(home, 'flowprobe.db') },
        probe: { id: probe },
        capture: { workers: 1, idle_timeout_s: 0, host_idle_timeout_s: 0, active_timeout_s: 1 },
        history: { backend: 'clickhouse', max_age_days: 3650, clickhouse },
      },
      'test',
      home,
      { FLOWPROBE_ADMIN_PASSWORD: PASSWORD },
    );
    const appliance = await startAppliance(config, { schedule: false }, false);
    appliances.push(appliance);
    return appliance;
  }

  /** Runs the periodic passes until the capture is read and every record reached the store. */
  async function finish(appliance: Appliance): Promise<void> {
    await appliance.dataplanes[0].whenFinished();
    const second = appliance.controlPlane.app.get(SecondJob);
    for (let i = 0; i < 3; i++) await second.updateStats();
    await appliance.controlPlane.app.get(FlowRecordDispatcher).drain();
    const store = appliance.controlPlane.app.get(HistoryService).backend as ClickHouseHistoryRepository;
    expect(await store.flushBuffer(60_000)).toBe(true);
  }

  async function allRecords(get: Get, fromMs: number, toMs: number, extra = ''): Promise<HistoryFlow[]> {
    const res = await get(`/api/v1/history/flows?from=${fromMs}&to=${toMs}&format=ndjson&limit=1000000&sort=first_seen&order=asc${extra}`);
    expect([res.status, res.status === 200 ? '' : res.text]).toEqual([200, '']);
    const text = res.text.trim();
    return text ? text.split('\n').map((line) => JSON.parse(line) as HistoryFlow) : [];
  }

  beforeAll(async () => {
    [alexa, reddit] = await Promise.all([
      analyzeCapture({ kind: 'pcap', path: ALEXA }, { workers: 1 }),
      analyzeCapture({ kind: 'pcap', path: REDDIT }, { workers: 1 }),
    ]);
    a = await ClickHouseProcess.create(path.join(dir, 'ch-a'));
    b = await ClickHouseProcess.create(path.join(dir, 'ch-b'));
    const shards = [{ tcpPort: a.tcpPort }, { tcpPort: b.tcpPort }];
    await Promise.all([a.start(shards), b.start(shards)]);
  }, 120_000);

  afterAll(async () => {
    for (const app of appliances) await app.stop().catch(() => undefined);
    await Promise.all([a?.stop(), b?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  describe('one server', () => {
    let get: Get;
    let records: HistoryFlow[];
    let range: { fromMs: number; toMs: number };

    beforeAll(async () => {
      const appliance = await start('single', 'probe-c1', ALEXA, 'max', { urls: [a.url], database: 'fp_single' });
      await finish(appliance);
      get = await session(appliance.controlPlane.url);
      range = rangeOf(alexa);
    }, 120_000);

    it('holds exactly the flows and per-direction counters of analyze (interim records summed), every row with the probe id', async () => {
      records = await allRecords(get, range.fromMs, range.toMs);
      for (const r of records) expect(r.probe).toBe('probe-c1');
      expect(sums(records)).toEqual(analyzed(alexa.flows));
      expect(records.some((r) => r.end_reason === 'active_timeout')).toBe(true);
      expect(records.filter((r) => r.end_reason === 'end_of_capture')).toHaveLength(alexa.flows.length);
      const l7 = new Map(alexa.flows.map((f) => [flowId(f), f.l7]));
      for (const r of records) expect(r.l7).toBe(l7.get(flowId(r)));
      // The same numbers straight from the server's table.
      const direct = await a.query(`SELECT count(), sum(c2s_bytes), sum(s2c_bytes), uniqExact(probe) FROM fp_single.flows FORMAT TSV`);
      const bytes = alexa.flows.reduce((n, f) => [n[0] + f.cli2srv.bytes, n[1] + f.srv2cli.bytes], [0, 0]);
      expect(direct.trim()).toBe(`${records.length}\t${bytes[0]}\t${bytes[1]}\t1`);
    });

    it('filters (host, network, Community ID, application) and exports CSV; hostile filter text is data, not SQL', async () => {
      const host = records[0].client.ip;
      const page = JSON.parse((await get(`/api/v1/history/flows?from=${range.fromMs}&to=${range.toMs}&host=${host}&limit=2`)).text);
      expect(page.total).toBe(records.filter((r) => r.client.ip === host || r.server.ip === host).length);
      expect(page.data.length).toBeLessThanOrEqual(2);
      const net = JSON.parse((await get(`/api/v1/history/flows?from=${range.fromMs}&to=${range.toMs}&network=${encodeURIComponent(`${host}/32`)}&limit=1`)).text);
      expect(net.total).toBe(page.total);
      const cid = records[0].community_id;
      const byCid = JSON.parse((await get(`/api/v1/history/flows?from=${range.fromMs}&to=${range.toMs}&community_id=${encodeURIComponent(cid)}&limit=1000`)).text);
      expect(byCid.total).toBe(records.filter((r) => r.community_id === cid).length);
      const app = records.find((r) => r.l7.includes('.'))!.l7.split('.')[0];
      const byApp = JSON.parse((await get(`/api/v1/history/flows?from=${range.fromMs}&to=${range.toMs}&application=${app}&limit=1000`)).text);
      expect(byApp.total).toBe(records.filter((r) => r.l7.toLowerCase() === app.toLowerCase() || r.l7.toLowerCase().startsWith(`${app.toLowerCase()}.`) || r.l7.toLowerCase().endsWith(`.${app.toLowerCase()}`)).length);
      const csv = await get(`/api/v1/history/flows?from=${range.fromMs}&to=${range.toMs}&limit=1000000`, 'text/csv');
      expect(csv.text.trim().split('\r\n')).toHaveLength(records.length + 1);
      for (const evil of [`x' OR 1=1 --`, `\\' OR 1=1 --`, `a\\`, "'; DROP TABLE fp_single.flows; --"]) {
        // host, probe and Community ID are checked for their form first: 400 with the reason.
        for (const param of ['host', 'probe', 'community_id']) {
          expect([param, (await get(`/api/v1/history/flows?from=${range.fromMs}&to=${range.toMs}&${param}=${encodeURIComponent(evil)}`)).status]).toEqual([param, 400]);
        }
        // Free text reaches the store: it is matched as text, never run.
        for (const param of ['server_name', 'application']) {
          const res = await get(`/api/v1/history/flows?from=${range.fromMs}&to=${range.toMs}&${param}=${encodeURIComponent(evil)}`);
          expect([param, evil, res.status, JSON.parse(res.text).total]).toEqual([param, evil, 200, 0]);
        }
      }
      expect((await get(`/api/v1/history/flows?from=${range.fromMs}&to=${range.toMs}&network=10.0.0.0/33`)).status).toBe(400);
      expect((await a.query('SELECT count() FROM fp_single.flows')).trim()).toBe(String(records.length));
    });

    it('top (rollup and raw records) and series agree with a direct aggregation', async () => {
      const h0 = Math.floor(range.fromMs / 3_600_000) * 3_600_000;
      const h1 = Math.ceil(range.toMs / 3_600_000) * 3_600_000;
      const direct = (key: (r: HistoryFlow) => string[]) => {
        const m = new Map<string, number>();
        for (const r of records) for (const k of key(r)) m.set(k, (m.get(k) ?? 0) + r.cli2srv.bytes + r.srv2cli.bytes);
        return m;
      };
      const cases: [string, (r: HistoryFlow) => string[]][] = [
        ['hosts', (r) => (r.client.ip === r.server.ip ? [r.client.ip] : [r.client.ip, r.server.ip])],
        ['applications', (r) => [r.l7]],
        ['ports', (r) => [`${r.server.port}/${r.l4}`]],
        ['pairs', (r) => [`${r.client.ip}>${r.server.ip}`]],
        ['server_names', (r) => (r.server_name ? [r.server_name] : [])],
      ];
      for (const [by, key] of cases) {
        for (const [from, to] of [
          [h0, h1],
          [range.fromMs, range.toMs],
        ]) {
          const top = JSON.parse((await get(`/api/v1/history/top?from=${from}&to=${to}&by=${by}&limit=1000`)).text) as HistoryTopResponse;
          const got = new Map(top.data.map((e) => [by === 'pairs' ? `${e.key}>${e.peer}` : e.key, e.bytes]));
          expect([by, got]).toEqual([by, direct(key)]);
          if (by !== 'server_names') expect(top.source).toBe(from === h0 ? 'rollup_1h' : 'flows');
        }
      }
      const flowsTop = JSON.parse((await get(`/api/v1/history/top?from=${h0}&to=${h1}&by=applications&metric=flows&limit=1000`)).text) as HistoryTopResponse;
      const flowsByApp = new Map<string, number>();
      for (const r of records) if (r.end_reason !== 'active_timeout') flowsByApp.set(r.l7, (flowsByApp.get(r.l7) ?? 0) + 1);
      expect(new Map(flowsTop.data.map((e) => [e.key, e.flows]))).toEqual(flowsByApp);
      for (const step of [60, 300]) {
        const series = JSON.parse((await get(`/api/v1/history/series?from=${range.fromMs}&to=${range.toMs}&by=application&step=${step}&limit=50`)).text) as HistorySeriesResponse;
        const perBucket = new Map<string, number>();
        for (const r of records) {
          const bucket = Math.floor(r.last_seen_ms / (step * 1000)) * step * 1000;
          perBucket.set(`${r.l7}@${bucket}`, (perBucket.get(`${r.l7}@${bucket}`) ?? 0) + r.cli2srv.bytes + r.srv2cli.bytes);
        }
        const fromSeries = new Map<string, number>();
        for (const s of series.series) s.values.forEach((v, i) => v > 0 && fromSeries.set(`${s.key}@${series.buckets[i]}`, v));
        expect(fromSeries).toEqual(perBucket);
      }
      // One host's applications over time: the records it is client or server of.
      const host = records[0].server.ip;
      const hostSeries = JSON.parse((await get(`/api/v1/history/series?from=${range.fromMs}&to=${range.toMs}&by=application&step=60&limit=50&host=${host}`)).text) as HistorySeriesResponse;
      const hostBuckets = new Map<string, number>();
      for (const r of records.filter((x) => x.client.ip === host || x.server.ip === host)) {
        const key = `${r.l7}@${Math.floor(r.last_seen_ms / 60_000) * 60_000}`;
        hostBuckets.set(key, (hostBuckets.get(key) ?? 0) + r.cli2srv.bytes + r.srv2cli.bytes);
      }
      const fromHostSeries = new Map<string, number>();
      for (const s of hostSeries.series) s.values.forEach((v, i) => v > 0 && fromHostSeries.set(`${s.key}@${hostSeries.buckets[i]}`, v));
      expect(fromHostSeries.size).toBeGreaterThan(0);
      expect(fromHostSeries).toEqual(hostBuckets);
    });

    it('reports the servers, the day partitions and the buffer', async () => {
      const usage = JSON.parse((await get('/api/v1/history/usage')).text) as HistoryUsage;
      expect(usage.backend).toBe('clickhouse');
      expect(usage.records_written).toBe(records.length);
      expect(usage.clickhouse).toMatchObject({ records_delivered: records.length, buffered_records: 0, overflow_records: 0, cluster: null });
      expect(usage.clickhouse!.servers).toEqual([{ url: `${a.url}/`, version: '18.16.1', reachable: true }]);
      expect(usage.days.map((d) => d.day)).toEqual([...new Set(records.map((r) => new Date(r.last_seen_ms).toISOString().slice(0, 10)))].sort());
      expect(usage.bytes_on_disk).toBeGreaterThan(0);
    });
  });

  it('retention drops whole day partitions: past the maximum age, then the oldest while over the disk budget, and says so', async () => {
    const store = new ClickHouseHistoryRepository({
      urls: [a.url],
      database: 'fp_retention',
      bufferDir: path.join(dir, 'retention-buffer'),
      bufferMaxBytes: 1 << 20,
      maxAgeDays: 5,
      diskBudgetBytes: 2 ** 40,
    });
    await store.open();
    try {
      const sample = (await analyzeCapture({ kind: 'pcap', path: ALEXA }, { workers: 1, records: true, activeTimeoutS: 1 })).records!;
      const now = Date.parse('2026-11-20T12:00:00Z');
      const at = (days: number) => sample.map((r) => ({ ...r, last_seen_ms: now - days * 86_400_000, first_seen_ms: now - days * 86_400_000 - 1000 }));
      for (const days of [10, 2, 1, 0]) await store.insert(at(days));
      const count = async () => (await a.query('SELECT day, count() FROM fp_retention.flows GROUP BY day ORDER BY day FORMAT TSV')).trim();
      const n = sample.length;
      expect(await count()).toBe(`2026-11-10\t${n}\n2026-11-18\t${n}\n2026-11-19\t${n}\n2026-11-20\t${n}`);
      const byAge = await store.enforceRetention(now);
      expect(byAge.dropped.map((d) => [d.day, d.reason])).toEqual([['2026-11-10', 'max_age']]);
      // A budget that only the two newest days fit: the oldest goes first, the newest day never.
      const usage = await store.usage();
      const sizes = new Map(usage.days.map((d) => [d.day, d.bytes]));
      // (half a day of slack: background merges change part sizes a little)
      const budgeted = new ClickHouseHistoryRepository({
        urls: [a.url],
        database: 'fp_retention',
        bufferDir: path.join(dir, 'retention-buffer'),
        bufferMaxBytes: 1 << 20,
        maxAgeDays: 5,
        diskBudgetBytes: sizes.get('2026-11-19')! + sizes.get('2026-11-20')! + Math.floor(sizes.get('2026-11-18')! / 2),
      });
      await budgeted.open();
      const byBudget = await budgeted.enforceRetention(now).finally(() => budgeted.close());
      expect(byBudget.dropped.map((d) => [d.day, d.reason])).toEqual([['2026-11-18', 'disk_budget']]);
      expect(await count()).toBe(`2026-11-19\t${n}\n2026-11-20\t${n}`);
      // The rollups went with their days.
      expect((await a.query('SELECT groupUniqArray(day) FROM fp_retention.rollup_1h FORMAT TSV')).trim().split(/[\[\],']+/).filter(Boolean).sort()).toEqual(['2026-11-19', '2026-11-20']);
      expect((await store.usage()).last_retention!.dropped).toEqual([{ day: '2026-11-10', reason: 'max_age', bytes: expect.any(Number) }]);
    } finally {
      await store.close();
    }
  });

  describe('two probes into Distributed tables over two servers', () => {
    let getA: Get;
    let getB: Get;

    beforeAll(async () => {
      const cluster = { database: 'fp_fleet', cluster: 'fleet' };
      const [pa, pb] = await Promise.all([
        start('fleet-a', 'probe-fa', ALEXA, 'max', { ...cluster, urls: [a.url, b.url] }),
        start('fleet-b', 'probe-fb', REDDIT, 'max', { ...cluster, urls: [b.url, a.url] }),
      ]);
      await Promise.all([finish(pa), finish(pb)]);
      getA = await session(pa.controlPlane.url);
      getB = await session(pb.controlPlane.url);
    }, 120_000);

    it('a fleet query on either probe sees both probes, exactly, and both shards hold rows', async () => {
      // The two captures are years apart: one query per capture's range (a range spans at most 31 days).
      const ranges = [rangeOf(alexa), rangeOf(reddit)];
      const fleetOf = async (get: Get, extra = '') => (await Promise.all(ranges.map((r) => allRecords(get, r.fromMs, r.toMs, extra)))).flat();
      const want = new Map([...analyzed(alexa.flows)].map(([k, v]) => [`probe-fa|${k}`, v]));
      for (const [k, v] of analyzed(reddit.flows)) want.set(`probe-fb|${k}`, v);
      // Inserts into a Distributed table reach the other shard in the background.
      let fleet: HistoryFlow[] = [];
      await waitFor(async () => {
        fleet = await fleetOf(getA);
        const got = new Map<string, number[]>();
        for (const probe of ['probe-fa', 'probe-fb']) for (const [k, v] of sums(fleet.filter((r) => r.probe === probe))) got.set(`${probe}|${k}`, v);
        return JSON.stringify([...got].sort()) === JSON.stringify([...want].sort());
      }, 'the fleet query to see both probes');
      expect(new Set(fleet.map((r) => r.probe))).toEqual(new Set(['probe-fa', 'probe-fb']));
      // The other probe's API answers the same, and filters by probe.
      expect((await fleetOf(getB)).length).toBe(fleet.length);
      expect((await fleetOf(getB, '&probe=probe-fa')).length).toBe(fleet.filter((r) => r.probe === 'probe-fa').length);
      const onA = Number((await a.query('SELECT count() FROM fp_fleet.flows_local')).trim());
      const onB = Number((await b.query('SELECT count() FROM fp_fleet.flows_local')).trim());
      expect(onA).toBeGreaterThan(0);
      expect(onB).toBeGreaterThan(0);
      expect(onA + onB).toBe(fleet.length);
      // The fleet's top applications (hourly rollups of both shards) equal the records' sums.
      for (const r of ranges) {
        const h0 = Math.floor(r.fromMs / 3_600_000) * 3_600_000;
        const h1 = Math.ceil(r.toMs / 3_600_000) * 3_600_000;
        const top = JSON.parse((await getB(`/api/v1/history/top?from=${h0}&to=${h1}&by=applications&limit=1000`)).text) as HistoryTopResponse;
        expect(top.source).toBe('rollup_1h');
        const byApp = new Map<string, number>();
        for (const f of fleet) if (f.last_seen_ms >= h0 && f.last_seen_ms < h1) byApp.set(f.l7, (byApp.get(f.l7) ?? 0) + f.cli2srv.bytes + f.srv2cli.bytes);
        expect(new Map(top.data.map((e) => [e.key, e.bytes]))).toEqual(byApp);
      }
    });

    it('lists both probes writing into the shared store, with their records, bytes and latest record', async () => {
      for (const r of [rangeOf(alexa), rangeOf(reddit)]) {
        const inRange = (await allRecords(getA, r.fromMs, r.toMs)).filter((f) => f.last_seen_ms >= r.fromMs && f.last_seen_ms < r.toMs);
        const want = [...new Set(inRange.map((f) => f.probe))].sort().map((probe) => {
          const mine = inRange.filter((f) => f.probe === probe);
          const bytes = mine.reduce((n, f) => n + f.cli2srv.bytes + f.srv2cli.bytes, 0);
          return {
            probe,
            records: mine.length,
            flows: mine.filter((f) => f.end_reason !== 'active_timeout').length,
            bytes,
            packets: mine.reduce((n, f) => n + f.cli2srv.packets + f.srv2cli.packets, 0),
            last_record_ms: Math.max(...mine.map((f) => f.last_seen_ms)),
            records_per_s: mine.length / ((r.toMs - r.fromMs) / 1000),
            bytes_per_s: bytes / ((r.toMs - r.fromMs) / 1000),
          };
        });
        expect(want.length).toBeGreaterThan(0);
        for (const get of [getA, getB]) {
          const res = JSON.parse((await get(`/api/v1/history/probes?from=${r.fromMs}&to=${r.toMs}`)).text) as HistoryProbesResponse;
          expect([...res.data].sort((x, y) => x.probe.localeCompare(y.probe))).toEqual(want);
        }
      }
      // Each capture's range holds one probe; together, the fleet's two.
      const both = await Promise.all([rangeOf(alexa), rangeOf(reddit)].map(async (r) => JSON.parse((await getA(`/api/v1/history/probes?from=${r.fromMs}&to=${r.toMs}`)).text) as HistoryProbesResponse));
      expect(new Set(both.flatMap((b) => b.data.map((p) => p.probe)))).toEqual(new Set(['probe-fa', 'probe-fb']));
    });
  });

  describe('the server stopped in the middle of a run', () => {
    it('loses no record: buffered on disk while it is down (health says so), delivered on restart', async () => {
      const appliance = await start('outage', 'probe-out', REDDIT, 'realtime', { urls: [a.url], database: 'fp_outage' });
      const second = appliance.controlPlane.app.get(SecondJob);
      const store = appliance.controlPlane.app.get(HistoryService).backend as ClickHouseHistoryRepository;
      const dispatcher = appliance.controlPlane.app.get(FlowRecordDispatcher);
      const get = await session(appliance.controlPlane.url);
      let finished = false;
      void appliance.dataplanes[0].whenFinished().then(() => (finished = true));
      const pass = async () => {
        await second.updateStats();
        await dispatcher.drain();
      };
      // Records of the first seconds reach the server...
      await waitFor(async () => (await pass(), store.stats().delivered > 0), 'a first delivery', 20_000);
      expect(finished).toBe(false);
      await a.stop();
      // ...then the server is gone while the capture runs on: records wait on disk.
      await waitFor(async () => (await pass(), store.stats().buffered_records > 0), 'records buffered on disk', 20_000);
      const health = JSON.parse((await get('/healthz')).text);
      expect(health.status).toBe('degraded');
      expect(health.problems.map((p: { component: string }) => p.component)).toContain('history clickhouse');
      const usage = JSON.parse((await get('/api/v1/history/usage')).text) as HistoryUsage;
      expect(usage.clickhouse!.buffered_records).toBeGreaterThan(0);
      expect(usage.clickhouse!.buffered_bytes).toBeGreaterThan(0);
      expect(fs.readdirSync(path.join(dir, 'outage', 'history', 'clickhouse-buffer')).length).toBeGreaterThan(0);
      for (let i = 0; i < 2 && !finished; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        await pass();
      }
      await a.start([{ tcpPort: a.tcpPort }, { tcpPort: b.tcpPort }]);
      while (!finished) {
        await new Promise((r) => setTimeout(r, 1000));
        await pass();
      }
      await finish(appliance);
      const records = await allRecords(get, ...Object.values(rangeOf(reddit)) as [number, number]);
      expect(sums(records)).toEqual(analyzed(reddit.flows));
      expect(records.filter((r) => r.end_reason === 'end_of_capture')).toHaveLength(reddit.flows.length);
      expect(store.stats()).toMatchObject({ buffered_records: 0, overflow_records: 0, delivered: records.length });
      expect(fs.readdirSync(path.join(dir, 'outage', 'history', 'clickhouse-buffer'))).toEqual([]);
      const healthAfter = JSON.parse((await get('/healthz')).text);
      expect(healthAfter.problems.map((p: { component: string }) => p.component)).not.toContain('history clickhouse');
    }, 120_000);

    it('skips a buffered batch the server refuses as data (counted, reported) and delivers the rest', async () => {
      const bufferDir = path.join(dir, 'rejected-buffer');
      fs.mkdirSync(bufferDir);
      // A damaged buffer file left from an earlier run: delivered first, refused by the server.
      fs.writeFileSync(path.join(bufferDir, '000000000001-2.ndjson'), '{"day":"not a day","probe":1}\n{garbage\n');
      const problems: string[] = [];
      const store = new ClickHouseHistoryRepository({
        urls: [a.url],
        database: 'fp_rejected',
        bufferDir,
        bufferMaxBytes: 1 << 20,
        maxAgeDays: 3650,
        diskBudgetBytes: 2 ** 40,
        onProblem: (p) => problems.push(p.kind),
      });
      await store.open();
      try {
        const sample = (await analyzeCapture({ kind: 'pcap', path: ALEXA }, { workers: 1, records: true, activeTimeoutS: 1 })).records!.slice(0, 10);
        await store.insert(sample);
        expect(await store.flushBuffer(30_000)).toBe(true);
        expect(store.stats()).toMatchObject({ rejected_records: 2, buffered_records: 0, delivered: 10 });
        expect(problems).toContain('rejected');
        expect((await a.query('SELECT count() FROM fp_rejected.flows')).trim()).toBe('10');
        expect(fs.readdirSync(bufferDir)).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('counts and reports what does not fit the bounded buffer, delivers the rest on reconnect', async () => {
      // A server whose ports are taken but which is not started yet.
      const c = await ClickHouseProcess.create(path.join(dir, 'ch-c'));
      const problems: string[] = [];
      const store = new ClickHouseHistoryRepository({
        urls: [c.url],
        database: 'fp_overflow',
        bufferDir: path.join(dir, 'overflow-buffer'),
        bufferMaxBytes: 64 * 1024,
        maxAgeDays: 3650,
        diskBudgetBytes: 2 ** 30,
        onProblem: (p) => problems.push(p.kind),
      });
      await store.open();
      try {
        const sample = (await analyzeCapture({ kind: 'pcap', path: ALEXA }, { workers: 1, records: true, activeTimeoutS: 1 })).records!;
        const batch = sample.slice(0, 20).map((r) => ({ ...r, probe: 'probe-ov' }));
        for (let i = 0; i < 20; i++) await store.insert(batch.map((r) => ({ ...r, key: `${r.key}#${i}` })));
        const s = store.stats();
        expect(s.buffered_bytes).toBeLessThanOrEqual(64 * 1024);
        expect(s.buffered_records).toBeGreaterThan(0);
        expect(s.overflow_records).toBeGreaterThan(0);
        expect(s.buffered_records + s.overflow_records).toBe(20 * 20);
        expect(problems).toContain('overflow');
        expect(problems).toContain('unreachable');
        const buffered = s.buffered_records;
        await c.start();
        try {
          expect(await store.flushBuffer(30_000)).toBe(true);
          expect((await c.query('SELECT count() FROM fp_overflow.flows')).trim()).toBe(String(buffered));
          expect(store.stats()).toMatchObject({ buffered_records: 0, delivered: buffered, overflow_records: 20 * 20 - buffered });
          expect(problems[problems.length - 1]).toBe('recovered');
        } finally {
          await c.stop();
        }
      } finally {
        await store.close();
      }
    });
  });
});
