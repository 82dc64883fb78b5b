import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sqlite3 from 'sqlite3';
import WebSocket from 'ws';
import { ApplianceProcess, HttpClient, PROCESS_ADMIN_PASSWORD, totalPackets, waitFor } from './testing/appliance-process';

const ADMIN_PASSWORD = 'admin-regression-1';

/** Opens a WebSocket to /api/v1/live with the given headers; resolves with the close code (or 'open' after `openMs`). */
function liveSocket(base: string, headers: Record<string, string>, openMs = 3000): Promise<number | 'open' | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live`, { headers });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve('open');
    }, openMs);
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      resolve(`http ${res.statusCode}`);
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
}

function sqlRun(db: string, sql: string, params: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const conn = new sqlite3.Database(db, (err) => {
      if (err) return reject(err);
      conn.run(sql, params, (runErr) => conn.close(() => (runErr ? reject(runErr) : resolve())));
    });
  });
}

describe('security regressions: the two named defects of issue 12 (flowprobe run as a child process)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-secreg-'));
  const probe = new ApplianceProcess(dir);
  let admin: HttpClient;

  beforeAll(async () => {
    await probe.start();
    admin = new HttpClient(probe.url);
    await admin.login('admin', PROCESS_ADMIN_PASSWORD, ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await probe.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('closes a WebSocket upgrade with an undecodable session cookie (4401) and keeps serving and capturing', async () => {
    const before = await totalPackets(admin);
    for (const cookie of ['flowprobe_session=%', 'flowprobe_session=%E0%A4%A', 'a=%; flowprobe_session=%zz', 'flowprobe_session="%"']) {
      expect(await liveSocket(probe.url, { cookie })).toBe(4401);
    }
    // Repeated at will: still alive.
    await Promise.all(Array.from({ length: 20 }, () => liveSocket(probe.url, { cookie: 'flowprobe_session=%' })));
    expect(probe.alive).toBe(true);
    expect((await fetch(`${probe.url}/healthz`)).status).toBe(200);
    await waitFor(async () => (await totalPackets(admin)) > before, 'packet counters rising after the upgrades');
    // An HTTP request with the same cookie is a plain 401.
    expect((await new HttpClient(probe.url).get('/api/v1/interfaces', { cookie: 'flowprobe_session=%' })).status).toBe(401);
  });

  it('refuses a webhook URL that is not a URL (http://[) with 400, stores nothing, and later recipient calls work', async () => {
    const before = await admin.get('/api/v1/recipients');
    expect(before.status).toBe(200);
    for (const url of ['http://[', 'http://', 'http://[::1', 'https://exa mple.org/x', 'ftp://example.org/']) {
      const created = await admin.post('/api/v1/recipients', { name: 'bad-url', type: 'webhook', min_severity: 'warning', webhook: { url } });
      expect({ url, status: created.status }).toEqual({ url, status: 400 });
      expect(JSON.stringify(created.body)).toMatch(/url/);
    }
    const after = await admin.get('/api/v1/recipients');
    expect(after.status).toBe(200);
    expect(after.body.map((r: { id: string }) => r.id)).toEqual(before.body.map((r: { id: string }) => r.id));
    // The API still takes a good recipient, and updating it to a bad URL changes nothing.
    const good = await admin.post('/api/v1/recipients', { name: 'good-hook', type: 'webhook', min_severity: 'warning', enabled: false, webhook: { url: 'https://siem.example.org/ingest' } });
    expect(good.status).toBe(201);
    const bad = await admin.put(`/api/v1/recipients/${good.body.id}`, { name: 'good-hook', type: 'webhook', min_severity: 'warning', webhook: { url: 'http://[' } });
    expect(bad.status).toBe(400);
    expect((await admin.get(`/api/v1/recipients/${good.body.id}`)).body.webhook.url).toBe('https://siem.example.org/ingest');
    expect((await admin.delete(`/api/v1/recipients/${good.body.id}`)).status).toBe(204);
  });

  it('starts with a stored recipient or setting that cannot be used disabled (defaults for settings) and flagged in /healthz, instead of hanging', async () => {
    await probe.stop();
    // As an older version (or a hand edit) could have stored it.
    const config = JSON.stringify({ name: 'broken-hook', enabled: true, minSeverity: 'warning', type: 'webhook', webhook: { url: 'http://[' } });
    await sqlRun(probe.databasePath, 'INSERT INTO siem_recipients (id, name, config, created_at, updated_at) VALUES (?, ?, ?, 1, 1)', ['00000000-0000-4000-8000-000000000001', 'broken-hook', config]);
    await sqlRun(probe.databasePath, 'INSERT INTO siem_recipients (id, name, config, created_at, updated_at) VALUES (?, ?, ?, 2, 2)', ['00000000-0000-4000-8000-000000000002', 'corrupt-row', '{not json']);
    // And settings no API would have accepted: not JSON, and a value of the wrong shape.
    await sqlRun(probe.databasePath, "INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES ('retention', '{not json', 1)", []);
    await sqlRun(probe.databasePath, "INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES ('local_networks', '\"10.0.0.0/33\"', 1)", []);
    await probe.start();
    const health = (await (await fetch(`${probe.url}/healthz`)).json()) as { status: string; capture: string; problems: unknown[] };
    expect(health.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ component: 'setting retention', reason: expect.stringContaining('JSON') }),
        expect.objectContaining({ component: 'setting local_networks' }),
      ]),
    );
    expect(health.status).toBe('degraded');
    expect(health.capture).toBe('running');
    expect(health.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ component: 'recipient broken-hook', reason: expect.stringContaining('webhook.url') }),
        expect.objectContaining({ component: 'recipient corrupt-row', reason: expect.stringContaining('JSON') }),
      ]),
    );
    admin = new HttpClient(probe.url);
    await admin.login('admin', ADMIN_PASSWORD);
    const list = await admin.get('/api/v1/recipients');
    expect(list.status).toBe(200);
    const broken = list.body.find((r: { name: string }) => r.name === 'broken-hook');
    expect(broken).toMatchObject({ enabled: false, invalid: expect.stringContaining('webhook.url') });
    // Fixing one and deleting the other clears the flags.
    const fixed = await admin.put(`/api/v1/recipients/${broken.id}`, { name: 'broken-hook', type: 'webhook', min_severity: 'warning', enabled: false, webhook: { url: 'https://siem.example.org/x' } });
    expect(fixed.status).toBe(200);
    expect(fixed.body.invalid).toBeUndefined();
    expect((await admin.delete('/api/v1/recipients/00000000-0000-4000-8000-000000000002')).status).toBe(204);
    // The defaults applied meanwhile; saving the settings clears their flags.
    const settings = await admin.get('/api/v1/settings');
    expect(settings.body.retention.minute_days).toBe(3);
    const saved = await admin.put('/api/v1/settings', { local_networks: ['192.168.0.0/16'], retention: settings.body.retention });
    expect(saved.status).toBe(200);
    expect(await (await fetch(`${probe.url}/healthz`)).json()).toMatchObject({ status: 'ok', problems: [] });
  });

  it('exits non-zero with the reason logged when start-up fails, instead of hanging', async () => {
    const failDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-secfail-'));
    const failing = new ApplianceProcess(failDir);
    try {
      // The database path is a directory: SQLite cannot open it.
      fs.mkdirSync(failing.databasePath, { recursive: true });
      await failing.start({}, false);
      expect(await failing.waitExit(60_000)).toBe(1);
      expect(failing.log).toMatch(/start failed/);
    } finally {
      await failing.stop();
      fs.rmSync(failDir, { recursive: true, force: true });
    }
  });
});
