import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { buildTestAlert } from '../src/siem/formats/test-alert';
import { AlertOutbox } from '../src/siem/queue/alert-outbox';
import { SiemQueueRepository } from '../src/siem/queue/siem-queue.repository';
import { SiemDispatcher } from '../src/siem/siem-dispatcher';
import { RecipientConfig } from '../src/siem/recipient.types';
import { dropPrefix, ready, testPrefix, testRedis } from './siem-redis';
import { freePort } from './siem-rsyslog';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SIEM queue repository (real Redis)', () => {
  let redis: Redis;
  const prefix = testPrefix();
  beforeAll(async () => {
    redis = testRedis();
    await ready(redis);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('takes oldest first, requeues in order, recovers in-flight items in order, trims past the cap', async () => {
    const q = new SiemQueueRepository(redis, prefix, 5);
    for (const x of ['a', 'b', 'c', 'd']) await q.enqueue(['r1'], x);
    expect(await q.take('r1', 2)).toEqual(['a', 'b']);
    await q.requeue('r1', ['a', 'b']);
    expect(await q.take('r1', 3)).toEqual(['a', 'b', 'c']);
    await q.ack('r1', ['b'], new Date().toISOString());
    expect(await q.recoverInflight('r1')).toBe(2);
    expect(await q.take('r1', 10)).toEqual(['a', 'c', 'd']);
    await q.ack('r1', ['a', 'c', 'd'], new Date().toISOString());
    for (const x of ['1', '2', '3', '4', '5', '6', '7']) await q.enqueue(['r1'], x);
    const s = await q.stats('r1');
    expect(s).toMatchObject({ queue_depth: 5, inflight: 0, delivered: 4, dropped: 2 });
    expect(await q.take('r1', 10)).toEqual(['3', '4', '5', '6', '7']);
  });
});

describe('SIEM forwarding through a Redis outage and a failing webhook', () => {
  let dir: string;
  let redisProc: ChildProcess;
  let port: number;
  let redis: Redis;
  let webhook: Server;
  let failFirst = 3;
  const got: string[] = [];
  // Closed in afterAll, also when an expectation failed (its timers would keep jest alive).
  let dispatcher: SiemDispatcher | undefined;

  async function startRedis(): Promise<void> {
    redisProc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: 'ignore' });
    const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect().catch(() => undefined);
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        await sleep(50);
      }
    }
    probe.disconnect();
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowprobe-redis-'));
    port = await freePort();
    await startRedis();
    redis = new Redis({ port, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    redis.on('error', () => undefined);
    await ready(redis);
    webhook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        if (failFirst-- > 0) return res.writeHead(503).end('busy');
        got.push(...(JSON.parse(Buffer.concat(chunks).toString()) as { id: string }[]).map((a) => a.id));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
  });

  afterAll(async () => {
    await dispatcher?.close();
    redis?.disconnect();
    if (redisProc && redisProc.exitCode === null) {
      redisProc.kill('SIGTERM');
      await new Promise((r) => redisProc.once('exit', r));
    }
    webhook.closeAllConnections();
    await new Promise((r) => webhook.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries a failing webhook with backoff, buffers alerts in memory while Redis is down, delivers all after', async () => {
    const recipient: RecipientConfig = {
      id: 'hook', name: 'hook', enabled: true, minSeverity: 'info', type: 'webhook', batchSize: 10,
      webhook: { url: `http://127.0.0.1:${(webhook.address() as { port: number }).port}/`, timeoutMs: 2000 },
    };
    const d = (dispatcher = new SiemDispatcher(redis, { backoffBaseMs: 50, backoffMaxMs: 200, idlePollMs: 100 }));
    await d.setRecipients([recipient]);
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const a = buildTestAlert({ status: 'triggered', check: 'q_test' });
      sent.push(a.id);
      await d.publish(a);
    }
    await until(() => got.length >= 20);
    let s = await d.stats('hook');
    expect(s.failed).toBeGreaterThanOrEqual(3);
    expect(s.last_error).toMatch(/503/);

    // Redis goes away: publishing keeps working (memory), stats say so.
    redisProc.kill('SIGKILL');
    await new Promise((r) => redisProc.once('exit', r));
    await until(() => redis.status !== 'ready');
    // Held in memory, not yet in Redis: `queued` (what lets the alert outbox in SQLite go) stays pending.
    const queued: (boolean | 'pending')[] = [];
    for (let i = 0; i < 30; i++) {
      const a = buildTestAlert({ status: 'triggered', check: 'q_test' });
      sent.push(a.id);
      const at = queued.push('pending') - 1;
      void (await d.publishQueued([a])).queued.then((ok) => (queued[at] = ok));
    }
    s = await d.stats('hook');
    expect(s.buffered).toBe(30);
    expect(s.queue_depth).toBe(-1);
    await sleep(200);
    expect(queued.every((q) => q === 'pending')).toBe(true);

    await startRedis(); // same port, AOF replays what was there
    await until(() => got.length >= 50, 20_000);
    expect(queued.every((q) => q === true)).toBe(true);
    expect(new Set(got)).toEqual(new Set(sent));
    // The receiver has the last batch before the dispatcher has its answer and acknowledges it.
    for (const deadline = Date.now() + 10_000; ; await sleep(50)) {
      s = await d.stats('hook');
      if (s.inflight === 0 || Date.now() > deadline) break;
    }
    expect(s).toMatchObject({ buffered: 0, queue_depth: 0, inflight: 0, dropped: 0 });
  });

  it('the outbox drops the oldest beyond its bound and counts it', async () => {
    const dead = new Redis({ port: await freePort(), enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const outbox = new AlertOutbox(dead, new SiemQueueRepository(dead), 3);
    const queued: (boolean | 'pending')[] = [];
    for (const x of ['1', '2', '3', '4', '5']) {
      const at = queued.push('pending') - 1;
      void (await outbox.publish(['r'], x)).queued.then((ok) => (queued[at] = ok));
    }
    expect(outbox.buffered('r')).toBe(3);
    expect(outbox.dropped('r')).toBe(2);
    // The dropped ones say so (their alert outbox rows stay for the next start); the others still wait.
    await sleep(50);
    expect(queued).toEqual([false, false, 'pending', 'pending', 'pending']);
    dead.disconnect();
  });

  async function until(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond() && Date.now() < deadline) await sleep(50);
  }
});

