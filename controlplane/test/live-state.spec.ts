import type { HostSummary, InterfaceInfo } from '../src/api';
import { ControlPlaneOptions } from '../src/config/control-plane-options';
import { LiveStateRepository, REDIS_KEYS } from '../src/live/live-state.repository';
import { RedisService } from '../src/redis/redis.service';
import { dropPrefix, ready, testPrefix, testRedis } from './siem-redis';

/** The live state as written to a real Redis (REDIS_URL, started by `make test`), read back with a plain client. */
describe('LiveStateRepository (real Redis)', () => {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = testPrefix();
  const redis = testRedis(url);
  let service: RedisService;
  let repo: LiveStateRepository;

  const iface: InterfaceInfo = {
    id: 0, name: 'eth1', source: 'pcap:/demo.pcap', running: true, packets: 1200, bytes: 987654, drops: 3, num_flows: 40, num_hosts: 3,
    thpt: { bps: 8000.5, pps: 12.25, upload_bps: 1000, download_bps: 7000.5 }, bytes_upload: 1000, bytes_download: 2000, decode_errors: {}, queues: [],
  };
  const host = (ip: string, vlan: number, total: number, extra: Partial<HostSummary> = {}): HostSummary => ({
    ip, mac: '02:00:00:00:00:01', vlan, is_local: ip.startsWith('10.'), ifid: 0,
    bytes: { sent: total - 100, rcvd: 100, total }, packets: { sent: 7, rcvd: 3 }, thpt: { bps: 1234.5678, pps: 0.1 },
    num_flows: { as_client: 2, as_server: 1 }, first_seen: 1767571200.25, last_seen: 1767571260.5, ...extra,
  });
  const hosts = [host('10.0.0.1', 0, 2 ** 40 + 1), host('2001:db8::7', 0, 5000), host('192.168.1.9', 20, 300, { mac: '', ifid: 1 })];

  beforeAll(async () => {
    await ready(redis);
    service = new RedisService({ redis: { url, keyPrefix: prefix } } as ControlPlaneOptions);
    await new Promise<void>((resolve) => (service.up ? resolve() : service.client.once('ready', () => resolve())));
    repo = new LiveStateRepository(service);
  });

  afterAll(async () => {
    await dropPrefix(redis, prefix);
    service.onApplicationShutdown();
    redis.disconnect();
  });

  it('writes the ranking, a hash per host with every field, their TTL, the interfaces and the status in one snapshot', async () => {
    await repo.writeSnapshot({ tsS: 1767571261, interfaces: [iface], hosts, hostTtlS: 5, version: '1.2.3', startedAtS: 1767571000 });

    expect(await redis.zrevrange(`${prefix}${REDIS_KEYS.hostsBandwidth}`, 0, -1, 'WITHSCORES')).toEqual([
      '10.0.0.1', String(2 ** 40 + 1), '2001:db8::7', '5000', '192.168.1.9@20', '300',
    ]);
    expect(await redis.hgetall(`${prefix}host:10.0.0.1`)).toEqual({
      ip: '10.0.0.1', vlan: '0', mac: '02:00:00:00:00:01', is_local: '1', ifid: '0',
      bytes_sent: String(2 ** 40 + 1 - 100), bytes_rcvd: '100', bytes_total: '1099511627777', packets_sent: '7', packets_rcvd: '3',
      bps: '1234.5678', pps: '0.1', flows_as_client: '2', flows_as_server: '1', first_seen: '1767571200.25', last_seen: '1767571260.5',
    });
    expect(await redis.hgetall(`${prefix}host:192.168.1.9@20`)).toMatchObject({ ip: '192.168.1.9', vlan: '20', mac: '', is_local: '0', ifid: '1', bytes_total: '300' });
    expect(await redis.hget(`${prefix}host:2001:db8::7`, 'ip')).toBe('2001:db8::7');
    for (const key of ['host:10.0.0.1', 'host:2001:db8::7', 'host:192.168.1.9@20']) {
      const ttl = await redis.ttl(`${prefix}${key}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5);
    }
    expect(await redis.smembers(`${prefix}${REDIS_KEYS.interfaces}`)).toEqual(['0']);
    expect(await redis.hgetall(`${prefix}${REDIS_KEYS.iface(0)}`)).toMatchObject({ name: 'eth1', packets: '1200', bytes: '987654', bps: '8000.5', pps: '12.25', running: '1' });
    expect(await redis.hgetall(`${prefix}${REDIS_KEYS.status}`)).toEqual({ version: '1.2.3', started_at: '1767571000', updated_at: '1767571261', hosts_published: '3' });
  });

  it('replaces the ranking on the next snapshot; hashes of hosts no longer ranked expire by their TTL', async () => {
    const moved = host('10.0.0.1', 0, 2 ** 40 + 9000);
    await repo.writeSnapshot({ tsS: 1767571262, interfaces: [iface], hosts: [moved], hostTtlS: 5, version: '1.2.3', startedAtS: 1767571000 });
    expect(await redis.zrange(`${prefix}${REDIS_KEYS.hostsBandwidth}`, 0, -1)).toEqual(['10.0.0.1']);
    expect(await redis.hget(`${prefix}host:10.0.0.1`, 'bytes_total')).toBe(String(2 ** 40 + 9000));
    expect(await redis.exists(`${prefix}host:2001:db8::7`)).toBe(1); // still within its TTL
    expect(await redis.hget(`${prefix}${REDIS_KEYS.status}`, 'hosts_published')).toBe('1');
  });

  it('does not depend on Redis keeping its script (flushed, as after a restart)', async () => {
    await redis.script('FLUSH');
    await repo.writeSnapshot({ tsS: 1767571263, interfaces: [iface], hosts, hostTtlS: 5, version: '1.2.3', startedAtS: 1767571000 });
    expect(await redis.zcard(`${prefix}${REDIS_KEYS.hostsBandwidth}`)).toBe(3);
    expect(await redis.hget(`${prefix}host:192.168.1.9@20`, 'last_seen')).toBe('1767571260.5');
  });

  it('writes every host of a ranking longer than one script call takes', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => host(`10.1.${i >> 8}.${i & 255}`, 0, 1_000_000 - i));
    await repo.writeSnapshot({ tsS: 1767571265, interfaces: [iface], hosts: many, hostTtlS: 5, version: '1.2.3', startedAtS: 1767571000 });
    expect(await redis.zcard(`${prefix}${REDIS_KEYS.hostsBandwidth}`)).toBe(2500);
    const totals = await Promise.all(many.map((h) => redis.hget(`${prefix}host:${h.ip}`, 'bytes_total')));
    expect(totals).toEqual(many.map((h) => String(h.bytes.total)));
  });

  it('empties the ranking when no host is active', async () => {
    await repo.writeSnapshot({ tsS: 1767571264, interfaces: [iface], hosts: [], hostTtlS: 5, version: '1.2.3', startedAtS: 1767571000 });
    expect(await redis.exists(`${prefix}${REDIS_KEYS.hostsBandwidth}`)).toBe(0);
    expect(await redis.hget(`${prefix}${REDIS_KEYS.status}`, 'hosts_published')).toBe('0');
  });
});
