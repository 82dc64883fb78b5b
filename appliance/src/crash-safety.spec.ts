import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AlertEventV1 } from '@flowprobe/controlplane';
import Redis from 'ioredis';
import { ApplianceProcess, HttpClient, PROCESS_ADMIN_PASSWORD, waitFor } from './testing/appliance-process';

/**
 * Crash-safe alert state (docs/reliability.md): the real `flowprobe run` process is
 * killed with SIGKILL while it raises alerts and delivers them to a webhook SIEM
 * receiver (one that answers slowly, so deliveries are in flight), then started
 * again on the same database and Redis prefix. Engaged alerts come back with their
 * ids (restored, not raised again), and every alert the probe stored reaches the
 * receiver at least once with the same id.
 */
const CAPTURE = path.resolve(__dirname, '../../../shared/pcaps/ndpi/1kxun.pcap');

describe('kill -9 during alert raising and SIEM delivery', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-crash-'));
  const prefix = `test:crash:${process.pid}:${Date.now()}:`;
  const probe = new ApplianceProcess(dir, process.env.REDIS_URL, prefix);
  /** (id, status) pairs the receiver got, and how often. */
  const received = new Map<string, number>();
  const events: AlertEventV1[] = [];
  let receiver: http.Server;
  /** How long the receiver waits before answering (slow while the probe is killed, fast afterwards). */
  let answerAfterMs = 50;
  const ADMIN = 'crash-admin-password-1';

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        for (const e of JSON.parse(body) as AlertEventV1[]) {
          const k = `${e.id}/${e.status}`;
          received.set(k, (received.get(k) ?? 0) + 1);
          events.push(e);
        }
        // A slow SIEM: batches are in flight when the probe is killed.
        setTimeout(() => res.writeHead(200).end(), answerAfterMs);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    probe.configOverrides = {
      // Set up first without capture (a capture file that is not there: the source fails, the API runs).
      sources: [{ name: 'loop0', type: 'pcap', path: path.join(dir, 'absent.pcap'), loop: true, speed: 'realtime', shift_to_now: true }],
      capture: { workers: 1, flow_capacity: 16384, host_capacity: 4096, idle_timeout_s: 3, host_idle_timeout_s: 30 },
    };
  });

  afterAll(async () => {
    await probe.stop(); // SIGTERM then SIGKILL by its own pid
    receiver?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function engaged(client: HttpClient): Promise<AlertEventV1[]> {
    const a = await client.get('/api/v1/alerts?state=engaged&limit=1000');
    expect(a.status).toBe(200);
    return (a.body as { data: AlertEventV1[] }).data;
  }

  it('restores engaged alerts with their ids and delivers every stored alert at least once with the same id', async () => {
    // Settings and the SIEM recipient before any capture: every alert the probe raises is addressed to the
    // recipient (an alert raised before a recipient exists is not sent to it; a loaded machine once took
    // longer to log in and set up than the first detection pass took to raise alerts).
    await probe.start({}, false); // no source captures: /healthz says down (503), the API runs
    await waitFor(async () => (await fetch(`${probe.url}/healthz`).then((r) => r.status, () => 0)) === 503, 'the API without capture', 120_000);
    const setup = new HttpClient(probe.url);
    await setup.login('admin', PROCESS_ADMIN_PASSWORD, ADMIN);
    await setup.login('admin', ADMIN);
    // Every client host with a flow in the minute engages flow_flood; any flow risk raises a flow alert.
    const put = await setup.put('/api/v1/settings', {
      siem_allowed_destinations: ['127.0.0.1/32'],
      checks: { flow_flood: { enabled: true, min_flows_per_min: 1 } },
    });
    expect(put.status).toBe(200);
    const rcpt = await setup.post('/api/v1/recipients', {
      name: 'crash-webhook',
      min_severity: 'info',
      type: 'webhook',
      batch_size: 5,
      webhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts` },
    });
    expect(rcpt.status).toBe(201);
    const recipientId = (rcpt.body as { id: string }).id;
    await probe.stop();

    // The first run with capture: the looping capture raises flow alerts from its first seconds.
    (probe.configOverrides.sources as { path: string }[])[0].path = CAPTURE;
    await probe.start();
    const admin = new HttpClient(probe.url);
    await admin.login('admin', ADMIN);

    // The first minute pass engages host alerts; flow alerts flow in meanwhile.
    await waitFor(async () => (await engaged(admin)).length > 0, 'engaged alerts', 150_000);
    // Alerts are committed to SQLite before they are forwarded: once the receiver has an engaged
    // alert, it is durable. (One engaged in memory but not yet committed when the process dies was
    // never forwarded either; the next start raises it anew, and the SIEM saw it once.)
    await waitFor(async () => (await engaged(admin)).every((a) => received.has(`${a.id}/engaged`)), 'the SIEM receiving the engaged alerts', 120_000);

    // Kill while raising and delivering, right after reading the engaged set (outside a minute
    // boundary, where the set could change between the read and the kill).
    let before: AlertEventV1[] = [];
    let killedAt = '';
    for (;;) {
      if (new Date().getSeconds() > 55 || new Date().getSeconds() < 3) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      before = await engaged(admin);
      probe.child!.kill('SIGKILL');
      killedAt = new Date().toISOString();
      break;
    }
    expect(await probe.waitExit(10_000)).not.toBeNull();
    expect(before.length).toBeGreaterThan(0);
    const receivedAtKill = received.size;

    // Same database, same Redis prefix, same receiver.
    answerAfterMs = 0; // the backlog drains at full speed
    await probe.start(); // (a new port)
    const client = new HttpClient(probe.url);
    await client.login('admin', ADMIN);
    const after = await engaged(client);
    // Restored, not raised again: the same ids, times and entities.
    expect(after.map((a) => `${a.id} ${a.time} ${a.entity.value} ${a.check}`).sort()).toEqual(before.map((a) => `${a.id} ${a.time} ${a.entity.value} ${a.check}`).sort());
    expect(probe.log).toMatch(/Restored \d+ engaged alerts/);

    // After the next minute pass the conditions still hold: no engaged alert for the same entity
    // and check with a new id.
    const restartedMinute = Math.floor(Date.now() / 60000);
    await waitFor(() => Math.floor(Date.now() / 60000) > restartedMinute, 'the next minute', 70_000);
    await new Promise((r) => setTimeout(r, 5000));
    const ids = new Map(before.map((a) => [`${a.entity.value}|${a.check}`, a.id]));
    for (const e of events) {
      if (e.status !== 'engaged') continue;
      const id = ids.get(`${e.entity.value}|${e.check}`);
      if (id) expect(e.id).toBe(id);
    }

    // Everything stored (past alerts of both runs) and every engaged alert reaches the SIEM at least once.
    const past: AlertEventV1[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await client.get(`/api/v1/alerts?state=past&limit=1000&offset=${offset}`);
      expect(page.status).toBe(200);
      const rows = (page.body as { data: AlertEventV1[] }).data;
      past.push(...rows);
      if (rows.length < 1000) break;
    }
    expect(past.length).toBeGreaterThan(0);
    const expected = [...past.map((a) => `${a.id}/${a.status}`), ...before.map((a) => `${a.id}/engaged`)];
    // What is missing, and where it sits: the recipient's queue counters, the Redis queue and in-flight lists.
    const missing = async () => {
      const m = expected.filter((k) => !received.has(k));
      const stats = (await client.get(`/api/v1/recipients/${recipientId}`)).text;
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const where: string[] = [];
      try {
        for (const list of ['queue', 'inflight', 'dead']) {
          const items = await redis.lrange(`${prefix}siem:${list}:${recipientId}`, 0, -1);
          const n = m.filter((k) => items.some((i) => i.includes(k.split('/')[0]))).length;
          where.push(`${list}: ${items.length} items, ${n} of the missing`);
        }
      } finally {
        redis.disconnect();
      }
      return `${m.length}: ${m.slice(0, 10).join(', ')}; killed at ${killedAt}; ${JSON.stringify(past.filter((a) => m.includes(`${a.id}/${a.status}`)).slice(0, 3).map((a) => [a.time, a.end_time, a.check, a.entity]))}; recipient ${stats}; Redis ${where.join(', ')}`;
    };
    await waitFor(() => expected.every((k) => received.has(k)), 'every stored alert at the receiver', 240_000).catch(async () => {
      throw new Error(`missing at the receiver ${await missing()}`);
    });
    // Repeats carry the same id and status (at-least-once): bodies identical per (id, status).
    const bodies = new Map<string, string>();
    for (const e of events) {
      const k = `${e.id}/${e.status}`;
      const { score, severity, description, details, ...stable } = e;
      void score, severity, description, details;
      const b = JSON.stringify(stable);
      if (bodies.has(k) && e.status !== 'engaged') expect(b).toBe(bodies.get(k));
      bodies.set(k, b);
    }
    // eslint-disable-next-line no-console
    console.log(`crash test: ${before.length} engaged restored, ${past.length} past alerts, ${receivedAtKill} (id, status) received before the kill, ${received.size} after, repeats ${[...received.values()].filter((n) => n > 1).length}`);
  }, 600_000);
});
