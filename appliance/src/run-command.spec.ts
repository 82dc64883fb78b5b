import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCapture, type AnalyzeResult } from '@flowprobe/dataplane';
import {
  DailyJob,
  FiveMinuteJob,
  HourlyJob,
  LiveService,
  MinuteJob,
  REDIS_KEYS,
  RedisService,
  type AlertEvent,
  type FlowListResponse,
  type HostListResponse,
  type InterfaceInfo,
  type LiveMessage,
  type TimeseriesResponse,
} from '@flowprobe/controlplane';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { validateBootConfig } from './boot-config';
import { startAppliance, type Appliance } from './appliance';
import { freePort, RedisProcess } from './testing/redis-process';

/** The shared nDPI captures (see ../shared/pcaps/README.md), beside the repository. */
const PCAPS = path.resolve(__dirname, '../../../shared/pcaps/ndpi');
const CAPTURE = path.join(PCAPS, '1kxun.pcap');
const ADMIN_PASSWORD = 'first-start-secret';
const NEW_PASSWORD = 'admin-chosen-secret';

/** A minimal HTTP client keeping one session cookie. */
class Client {
  cookie = '';

  constructor(private readonly base: string) {}

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(this.base + url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Non-JSON bodies (metrics) stay text.
    }
    return { status: res.status, body: parsed };
  }

  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown) => this.request('POST', url, body);
}

