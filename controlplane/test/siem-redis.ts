import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';

/** A client on the test Redis (REDIS_URL) as the SIEM code uses it: no offline queue, fail fast. */
export function testRedis(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
}

export async function ready(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', () => resolve());
    redis.once('error', reject);
  });
}

/** A key prefix private to one test run. */
export function testPrefix(): string {
  return `test:${randomUUID()}:`;
}

/** Deletes every key under a prefix. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
}
