import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCapture, type AnalyzeResult } from '@flowprobe/dataplane';
import { FlowRecordDispatcher, SecondJob, type HistoryFlow, type HistorySeriesResponse, type HistoryTopResponse, type HistoryUsage } from '@flowprobe/controlplane';
import { validateBootConfig } from './boot-config';
import { startAppliance, type Appliance } from './appliance';

const CAPTURES = path.resolve(__dirname, '../../../shared/pcaps/ndpi');
const CAPTURE = path.join(CAPTURES, 'alexa-app.pcapng'); // 160 flows over 3 minutes of 2017
const PASSWORD = 'history-first-secret';

/** Logs in as admin (first-start password, then the forced change) and returns a GET with the session. */
async function session(base: string): Promise<(url: string, accept?: string) => Promise<{ status: number; text: string }>> {
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
  expect((await call('POST', '/api/v1/users/me/password', { current_password: PASSWORD, new_password: 'history-chosen-secret' })).status).toBe(204);
  return (url, accept) => call('GET', url, undefined, accept);
}

const flowId = (f: { l4: string; vlan: number; client: { ip: string; port: number }; server: { ip: string; port: number } }) =>
  `${f.l4}|${f.vlan}|${f.client.ip}|${f.client.port}|${f.server.ip}|${f.server.port}`;

/**
 * The embedded history (DuckDB day files) behind the running appliance:
 * after a shared capture is replayed, GET /api/v1/history/flows holds exactly
 * the flows and per-direction counters `flowprobe analyze` prints (interim
 * records summed), and /history/top and /history/series agree with a direct
 * aggregation of those same records.
 */