function config(dir: string, redisUrl: string, keyPrefix: string, extra: Record<string, unknown> = {}) {
  return validateBootConfig(
    {
      sources: [{ name: 'test0', type: 'pcap', path: CAPTURE, speed: 'max' }],
      http: { port: 0, host: '127.0.0.1' },
      redis: { url: redisUrl, key_prefix: keyPrefix },
      database: { path: path.join(dir, 'flowprobe.db') },
      local_networks: ['192.168.0.0/16'],
      // Never expire in packet time: the file spans years, the API must show what `analyze` counts.
      capture: { workers: 2, idle_timeout_s: 0, host_idle_timeout_s: 0 },
      auth: { login_attempts_per_minute: 8 },
      ...extra,
    },
    'test',
    dir,
    { FLOWPROBE_ADMIN_PASSWORD: ADMIN_PASSWORD },
  );
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('flowprobe run on a shared capture (real dataplane, Redis, SQLite)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-run-'));
  const prefix = `test:run:${process.pid}:`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let appliance: Appliance;
  let expected: AnalyzeResult;
  let admin: Client;
  let redis: Redis;

  beforeAll(async () => {
    expected = await analyzeCapture({ kind: 'pcap', path: CAPTURE }, { workers: 2 });
    appliance = await startAppliance(config(dir, redisUrl, prefix), { schedule: false }, false);
    await appliance.dataplanes[0].whenFinished();
    admin = new Client(appliance.controlPlane.url);
    redis = new Redis(redisUrl, { keyPrefix: prefix });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(prefix.length)));
    redis.disconnect();
    await appliance?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 without credentials, and /healthz without them', async () => {
    const anonymous = new Client(appliance.controlPlane.url);
    expect((await anonymous.get('/api/v1/hosts')).status).toBe(401);
    expect((await anonymous.get('/api/v1/interfaces')).status).toBe(401);
    expect((await anonymous.get('/metrics')).status).toBe(401);
    const health = await anonymous.get('/healthz');
    expect(health.body).toMatchObject({ redis: 'up', database: 'up' });
  });

  it('logs in with the first-start password, forces its change, then serves the API', async () => {
    const login = await admin.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username: 'admin', role: 'admin', must_change_password: true });
    expect(admin.cookie).toMatch(/^flowprobe_session=/);
    expect((await admin.get('/api/v1/hosts')).status).toBe(403);
    const change = await admin.post('/api/v1/users/me/password', { current_password: ADMIN_PASSWORD, new_password: NEW_PASSWORD });
    expect(change.status).toBe(204);
    expect((await admin.get('/api/v1/hosts')).status).toBe(200);
  });

  it('serves the same host, flow and packet counts as `flowprobe analyze`', async () => {
    const [iface] = (await admin.get('/api/v1/interfaces')).body as InterfaceInfo[];
    expect(iface).toMatchObject({ id: 0, name: 'test0', packets: expected.stats.packets, bytes: expected.stats.bytes });
    expect(iface.num_flows).toBe(expected.flows.length);
    expect(iface.num_hosts).toBe(expected.hosts);
    expect(iface.queues).toHaveLength(2);

    const flows = (await admin.get('/api/v1/flows?sort=bytes&order=desc&limit=5')).body as FlowListResponse;
    expect(flows.total).toBe(expected.flows.length);
    const biggest = Math.max(...expected.flows.map((f) => f.cli2srv.bytes + f.srv2cli.bytes));
    expect(flows.data[0].bytes).toBe(biggest);
    expect(flows.data[0]).toHaveProperty('protocol.l7');

    const hosts = (await admin.get('/api/v1/hosts?sort=bytes&order=desc&limit=1000')).body as HostListResponse;
    expect(hosts.total).toBe(expected.hosts);
    expect(hosts.data).toHaveLength(Math.min(1000, expected.hosts));
    const top = hosts.data[0];
    const detail = (await admin.get(`/api/v1/hosts/${top.ip}`)).body;
    expect(detail.bytes.total).toBe(top.bytes.total);
    expect(detail.applications.length).toBeGreaterThan(0);
  });

  it('rejects bad queries with 400 and the reason', async () => {
    const bad = await admin.get('/api/v1/flows?limit=0&sort=nope&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(expect.arrayContaining(['property colour should not exist', 'limit must not be less than 1']));
    expect((await admin.get('/api/v1/hosts/not-an-ip')).status).toBe(400);
    const l4 = await admin.get('/api/v1/flows?l4=XTP');
    expect(l4.status).toBe(400);
    expect(l4.body.message).toMatch(/XTP/);
    expect((await admin.get('/api/v1/flows?l4=udp&port=53')).status).toBe(200);
  });

  it('publishes the same numbers to Redis', async () => {
    await appliance.controlPlane.app.get(LiveService).publish();
    const iface = await redis.hgetall(REDIS_KEYS.iface(0));
    expect(Number(iface.packets)).toBe(expected.stats.packets);
    expect(Number(iface.bytes)).toBe(expected.stats.bytes);
    expect(Number(iface.num_flows)).toBe(expected.flows.length);
    expect(Number(iface.num_hosts)).toBe(expected.hosts);
    expect(await redis.zcard(REDIS_KEYS.hostsBandwidth)).toBe(expected.hosts);
    const [topHost, topBytes] = await redis.zrevrange(REDIS_KEYS.hostsBandwidth, 0, 0, 'WITHSCORES');
    const rest = (await admin.get('/api/v1/hosts?sort=bytes&order=desc&limit=1')).body as HostListResponse;
    expect(topHost).toBe(rest.data[0].ip);
    expect(Number(topBytes)).toBe(rest.data[0].bytes.total);
    expect(Number(await redis.hget(REDIS_KEYS.host(topHost), 'bytes_total'))).toBe(rest.data[0].bytes.total);
  });

  it('writes timeseries rows when the minute and 5-minute jobs run', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    await appliance.controlPlane.app.get(MinuteJob).writeInterfaceTimeseries(nowS);
    await appliance.controlPlane.app.get(FiveMinuteJob).writeHostTimeseries(nowS);
    const ts = (await admin.get(`/api/v1/timeseries?metric=interface:traffic&entity=0&from=${nowS - 600}&to=${nowS}`)).body as TimeseriesResponse;
    expect(ts.step).toBe(60);
    expect(ts.points).toHaveLength(1);
    expect(ts.points[0]).toMatchObject({ bytes: expected.stats.bytes, packets: expected.stats.packets, num_flows: expected.flows.length });
    const top = ((await admin.get('/api/v1/hosts?limit=1')).body as HostListResponse).data[0];
    const hostTs = (await admin.get(`/api/v1/timeseries?metric=host:traffic&entity=${top.ip}&from=${nowS - 900}&to=${nowS}`)).body as TimeseriesResponse;
    expect(hostTs.points).toHaveLength(1);
    expect(hostTs.points[0].bytes_sent + hostTs.points[0].bytes_rcvd).toBe(top.bytes.total);

    // Hourly and daily rollups (and retention) on the same rows.
    await appliance.controlPlane.app.get(HourlyJob).rollupAndRetain(nowS);
    await appliance.controlPlane.app.get(DailyJob).rollupDay(nowS);
    const week = (await admin.get(`/api/v1/timeseries?metric=interface:traffic&entity=0&from=${nowS - 3 * 86400}&to=${nowS}`)).body as TimeseriesResponse;
    expect(week.step).toBe(3600);
    expect(week.points.reduce((sum, p) => sum + p.bytes, 0)).toBe(expected.stats.bytes);
    const year = (await admin.get(`/api/v1/timeseries?metric=interface:traffic&entity=0&from=${nowS - 300 * 86400}&to=${nowS}`)).body as TimeseriesResponse;
    expect(year.step).toBe(86400);
    expect(year.points.reduce((sum, p) => sum + p.bytes, 0)).toBe(expected.stats.bytes);
  });

  it('keeps settings in SQLite and validates them', async () => {
    const put = await admin.request('PUT', '/api/v1/settings', { live_interval_ms: 500, local_networks: ['10.0.0.0/8'] });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ live_interval_ms: 500, local_networks: ['10.0.0.0/8'] });
    expect((await admin.get('/api/v1/settings')).body.live_interval_ms).toBe(500);
    const bad = await admin.request('PUT', '/api/v1/settings', { live_interval_ms: 100, local_networks: ['10.0.0.0/33'] });
    expect(bad.status).toBe(400);
    expect(bad.body.message.join(' ')).toMatch(/live_interval_ms.*250|CIDR/);
  });

  it('answers 403 to a viewer on admin routes, and accepts API tokens', async () => {
    const created = await admin.post('/api/v1/users', { username: 'viewer1', password: 'viewer-initial', role: 'viewer' });
    expect(created.status).toBe(201);
    const viewer = new Client(appliance.controlPlane.url);
    expect((await viewer.post('/api/v1/auth/login', { username: 'viewer1', password: 'viewer-initial' })).status).toBe(200);
    expect((await viewer.post('/api/v1/users/me/password', { current_password: 'viewer-initial', new_password: 'viewer-chosen' })).status).toBe(204);
    expect((await viewer.get('/api/v1/hosts')).status).toBe(200);
    expect((await viewer.get('/api/v1/users')).status).toBe(403);
    expect((await viewer.request('PUT', '/api/v1/settings', { live_interval_ms: 1000 })).status).toBe(403);

    const token = await viewer.post('/api/v1/users/me/tokens', { name: 'script' });
    expect(token.status).toBe(201);
    const bearer = new Client(appliance.controlPlane.url);
    const withToken = await bearer.get('/api/v1/interfaces', { authorization: `Bearer ${token.body.token}` });
    expect(withToken.status).toBe(200);
    expect((await bearer.get('/api/v1/users', { authorization: `Bearer ${token.body.token}` })).status).toBe(403);
    const metrics = await bearer.get('/metrics', { authorization: `Bearer ${token.body.token}` });
    expect(metrics.body).toContain(`flowprobe_interface_packets_total{interface="test0"} ${expected.stats.packets}`);
    expect((await bearer.get('/api/v1/hosts', { authorization: 'Bearer fp_wrong' })).status).toBe(401);

    expect((await viewer.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await viewer.get('/api/v1/hosts')).status).toBe(401);

    // Users CRUD by the admin: the last admin and oneself are protected; deleting a user revokes their tokens.
    const users = (await admin.get('/api/v1/users')).body as { id: number; username: string }[];
    const adminId = users.find((u) => u.username === 'admin')!.id;
    expect((await admin.request('PATCH', `/api/v1/users/${adminId}`, { role: 'viewer' })).status).toBe(400);
    expect((await admin.request('DELETE', `/api/v1/users/${adminId}`)).status).toBe(400);
    expect((await admin.request('PATCH', `/api/v1/users/${created.body.id}`, { role: 'admin' })).body.role).toBe('admin');
    expect((await admin.request('DELETE', `/api/v1/users/${created.body.id}`)).status).toBe(204);
    expect((await admin.request('DELETE', `/api/v1/users/${created.body.id}`)).status).toBe(404);
    expect((await bearer.get('/api/v1/interfaces', { authorization: `Bearer ${token.body.token}` })).status).toBe(401);
  });

  it('streams interface throughput and alerts to authenticated WebSocket clients only', async () => {
    const wsUrl = appliance.controlPlane.url.replace('http', 'ws') + '/api/v1/live';
    const anonymous = new WebSocket(wsUrl);
    const closeCode = await new Promise<number>((resolve) => anonymous.on('close', (code) => resolve(code)));
    expect(closeCode).toBe(4401);

    const socket = new WebSocket(wsUrl, { headers: { cookie: admin.cookie } });
    const messages: LiveMessage[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as LiveMessage));
    await waitFor(() => messages.some((m) => m.type === 'hello'), 'hello');
    const live = appliance.controlPlane.app.get(LiveService);
    await live.publish();
    await waitFor(() => messages.some((m) => m.type === 'interfaces'), 'interfaces message');
    // A socket opened later gets the kept throughput right after its hello: a live chart opens filled.
    const late = new WebSocket(wsUrl, { headers: { cookie: admin.cookie } });
    const lateMessages: LiveMessage[] = [];
    late.on('message', (data) => lateMessages.push(JSON.parse(String(data)) as LiveMessage));
    await waitFor(() => lateMessages.length >= 2, 'hello and backlog');
    late.close();
    expect(lateMessages.map((m) => m.type).slice(0, 2)).toEqual(['hello', 'backlog']);
    const published = messages.filter((m) => m.type === 'interfaces').at(-1)!;
    const backlog = lateMessages[1];
    if (backlog.type !== 'backlog' || published.type !== 'interfaces') throw new Error('unexpected message types');
    expect(backlog.series.map((s) => s.id)).toEqual(published.data.map((d) => d.id));
    const kept = backlog.series[0];
    expect(kept.ts.at(-1)).toBe(published.ts);
    expect([kept.bps.at(-1), kept.download_bps.at(-1), kept.upload_bps.at(-1), kept.pps.at(-1)]).toEqual([
      published.data[0].thpt.bps, published.data[0].thpt.download_bps, published.data[0].thpt.upload_bps, published.data[0].thpt.pps,
    ]);
    expect(new Set([kept.ts.length, kept.bps.length, kept.download_bps.length, kept.upload_bps.length, kept.pps.length]).size).toBe(1);
    // The same kept series over HTTP (a page asks for it with its first requests): signed in only.
    const overHttp = (await admin.get('/api/v1/live/backlog')).body as LiveMessage;
    if (overHttp.type !== 'backlog') throw new Error(`GET /live/backlog answered ${JSON.stringify(overHttp).slice(0, 200)}`);
    expect(overHttp.series.map((s) => s.id)).toEqual(backlog.series.map((s) => s.id));
    const httpKept = overHttp.series[0];
    const at = httpKept.ts.indexOf(published.ts);
    expect(at).toBeGreaterThanOrEqual(0);
    expect([httpKept.bps[at], httpKept.download_bps[at], httpKept.upload_bps[at], httpKept.pps[at]]).toEqual([
      published.data[0].thpt.bps, published.data[0].thpt.download_bps, published.data[0].thpt.upload_bps, published.data[0].thpt.pps,
    ]);
    expect((await new Client(appliance.controlPlane.url).get('/api/v1/live/backlog')).status).toBe(401);
    const alert: AlertEvent = { id: 'a1', check: 'test', severity: 'notice', score: 10, entity: 'host', entity_value: '192.168.1.1', tstamp: Date.now() / 1000, message: 'test alert' };
    await live.publishAlert(alert);
    await waitFor(() => messages.some((m) => m.type === 'alert' && m.data.id === 'a1'), 'alert message');
    const sample = messages.find((m) => m.type === 'interfaces');
    expect(sample).toMatchObject({ data: [{ id: 0, packets: expected.stats.packets }] });
    expect(JSON.parse((await redis.lindex(REDIS_KEYS.recentAlerts, 0)) ?? '{}')).toMatchObject({ id: 'a1' });
    socket.close();

    // Scripts authenticate with an API token in the query string.
    const token = (await admin.post('/api/v1/users/me/tokens', { name: 'ws' })).body.token as string;
    const scripted = new WebSocket(`${wsUrl}?token=${token}`);
    const hello = await new Promise<LiveMessage>((resolve) => scripted.once('message', (data) => resolve(JSON.parse(String(data)) as LiveMessage)));
    expect(hello).toMatchObject({ type: 'hello', user: 'admin' });
    scripted.close();
  });

  it('serves the OpenAPI document and rate-limits logins', async () => {
    expect((await new Client(appliance.controlPlane.url).get('/api/docs/openapi.json')).status).toBe(401);
    const doc = await admin.get('/api/docs/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/hosts', '/api/v1/flows', '/api/v1/auth/login', '/healthz']));
    const attacker = new Client(appliance.controlPlane.url);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await attacker.post('/api/v1/auth/login', { username: 'admin', password: `guess${i}` })).status);
    expect(statuses).toContain(401);
    expect(statuses[statuses.length - 1]).toBe(429);
  });
});

