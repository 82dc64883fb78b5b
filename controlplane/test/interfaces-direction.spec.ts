import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterfaceHandle, startDataplane } from '@flowprobe/dataplane';
import type Redis from 'ioredis';
import { WebSocket } from 'ws';
import { startControlPlane, ControlPlane, LiveService } from '../src';
import type { InterfaceInfo, LiveInterfacesMessage } from '../src/api';
import { dropPrefix, ready, testPrefix, testRedis } from './siem-redis';

const PCAPS = join(__dirname, '../../../shared/pcaps/ndpi');
const LOCAL = ['192.168.0.0/16'];

/**
 * Interface upload/download (local -> remote / remote -> local by the local
 * networks) in the REST shape, the live WebSocket sample and the Redis hash:
 * the same numbers the real dataplane reports. Interface 0 is a finished
 * capture (byte counters fixed); interface 1 loops a capture so its
 * throughput is not zero. Throughput only changes on `updateStats`, which the
 * test drives itself (schedule off).
 */
describe('interface upload/download through the control plane', () => {
  const prefix = testPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'flowprobe-ifdir-'));
  let redis: Redis;
  let fixed: InterfaceHandle;
  let looping: InterfaceHandle;
  let cp: ControlPlane;
  let cookie: string;

  async function get(path: string): Promise<any> {
    const res = await fetch(`${cp.url}/api/v1${path}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return res.json();
  }

  beforeAll(async () => {
    redis = testRedis();
    await ready(redis);
    fixed = await startDataplane({ name: 'ftp', source: { kind: 'pcap', path: join(PCAPS, 'ftp.pcap') }, workers: 1, localNetworks: LOCAL, dpi: false });
    await fixed.whenFinished();
    looping = await startDataplane({
      name: 'loop', source: { kind: 'pcap', path: join(PCAPS, 'ftp.pcap'), loop: true }, workers: 1, localNetworks: LOCAL, dpi: false,
      idleTimeoutS: 0, hostIdleTimeoutS: 0,
    });
    cp = await startControlPlane(
      {
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: prefix },
        database: { path: join(dir, 'flowprobe.db') },
        localNetworks: LOCAL,
        auth: { initialAdminPassword: 'initial-admin-1' },
        schedule: false,
      },
      [fixed, looping],
      false,
    );
    const res = await fetch(`${cp.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'initial-admin-1' }),
    });
    cookie = res.headers.get('set-cookie')!.split(';')[0];
    await fetch(`${cp.url}/api/v1/users/me/password`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ current_password: 'initial-admin-1', new_password: 'admin-password-2' }),
    });
    // Two throughput passes one (packet-clock) second apart while the loop runs: a non-zero rate, then frozen.
    const t0 = Date.now() / 1000;
    await looping.updateStats(t0);
    await new Promise((r) => setTimeout(r, 300));
    await looping.updateStats(t0 + 1);
  });

  afterAll(async () => {
    await cp?.close();
    await fixed?.stop();
    await looping?.stop();
    await dropPrefix(redis, prefix);
    redis?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('REST: bytes_upload/bytes_download and upload_bps/download_bps equal the dataplane', async () => {
    const st = await fixed.stats();
    expect(st.bytes_upload).toBeGreaterThan(0);
    expect(st.bytes_download).toBeGreaterThan(0);
    const one: InterfaceInfo = await get('/interfaces/0');
    expect(one).toMatchObject({ bytes: st.bytes, bytes_upload: st.bytes_upload, bytes_download: st.bytes_download });
    expect(one.thpt).toEqual(st.thpt);

    const list: InterfaceInfo[] = await get('/interfaces');
    const loopStats = await looping.stats();
    expect(list[1].thpt).toEqual(loopStats.thpt);
    expect(list[1].thpt.upload_bps).toBeGreaterThan(0);
    expect(list[1].thpt.download_bps).toBeGreaterThan(0);
    // Every byte of ftp.pcap is local <-> remote, so the two directions make up the total.
    expect(st.bytes_upload + st.bytes_download).toBe(st.bytes);
  });

  it('live WebSocket sample and Redis hash carry the same values', async () => {
    const messages: LiveInterfacesMessage[] = [];
    const ws = new WebSocket(`${cp.url.replace('http', 'ws')}/api/v1/live`, { headers: { cookie } });
    ws.on('message', (m) => {
      const msg = JSON.parse(m.toString());
      if (msg.type === 'interfaces') messages.push(msg);
    });
    await new Promise<void>((resolve) => ws.on('message', (m) => JSON.parse(m.toString()).type === 'hello' && resolve()));
    await cp.app.get(LiveService).publish();
    const deadline = Date.now() + 10_000;
    while (messages.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    ws.close();
    expect(messages.length).toBeGreaterThan(0);
    const st = await fixed.stats();
    const loopThpt = (await looping.stats()).thpt;
    const [s0, s1] = messages[0].data;
    expect(s0).toMatchObject({ id: 0, bytes_upload: st.bytes_upload, bytes_download: st.bytes_download, thpt: st.thpt });
    expect(s1.thpt).toEqual(loopThpt);

    const h0 = await redis.hgetall(`${prefix}iface:0`);
    expect(Number(h0.bytes_upload)).toBe(st.bytes_upload);
    expect(Number(h0.bytes_download)).toBe(st.bytes_download);
    const h1 = await redis.hgetall(`${prefix}iface:1`);
    expect(Number(h1.upload_bps)).toBe(loopThpt.upload_bps);
    expect(Number(h1.download_bps)).toBe(loopThpt.download_bps);
  });
});
