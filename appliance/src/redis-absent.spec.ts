import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplianceProcess, HttpClient, PROCESS_ADMIN_PASSWORD, totalPackets, waitFor } from './testing/appliance-process';
import { freePort, RedisProcess } from './testing/redis-process';

/**
 * Fault (docs/reliability.md): Redis is not running when `flowprobe run` starts. Capture and
 * the API start anyway, /healthz answers "degraded" with redis down; once a Redis server comes
 * up on the configured address the probe connects and /healthz turns "ok". The Redis server is
 * the test's own (a free port), never the shared one.
 */
describe('Redis absent at boot', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-redis-absent-'));
  let redis: RedisProcess;
  let probe: ApplianceProcess;

  beforeAll(async () => {
    redis = new RedisProcess(await freePort(), dir); // not started yet
    probe = new ApplianceProcess(path.join(dir, 'probe'), redis.url, `test:redis-absent:${process.pid}:`);
    fs.mkdirSync(probe.dir, { recursive: true });
  });

  afterAll(async () => {
    await probe?.stop();
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts capture and the API degraded, and recovers when Redis comes up', async () => {
    await probe.start({}, false);
    let health: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
    await waitFor(
      async () => {
        if (!probe.alive) throw new Error(`flowprobe exited (${probe.exitCode}):\n${probe.log}`);
        const r = await fetch(`${probe.url}/healthz`).catch(() => null);
        if (!r) return false;
        health = { status: r.status, body: (await r.json()) as Record<string, unknown> };
        // The HTTP port opens first, then the sources start.
        return health.body.capture === 'running';
      },
      '/healthz with capture running',
      120_000,
    );
    expect(health.status).toBe(200); // 200 for ok and degraded, 503 for down
    expect(health.body).toMatchObject({ status: 'degraded', redis: 'down', database: 'up', capture: 'running' });

    // The API works without Redis (sessions are in SQLite), and capture counts packets.
    const admin = new HttpClient(probe.url);
    await admin.login('admin', PROCESS_ADMIN_PASSWORD, 'redis-absent-admin-1');
    await admin.login('admin', 'redis-absent-admin-1');
    const first = await totalPackets(admin);
    await waitFor(async () => (await totalPackets(admin)) > first, 'packets counted while Redis is absent', 60_000);
    expect((await admin.get('/api/v1/hosts?limit=5')).status).toBe(200);
    expect(probe.alive).toBe(true);

    await redis.start();
    await waitFor(async () => ((await (await fetch(`${probe.url}/healthz`)).json()) as { status: string }).status === 'ok', '/healthz ok after Redis came up', 120_000);
    const after = (await (await fetch(`${probe.url}/healthz`)).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ status: 'ok', redis: 'up' });
  }, 300_000);
});
