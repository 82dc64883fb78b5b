import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterfaceHandle, startDataplane } from '@flowprobe/dataplane';
import type Redis from 'ioredis';
import { WebSocket } from 'ws';
import { startControlPlane, ControlPlane } from '../src';
import { AlertsService } from '../src/alerts/alerts.service';
import { alertSchemaValidator } from './siem-schema';
import { dropPrefix, ready, testPrefix, testRedis } from './siem-redis';

/**
 * The alerts and recipients API in the real app: real dataplanes on shared
 * captures, real SQLite file, real Redis, a real HTTP webhook receiver that
 * checks the HMAC signature. Jobs are driven by hand (schedule off).
 */
describe('alerts and recipients API', () => {
  const validate = alertSchemaValidator();
  const prefix = testPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'flowprobe-alerts-api-'));
  const SECRET = 'webhook-secret-1';
  const received: { body: string; headers: IncomingHttpHeaders }[] = [];
  let webhook: Server;
  let webhookUrl: string;
  let redis: Redis;
  let dataplanes: InterfaceHandle[];
  let cp: ControlPlane;
  let admin: string;
  let viewer: string;

  async function call(method: string, path: string, cookie?: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${cp.url}/api/v1${path}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  async function login(username: string, password: string, newPassword: string): Promise<string> {
    const res = await fetch(`${cp.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(res.status).toBeLessThan(300);
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    const changed = await call('POST', '/users/me/password', cookie, { current_password: password, new_password: newPassword });
    expect(changed.status).toBe(204);
    return cookie;
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (ok(v) || Date.now() > deadline) return v;
      await sleep(100);
    }
  }

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as { port: number }).port}/ingest`;
    redis = testRedis();
    await ready(redis);
    dataplanes = [];
    for (const f of ['ftp.pcap', 'synscan.pcap']) {
      const dp = await startDataplane({ name: f, source: { kind: 'pcap', path: join(__dirname, '../../../shared/pcaps/ndpi', f) }, workers: 1 });
      await dp.whenFinished();
      dataplanes.push(dp);
    }
    cp = await startControlPlane(
      {
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: prefix },
        database: { path: join(dir, 'flowprobe.db') },
        localNetworks: ['192.168.0.0/16', '172.16.0.0/12'],
        auth: { initialAdminPassword: 'initial-admin-1' },
        schedule: false,
      },
      dataplanes,
      false,
    );
    admin = await login('admin', 'initial-admin-1', 'admin-password-2');
    expect((await call('POST', '/users', admin, { username: 'viewer', password: 'viewer-initial-1', role: 'viewer' })).status).toBe(201);
    viewer = await login('viewer', 'viewer-initial-1', 'viewer-password-2');
  });

  afterAll(async () => {
    await cp?.close();
    for (const dp of dataplanes ?? []) await dp.stop();
    await dropPrefix(redis, prefix);
    redis?.disconnect();
    await new Promise((r) => webhook?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  let recipientId: string;

  it('guards the routes: 401 without a session, 403 for a viewer writing, 400 with the reason for a bad body', async () => {
    expect((await call('GET', '/alerts')).status).toBe(401);
    expect((await call('GET', '/recipients')).status).toBe(401);
    const body = { name: 'hook', min_severity: 'warning', type: 'webhook', webhook: { url: webhookUrl, secret: SECRET } };
    expect((await call('POST', '/recipients', viewer, body)).status).toBe(403);
    const bad = await call('POST', '/recipients', admin, { ...body, min_severity: 'loud', webhook: { url: 'ftp://x' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.message)).toMatch(/min_severity/);
    expect(JSON.stringify(bad.json.message)).toMatch(/url must be an http/);
    expect((await call('GET', '/alerts?severity=loud', viewer)).status).toBe(400);
  });

  it('refuses loopback, link-local and cloud-metadata destinations in every notation unless allowlisted', async () => {
    const hook = (url: string) => call('POST', '/recipients', admin, { name: 'ssrf', min_severity: 'warning', type: 'webhook', webhook: { url } });
    const metadata = [
      'http://169.254.169.254/latest/meta-data/', 'http://2852039166/', 'http://0251.0376.0251.0376/', 'http://0xa9.0xfe.0xa9.0xfe/',
      'http://[::ffff:169.254.169.254]/', 'http://[::ffff:a9fe:a9fe]/', 'http://[fd00:ec2::254]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://100.100.100.200/',
    ];
    for (const url of [...metadata, 'http://127.0.0.1:9/', 'http://127.1/', 'http://[::1]/', 'http://localhost/', 'http://[fe80::1]/', 'http://0.0.0.0/']) {
      const refused = await hook(url);
      expect({ url, status: refused.status }).toEqual({ url, status: 400 });
      expect(JSON.stringify(refused.json.message)).toMatch(/siem_allowed_destinations/);
    }
    const syslog = await call('POST', '/recipients', admin, { name: 'ssrf', min_severity: 'warning', type: 'syslog', syslog: { host: '2852039166', port: 514, transport: 'udp', header: 'rfc5424', format: 'json' } });
    expect(syslog.status).toBe(400);
    expect((await call('GET', '/recipients', admin)).json).toEqual([]);
    // The admin allows the loopback receiver of this test; metadata stays refused.
    expect((await call('PUT', '/settings', viewer, { siem_allowed_destinations: ['127.0.0.1/32'] })).status).toBe(403);
    expect((await call('PUT', '/settings', admin, { siem_allowed_destinations: ['not-a-cidr'] })).status).toBe(400);
    const allowed = await call('PUT', '/settings', admin, { siem_allowed_destinations: ['127.0.0.1/32'] });
    expect(allowed.json.siem_allowed_destinations).toEqual(['127.0.0.1/32']);
    for (const url of metadata) expect((await hook(url)).status).toBe(400);
  });

  it('creates a webhook recipient, hides its secret, and delivers a signed test alert', async () => {
    const created = await call('POST', '/recipients', admin, {
      name: 'hook', min_severity: 'warning', type: 'webhook', batch_size: 50, webhook: { url: webhookUrl, secret: SECRET },
    });
    expect(created.status).toBe(201);
    recipientId = created.json.id;
    expect(created.json.webhook).toMatchObject({ url: webhookUrl, secret_set: true });
    expect(JSON.stringify(created.json)).not.toContain(SECRET);
    expect((await call('POST', '/recipients', admin, { name: 'hook', min_severity: 'info', type: 'webhook', webhook: { url: webhookUrl } })).status).toBe(409);

    expect((await call('POST', `/recipients/${recipientId}/test`, viewer)).status).toBe(403);
    const test = await call('POST', `/recipients/${recipientId}/test`, admin);
    expect(test.status).toBe(202);
    const got = await until(() => received.filter((r) => r.body.includes(test.json.id)), (x) => x.length > 0);
    expect(got).toHaveLength(1);
    const { body, headers } = got[0];
    expect(headers['x-flowprobe-signature']).toBe('sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'));
    expect(Math.abs(Number(headers['x-flowprobe-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    const batch = JSON.parse(body);
    expect(batch).toHaveLength(1);
    expect(validate(batch[0])).toBe(true);
    expect(batch[0]).toMatchObject({ status: 'test', id: test.json.id });
    const stats = (await until(() => call('GET', `/recipients/${recipientId}`, viewer), (r) => r.json.stats.delivered >= 1)).json.stats;
    expect(stats).toMatchObject({ delivered: 1, failed: 0, queue_depth: 0, inflight: 0, last_error: null });
  });

  it('never shows header values or URL credentials, to viewers or admins, keeps them on update, and refuses CR/LF in headers', async () => {
    const API_KEY = 'header-secret-Zq81';
    const PASSWORD = 'url-pass-Wd07';
    const withCreds = webhookUrl.replace('http://', `http://collector:${PASSWORD}@`);
    const crlf = await call('POST', '/recipients', admin, { name: 'crlf', min_severity: 'info', type: 'webhook', webhook: { url: webhookUrl, headers: { 'X-Api-Key': 'a\r\nX-Injected: 1' } } });
    expect(crlf.status).toBe(400);
    expect(JSON.stringify(crlf.json.message)).toMatch(/CR, LF/);
    for (const headers of [{ 'Bad Name': 'x' }, { 'X-Num': 5 }, { Host: 'evil.example' }]) {
      expect((await call('POST', '/recipients', admin, { name: 'crlf', min_severity: 'info', type: 'webhook', webhook: { url: webhookUrl, headers } })).status).toBe(400);
    }
    const created = await call('POST', '/recipients', admin, {
      name: 'secret-hook', min_severity: 'info', type: 'webhook', webhook: { url: withCreds, headers: { 'X-Api-Key': API_KEY } },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    for (const who of [admin, viewer]) {
      for (const answer of [await call('GET', '/recipients', who), await call('GET', `/recipients/${id}`, who)]) {
        const text = JSON.stringify(answer.json);
        expect(text).not.toContain(API_KEY);
        expect(text).not.toContain(PASSWORD);
      }
    }
    expect(created.json.webhook).toMatchObject({ url: webhookUrl, url_credentials_set: true, header_names: ['X-Api-Key'] });
    // The portal sends the URL back as shown: credentials and headers are kept.
    const upd = await call('PUT', `/recipients/${id}`, admin, { name: 'secret-hook', min_severity: 'info', type: 'webhook', webhook: { url: webhookUrl } });
    expect(upd.status).toBe(200);
    const test = await call('POST', `/recipients/${id}/test`, admin);
    const got = await until(() => received.filter((r) => r.body.includes(test.json.id)), (x) => x.length > 0);
    expect(got[0].headers['x-api-key']).toBe(API_KEY);
    expect(got[0].headers.authorization).toBe(`Basic ${Buffer.from(`collector:${PASSWORD}`).toString('base64')}`);
    expect((await call('DELETE', `/recipients/${id}`, admin)).status).toBe(204);
  });

  it('raises flow alerts and an engaged SYN scan from the captures, lists them with filters, forwards the accepted ones', async () => {
    const service = cp.app.get(AlertsService);
    // A live WebSocket client (session cookie), to see alerts pushed as they are raised.
    const live: { type: string; data?: { id: string; check: string; state?: string } }[] = [];
    const ws = new WebSocket(`${cp.url.replace('http', 'ws')}/api/v1/live`, { headers: { cookie: viewer } });
    ws.on('message', (m) => live.push(JSON.parse(m.toString())));
    await until(() => live, (l) => l.some((m) => m.type === 'hello'));
    const nowS = Date.now() / 1000 + 60; // one full host window after start
    await service.runDetectionChecks(nowS - 30); // the 5-second detection pass sees the flows first...
    await until(() => call('GET', '/alerts?state=past&check=clear_text_credentials', viewer), (r) => r.json.total >= 1);
    await service.runMinuteChecks(nowS); // ...and the minute pass must not alert the same flow and check again

    const past = await until(() => call('GET', '/alerts?state=past&check=clear_text_credentials', viewer), (r) => r.json.total >= 1);
    expect(past.status).toBe(200);
    expect(past.json.total).toBe(1);
    const cred = past.json.data[0];
    expect(cred).toMatchObject({ state: 'past', check: 'clear_text_credentials', severity: 'error', host: '192.168.1.212', ifid: 0, acknowledged: false,
      entity: { type: 'flow', value: '192.168.1.212:50694 <-> 90.130.70.73:21/TCP' }, observer: { interface: 'ftp.pcap' } });

    const byHost = await call('GET', '/alerts?state=past&host=192.168.1.212', viewer);
    expect(byHost.json.data.every((a: { host: string }) => a.host === '192.168.1.212')).toBe(true);
    const errorsUp = await call('GET', '/alerts?state=past&severity=error', viewer);
    expect(errorsUp.json.data.every((a: { severity: string }) => ['error', 'critical', 'emergency'].includes(a.severity))).toBe(true);
    expect((await call('GET', '/alerts?state=past&from=1&to=2', viewer)).json.total).toBe(0);

    const engaged = await call('GET', '/alerts?state=engaged&check=syn_scan', viewer);
    expect(engaged.json.total).toBe(1);
    expect(engaged.json.data[0]).toMatchObject({ state: 'engaged', status: 'engaged', host: '172.16.0.8', entity: { type: 'host', value: '172.16.0.8' }, ifid: 1 });

    // Webhook (min severity warning) got the clear-text alert and the SYN scan, not the info-level unsafe-protocol alerts.
    const ids = () => received.flatMap((r) => JSON.parse(r.body) as { id: string; severity: string; check: string }[]);
    const all = await until(ids, (x) => x.some((a) => a.id === cred.id) && x.some((a) => a.check === 'syn_scan'));
    expect(all.every((a) => ['warning', 'error', 'critical', 'emergency'].includes(a.severity) || a.check === 'test_alert')).toBe(true);
    expect(all.some((a) => a.check === 'unsafe_protocol')).toBe(false);

    // Live WebSocket (through Redis pub/sub) and the Redis recent-alert list, both fed by the control plane's LiveService.
    await until(() => live, (l) => l.some((m) => m.type === 'alert' && m.data?.id === cred.id));
    expect(live.some((m) => m.type === 'alert' && m.data?.id === cred.id)).toBe(true);
    // (stored in SQLite first, then forwarded and published: the push can follow the flow alert's)
    await until(() => live, (l) => l.some((m) => m.type === 'alert' && m.data?.check === 'syn_scan' && m.data?.state === 'engaged'));
    expect(live.some((m) => m.type === 'alert' && m.data?.check === 'syn_scan' && m.data?.state === 'engaged')).toBe(true);
    ws.close();
    const recent = (await redis.lrange(`${prefix}alerts:recent`, 0, -1)).map((s) => JSON.parse(s));
    expect(recent.some((a) => a.id === cred.id && a.entity === 'flow')).toBe(true);
  });

  it('a check disabled in settings releases its engaged alert into the past alerts', async () => {
    const settings = await call('GET', '/settings', viewer);
    expect(settings.json.checks.syn_scan).toMatchObject({ enabled: true, min_syn_per_min: 100 });
    expect((await call('PUT', '/settings', viewer, { checks: { syn_scan: { enabled: false } } })).status).toBe(403);
    expect((await call('PUT', '/settings', admin, { checks: { syn_scan: { enabled: false } } })).status).toBe(200);
    const engagedId = (await call('GET', '/alerts?state=engaged&check=syn_scan', viewer)).json.data[0].id;
    await cp.app.get(AlertsService).runMinuteChecks(Date.now() / 1000 + 120);
    expect((await call('GET', '/alerts?state=engaged&check=syn_scan', viewer)).json.total).toBe(0);
    const released = await until(() => call('GET', '/alerts?state=past&check=syn_scan', viewer), (r) => r.json.total >= 1);
    expect(released.json.data[0]).toMatchObject({ id: engagedId, status: 'released', state: 'past', host: '172.16.0.8' });
    expect(released.json.data[0].end_time).not.toBeNull();
  });

  it('acknowledges and deletes: admin only', async () => {
    const cred = (await call('GET', '/alerts?state=past&check=clear_text_credentials', viewer)).json.data[0];
    expect((await call('POST', `/alerts/${cred.id}/acknowledge`, viewer)).status).toBe(403);
    expect((await call('POST', `/alerts/${cred.id}/acknowledge`, admin)).status).toBe(204);
    const acked = await call('GET', '/alerts?state=past&acknowledged=true', viewer);
    expect(acked.json.data.map((a: { id: string }) => a.id)).toEqual([cred.id]);
    expect(acked.json.data[0].acknowledged_by).toBe('admin');
    expect((await call('DELETE', `/alerts/${cred.id}`, viewer)).status).toBe(403);
    expect((await call('DELETE', `/alerts/${cred.id}`, admin)).status).toBe(204);
    expect((await call('GET', '/alerts?state=past&check=clear_text_credentials', viewer)).json.total).toBe(0);
    expect((await call('DELETE', `/alerts/${cred.id}`, admin)).status).toBe(404);
  });

  it('updates and deletes a recipient, keeping the secret when omitted', async () => {
    const upd = await call('PUT', `/recipients/${recipientId}`, admin, { name: 'hook2', min_severity: 'error', type: 'webhook', webhook: { url: webhookUrl } });
    expect(upd.status).toBe(200);
    expect(upd.json).toMatchObject({ name: 'hook2', min_severity: 'error', webhook: { secret_set: true } });
    expect((await call('DELETE', `/recipients/${recipientId}`, admin)).status).toBe(204);
    expect((await call('GET', `/recipients/${recipientId}`, admin)).status).toBe(404);
    expect(await redis.exists(`${prefix}siem:stats:${recipientId}`)).toBe(0);
  });
});