describe('flow history on DuckDB through the appliance API', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-history-'));
  let appliance: Appliance;
  let expected: AnalyzeResult;
  let get: Awaited<ReturnType<typeof session>>;
  let records: HistoryFlow[];
  let fromMs: number;
  let toMs: number;

  beforeAll(async () => {
    expected = await analyzeCapture({ kind: 'pcap', path: CAPTURE }, { workers: 2 });
    const config = validateBootConfig(
      {
        sources: [{ name: 'hist0', type: 'pcap', path: CAPTURE, speed: 'max' }],
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key_prefix: `test:history:${process.pid}:` },
        database: { path: path.join(dir, 'flowprobe.db') },
        probe: { id: 'probe-h1' },
        capture: { workers: 2, idle_timeout_s: 0, host_idle_timeout_s: 0, active_timeout_s: 1 },
        history: { backend: 'duckdb', max_age_days: 3650 },
      },
      'test',
      dir,
      { FLOWPROBE_ADMIN_PASSWORD: PASSWORD },
    );
    appliance = await startAppliance(config, { schedule: false }, false);
    await appliance.dataplanes[0].whenFinished();
    const second = appliance.controlPlane.app.get(SecondJob);
    for (let i = 0; i < 3; i++) await second.updateStats();
    await appliance.controlPlane.app.get(FlowRecordDispatcher).drain();
    get = await session(appliance.controlPlane.url);
    fromMs = Math.min(...expected.flows.map((f) => Math.floor(f.first_seen * 1000)));
    toMs = Math.max(...expected.flows.map((f) => Math.ceil(f.last_seen * 1000))) + 1;
  }, 120_000);

  afterAll(async () => {
    await appliance?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds exactly the flows and per-direction counters of analyze (interim records summed)', async () => {
    const res = await get(`/api/v1/history/flows?from=${fromMs}&to=${toMs}&format=ndjson&limit=1000000&sort=first_seen&order=asc`);
    expect([res.status, res.status === 200 ? '' : res.text]).toEqual([200, '']);
    records = res.text.trim().split('\n').map((line) => JSON.parse(line) as HistoryFlow);
    const sums = new Map<string, number[]>();
    for (const r of records) {
      expect(r.probe).toBe('probe-h1');
      const s = sums.get(flowId(r)) ?? [0, 0, 0, 0];
      sums.set(flowId(r), [s[0] + r.cli2srv.packets, s[1] + r.cli2srv.bytes, s[2] + r.srv2cli.packets, s[3] + r.srv2cli.bytes]);
    }
    const want = new Map(expected.flows.map((f) => [flowId(f), [f.cli2srv.packets, f.cli2srv.bytes, f.srv2cli.packets, f.srv2cli.bytes]]));
    expect(sums).toEqual(want);
    expect(records.some((r) => r.end_reason === 'active_timeout')).toBe(true);
    expect(records.filter((r) => r.end_reason === 'end_of_capture')).toHaveLength(expected.flows.length);
    // DPI names came along.
    const l7 = new Map(expected.flows.map((f) => [flowId(f), f.l7]));
    for (const r of records) expect(r.l7).toBe(l7.get(flowId(r)));
  });

  it('filters, pages and exports CSV; a bad query is a 400 with its reason', async () => {
    const host = records[0].client.ip;
    const page = JSON.parse((await get(`/api/v1/history/flows?from=${fromMs}&to=${toMs}&host=${host}&limit=2`)).text);
    expect(page.total).toBe(records.filter((r) => r.client.ip === host || r.server.ip === host).length);
    expect(page.data.length).toBeLessThanOrEqual(2);
    const cid = records[0].community_id;
    const byCid = JSON.parse((await get(`/api/v1/history/flows?from=${fromMs}&to=${toMs}&community_id=${encodeURIComponent(cid)}&limit=1000`)).text);
    expect(byCid.total).toBe(records.filter((r) => r.community_id === cid).length);
    const net = JSON.parse((await get(`/api/v1/history/flows?from=${fromMs}&to=${toMs}&network=${encodeURIComponent(`${host}/32`)}&limit=1`)).text);
    expect(net.total).toBe(page.total);
    const csv = await get(`/api/v1/history/flows?from=${fromMs}&to=${toMs}&limit=1000000`, 'text/csv');
    expect(csv.text.trim().split('\r\n')).toHaveLength(records.length + 1);
    expect((await get(`/api/v1/history/flows?to=${toMs}`)).status).toBe(400);
    expect((await get(`/api/v1/history/flows?from=${toMs}&to=${fromMs}`)).status).toBe(400);
    expect((await get(`/api/v1/history/flows?from=${fromMs}&to=${toMs}&network=10.0.0.0/33`)).status).toBe(400);
    expect((await get(`/api/v1/history/flows?from=${fromMs}&to=${toMs}&limit=5000`)).status).toBe(400);
  });

  it('top hosts / applications / ports / pairs / server names and the series agree with a direct aggregation of the records', async () => {
    // Whole hours around the capture: the top comes from the hourly rollup.
    const h0 = Math.floor(fromMs / 3_600_000) * 3_600_000;
    const h1 = Math.ceil(toMs / 3_600_000) * 3_600_000;
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
        [fromMs, toMs],
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

    const series = JSON.parse((await get(`/api/v1/history/series?from=${fromMs}&to=${toMs}&by=application&step=60&limit=50`)).text) as HistorySeriesResponse;
    const perBucket = new Map<string, number>();
    for (const r of records) {
      const b = Math.floor(r.last_seen_ms / 60_000) * 60_000;
      perBucket.set(`${r.l7}@${b}`, (perBucket.get(`${r.l7}@${b}`) ?? 0) + r.cli2srv.bytes + r.srv2cli.bytes);
    }
    const fromSeries = new Map<string, number>();
    for (const s of series.series) s.values.forEach((v, i) => v > 0 && fromSeries.set(`${s.key}@${series.buckets[i]}`, v));
    expect(fromSeries).toEqual(perBucket);
  });

  it('reports its disk use against the budget', async () => {
    const usage = JSON.parse((await get('/api/v1/history/usage')).text) as HistoryUsage;
    expect(usage.backend).toBe('duckdb');
    expect(usage.records_written).toBe(records.length);
    expect(usage.bytes_on_disk).toBeGreaterThan(0);
    expect(usage.budget_bytes).toBe(10240 * 1024 * 1024);
    expect(usage.days.length).toBeGreaterThan(0);
    // The dispatcher's per-consumer counters on /metrics: everything went to history, nothing dropped.
    const metrics = (await get('/metrics', 'text/plain')).text;
    expect(metrics).toContain(`flowprobe_flow_records_delivered_total{consumer="history"} ${records.length}`);
    expect(metrics).toContain('flowprobe_flow_records_dropped_total{consumer="history"} 0');
    // Bytes per application on /metrics: the same records, summed by the application part of l7.
    const perApp = new Map<string, number>();
    for (const r of records) {
      const app = r.l7 === '' ? 'Unknown' : r.l7.slice(r.l7.lastIndexOf('.') + 1);
      perApp.set(app, (perApp.get(app) ?? 0) + r.cli2srv.bytes + r.srv2cli.bytes);
    }
    const fromMetrics = new Map([...metrics.matchAll(/^flowprobe_application_bytes_total\{application="([^"]*)"\} (\S+)$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(fromMetrics).toEqual(perApp);
  });
});