/**
 * A slow SIEM (docs/alerts-siem.md, "Slow SIEM"): a webhook answering after 150 ms while alerts
 * arrive far faster. Back-pressure: one request at a time, the rest waits in the recipient's Redis
 * queue; nothing is dropped while the queue is under its bound; past the bound exactly the oldest
 * overflow is dropped and counted; every alert not counted as dropped is delivered.
 */
describe('SIEM slower than the alerts (real Redis, slow webhook)', () => {
  let redis: Redis;
  const prefix = testPrefix();
  let webhook: Server;
  let dispatcher: SiemDispatcher | undefined;
  const got: string[] = [];
  let open = 0;
  let maxOpen = 0;

  beforeAll(async () => {
    redis = testRedis();
    await ready(redis);
    webhook = createServer((req, res) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        got.push(...(JSON.parse(Buffer.concat(chunks).toString()) as { id: string }[]).map((a) => a.id));
        setTimeout(() => {
          open--;
          res.writeHead(200).end();
        }, 150);
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
  });

  afterAll(async () => {
    await dispatcher?.close();
    await dropPrefix(redis, prefix);
    redis.disconnect();
    webhook.closeAllConnections();
    await new Promise((r) => webhook.close(r));
  });

  it('queues behind one request at a time, drops nothing under the bound, drops and counts only the overflow past it', async () => {
    const BOUND = 100;
    const recipient: RecipientConfig = {
      id: 'slow', name: 'slow', enabled: true, minSeverity: 'info', type: 'webhook', batchSize: 10,
      webhook: { url: `http://127.0.0.1:${(webhook.address() as { port: number }).port}/`, timeoutMs: 5000 },
    };
    const d = (dispatcher = new SiemDispatcher(redis, { prefix, maxQueueLength: BOUND, idlePollMs: 100 }));
    await d.setRecipients([recipient]);

    const publish = async (n: number): Promise<string[]> => {
      const alerts = Array.from({ length: n }, () => buildTestAlert({ status: 'triggered', check: 'slow_test' }));
      await d.publishMany(alerts);
      return alerts.map((a) => a.id);
    };

    // Under the bound: 90 alerts at once wait in the queue (~9 requests of 150 ms); none is dropped.
    const first = await publish(90);
    await until(() => got.length >= 90, 20_000);
    expect(new Set(got)).toEqual(new Set(first));
    let s = await d.stats('slow');
    expect(s.dropped).toBe(0);

    // Past the bound: 300 alerts at once into a queue of 100 while one batch of 10 is in flight at most.
    got.length = 0;
    const second = await publish(300);
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
      s = await d.stats('slow');
      if (s.queue_depth === 0 && s.inflight === 0) break;
    }
    s = await d.stats('slow');
    expect(s).toMatchObject({ queue_depth: 0, inflight: 0, buffered: 0 });
    // The newest BOUND are kept (the oldest trimmed), each delivered; the dropped count is exactly the overflow.
    expect(s.dropped).toBe(300 - BOUND);
    expect(new Set(got)).toEqual(new Set(second.slice(-BOUND)));
    // Back-pressure: the forwarder never had more than one request open.
    expect(maxOpen).toBe(1);
  });

  async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond() && Date.now() < deadline) await sleep(50);
  }
});