describe('Redis stopped and restarted while the appliance runs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-redis-'));
  let server: RedisProcess;
  let appliance: Appliance;

  beforeAll(async () => {
    server = new RedisProcess(await freePort(), dir);
    await server.start();
    // A short capture replayed in a loop at real-time pace: traffic keeps coming during the outage.
    const live = config(dir, server.url, '', {
      sources: [{ name: 'test0', type: 'pcap', path: path.join(PCAPS, 'facebook.pcap'), loop: true, speed: 'realtime', shift_to_now: true }],
    });
    // Jobs scheduled as in production: the second job and the live publication every 250 ms.
    appliance = await startAppliance(live, { liveIntervalMs: 250 }, false);
  });

  afterAll(async () => {
    await appliance?.stop();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps capture and API going, says degraded, and republishes everything on reconnect', async () => {
    const app = appliance.controlPlane.app;
    const redisService = app.get(RedisService);
    const live = app.get(LiveService);
    const dataplane = appliance.dataplanes[0];
    const probe = new Redis(server.url);
    try {
      await waitFor(async () => Number(await probe.hget(REDIS_KEYS.iface(0), 'packets')) > 0, 'first publication');
    } finally {
      probe.disconnect();
    }

    await server.stop();
    await waitFor(() => !redisService.up, 'disconnect');
    const packetsAtOutage = (await dataplane.stats()).packets;
    const health = await fetch(`${appliance.controlPlane.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'degraded', capture: 'running', redis: 'down', database: 'up' });
    const duringOutage: AlertEvent = { id: 'outage-1', check: 'test', severity: 'warning', score: 50, entity: 'interface', entity_value: '0', tstamp: Date.now() / 1000, message: 'raised while Redis was down' };
    await live.publishAlert(duringOutage);
    const admin = new Client(appliance.controlPlane.url);
    expect((await admin.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
    // Capture goes on without Redis.
    await waitFor(async () => (await dataplane.stats()).packets > packetsAtOutage, 'packets during the outage', 10000);
    const packetsBeforeRestart = (await dataplane.stats()).packets;

    await server.start();
    await waitFor(() => redisService.up, 'reconnect');
    const after = new Redis(server.url);
    try {
      await waitFor(async () => (await after.exists(REDIS_KEYS.iface(0), REDIS_KEYS.hostsBandwidth, REDIS_KEYS.recentAlerts)) === 3, 'republished keys');
      const ifaceAfter = await after.hgetall(REDIS_KEYS.iface(0));
      expect(Number(ifaceAfter.packets)).toBeGreaterThanOrEqual(packetsBeforeRestart);
      // The capture goes on: a host first seen after the republication is published a period later.
      const hostsPublished = async () => [Number(await after.hget(REDIS_KEYS.iface(0), 'num_hosts')), await after.zcard(REDIS_KEYS.hostsBandwidth)];
      // (fails with "timed out waiting for republished hosts" if they never match)
      await waitFor(async () => {
        const num = (await dataplane.stats()).num_hosts;
        return (await hostsPublished()).every((n) => n === num);
      }, 'republished hosts');
      // The alert raised during the outage was republished (real alerts raised since may sit in front of it).
      const recent = (await after.lrange(REDIS_KEYS.recentAlerts, 0, -1)).map((a) => (JSON.parse(a) as AlertEvent).id);
      expect(recent).toContain('outage-1');
    } finally {
      after.disconnect(); // an open client would keep jest from exiting when an assertion fails
    }
    expect(await (await fetch(`${appliance.controlPlane.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
  });
});

