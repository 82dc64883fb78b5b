import Redis from 'ioredis';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import { RedisService } from './redis.service';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** RedisService against the shared Redis (`make redis`), every key under a prefix of this run. */
describe('RedisService (real Redis)', () => {
  const prefix = `flowprobe-test:redis-service:${process.pid}:${Date.now()}:`;
  const raw = new Redis(REDIS_URL, { lazyConnect: true });
  const services: RedisService[] = [];
  const make = (url: string): RedisService => {
    const s = new RedisService({ redis: { url, keyPrefix: prefix } } as ControlPlaneOptions);
    services.push(s);
    return s;
  };

  afterAll(async () => {
    for (const s of services) await s.onApplicationShutdown();
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    raw.disconnect();
  });

  it('prefixes keys and channels, so two probes on one Redis never meet', async () => {
    const s = make(REDIS_URL);
    expect(await s.waitUntilReady(10_000)).toBe(true);
    expect(s.up).toBe(true);
    expect(s.downForMs).toBe(0);
    await s.client.set('live:test', 'x');
    expect(await raw.get(`${prefix}live:test`)).toBe('x');
    expect(await raw.get('live:test')).not.toBe('x');
    expect(s.channel('live')).toBe(`${prefix}live`);
    // Channels are not prefixed by ioredis: channel() is what the subscriber must use.
    const got: string[] = [];
    s.subscriber.on('message', (ch: string, m: string) => got.push(`${ch} ${m}`));
    await s.subscriber.subscribe(s.channel('live'));
    await raw.publish(`${prefix}live`, 'hello');
    await waitFor(() => got.length > 0);
    expect(got).toEqual([`${prefix}live hello`]);
  });

  it('runs the reconnect handlers at the first connect and after each reconnect; a failing one does not stop the next', async () => {
    const s = make(REDIS_URL);
    const calls: string[] = [];
    s.onReconnect(() => {
      calls.push('failing');
      throw new Error('republish failed');
    });
    s.onReconnect(() => void calls.push('second'));
    await s.waitUntilReady(10_000);
    await waitFor(() => calls.length === 2);
    s.client.disconnect(true); // the connection drops, ioredis reconnects by itself
    await waitFor(() => calls.length === 4);
    expect(calls).toEqual(['failing', 'second', 'failing', 'second']);
    expect(s.up).toBe(true);
  });

  it('Redis unreachable: down, commands fail at once (no offline queue), the URL shown without its password', async () => {
    const s = make('redis://probe:s3cret@127.0.0.1:1');
    expect(s.displayUrl).not.toContain('s3cret');
    expect(s.displayUrl).toContain('***');
    expect(s.url).toContain('s3cret'); // the real one is still used to connect
    expect(await s.waitUntilReady(300)).toBe(false);
    expect(s.up).toBe(false);
    expect(s.downForMs).toBeGreaterThan(0);
    await expect(s.client.get('x')).rejects.toThrow();
  });
});
