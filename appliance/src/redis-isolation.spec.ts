import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LiveService, type LiveMessage } from '@flowprobe/controlplane';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { validateBootConfig } from './boot-config';
import { startAppliance, type Appliance } from './appliance';

const CAPTURES = path.resolve(__dirname, '../../../shared/pcaps/ndpi');
const PASSWORD = 'isolation-first-secret';

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Logs in (first-start password, forced change) and returns the session cookie. */
async function login(base: string): Promise<string> {
  const post = async (url: string, body: unknown, cookie = '') => {
    const res = await fetch(base + url, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
    return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? cookie };
  };
  const first = await post('/api/v1/auth/login', { username: 'admin', password: PASSWORD });
  expect(first.status).toBe(200);
  expect((await post('/api/v1/users/me/password', { current_password: PASSWORD, new_password: 'isolation-chosen-secret' }, first.cookie)).status).toBe(204);
  return first.cookie;
}

/**
 * Two real appliances on the same Redis, neither configured with a key
 * prefix: each one's keys and live channel carry its probe id, so each
 * dashboard (the live WebSocket) shows only its own interface — a second
 * instance used to make the chart jump between two interfaces.
 */
describe('two probes on one Redis, default key prefix', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-redis-iso-'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const probes = [
    { id: `iso-a-${process.pid}`, iface: 'isoA', capture: 'alexa-app.pcapng' },
    { id: `iso-b-${process.pid}`, iface: 'isoB', capture: 'reddit.pcap' },
  ];
  const appliances: Appliance[] = [];
  const redis = new Redis(redisUrl);

  beforeAll(async () => {
    for (const p of probes) {
      const home = path.join(dir, p.id);
      fs.mkdirSync(home);
      const config = validateBootConfig(
        {
          sources: [{ name: p.iface, type: 'pcap', path: path.join(CAPTURES, p.capture), speed: 'max' }],
          http: { port: 0, host: '127.0.0.1' },
          redis: { url: redisUrl },
          database: { path: path.join(home, 'flowprobe.db') },
          probe: { id: p.id },
          capture: { workers: 1, idle_timeout_s: 0, host_idle_timeout_s: 0 },
          history: { backend: 'none' },
        },
        'test',
        home,
        { FLOWPROBE_ADMIN_PASSWORD: PASSWORD },
      );
      expect(config.redis.key_prefix).toBe(`flowprobe:${p.id}:`);
      const appliance = await startAppliance(config, { schedule: false }, false);
      appliances.push(appliance);
      await appliance.dataplanes[0].whenFinished();
    }
  }, 120_000);

  afterAll(async () => {
    for (const a of appliances) await a.stop().catch(() => undefined);
    for (const p of probes) {
      const keys = await redis.keys(`flowprobe:${p.id}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each probe’s keys and live messages apart', async () => {
    const sockets: WebSocket[] = [];
    const received: LiveMessage[][] = [[], []];
    try {
      for (const [i, a] of appliances.entries()) {
        const cookie = await login(a.controlPlane.url);
        const socket = new WebSocket(`${a.controlPlane.url.replace('http', 'ws')}/api/v1/live`, { headers: { cookie } });
        socket.on('message', (data) => received[i].push(JSON.parse(String(data)) as LiveMessage));
        sockets.push(socket);
        await waitFor(() => received[i].some((m) => m.type === 'hello'), `hello from ${probes[i].id}`);
      }
      // Both publish, several rounds, interleaved.
      for (let round = 0; round < 3; round++) for (const a of appliances) await a.controlPlane.app.get(LiveService).publish();
      for (const i of [0, 1]) await waitFor(() => received[i].filter((m) => m.type === 'interfaces').length >= 3, `interfaces messages on ${probes[i].id}`);
      await new Promise((r) => setTimeout(r, 300));
      for (const [i, p] of probes.entries()) {
        const names = new Set(received[i].flatMap((m) => (m.type === 'interfaces' ? m.data.map((d) => d.name) : [])));
        expect([p.id, [...names]]).toEqual([p.id, [p.iface]]);
        // The keys: under the probe's own prefix, its own interface only.
        expect(await redis.hget(`flowprobe:${p.id}:iface:0`, 'name')).toBe(p.iface);
        expect(await redis.smembers(`flowprobe:${p.id}:ifaces`)).toEqual(['0']);
        expect(Number(await redis.zcard(`flowprobe:${p.id}:hosts:bandwidth`))).toBeGreaterThan(0);
      }
    } finally {
      for (const s of sockets) s.close();
    }
  });
});