describe('flowprobe run without --config (the `make run` demo)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-demo-'));
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the portal port and lists demo hosts, then stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    child = spawn(process.execPath, [path.join(__dirname, '..', 'bin', 'flowprobe.js'), 'run'], {
      // The demo capture is cached in the user's cache folder (as `make run` does); state goes to the temp dir.
      env: { ...process.env, FLOWPROBE_HTTP_PORT: String(port), XDG_STATE_HOME: dir, FLOWPROBE_ADMIN_PASSWORD: 'demo-initial' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    const client = new Client(`http://127.0.0.1:${port}`);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, 'the HTTP port', 120000);
    expect((await client.post('/api/v1/auth/login', { username: 'admin', password: 'demo-initial' })).status).toBe(200);
    expect((await client.post('/api/v1/users/me/password', { current_password: 'demo-initial', new_password: 'demo-changed' })).status).toBe(204);
    let hosts: HostListResponse = { total: 0, data: [] };
    await waitFor(async () => {
      hosts = (await client.get('/api/v1/hosts?local=true&limit=10')).body as HostListResponse;
      return hosts.total > 3;
    }, 'local demo hosts', 60000);
    expect(hosts.data[0].ip).toMatch(/^(192\.168\.1\.|10\.0\.0\.|2001:db8:1:)/);
    // JSON lines on stdout.
    const lines = log.trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  });
});
