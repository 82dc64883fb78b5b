/**
 * SIEM forwarding benchmark: alerts per second sustained to a TCP syslog
 * recipient (a private rsyslogd on loopback, RFC 5424 + JSON body, octet
 * counting) and delivery latency (publish → rsyslog's receive timestamp).
 * (1) drain: N alerts already queued, as after an outage; (2) fixed rates:
 * every 10 ms one pass of alerts is published (publishMany, as the alert
 * engine does) while the forwarder runs in the same process.
 *
 *   cd controlplane && npx tsc -p tsconfig.bench.json && node dist-bench/bench/siem.bench.js
 *
 * Env: REDIS_URL (default redis://127.0.0.1:6379), SIEM_BENCH_N (drain, default 100000),
 * SIEM_BENCH_RATES (default "1000,5000"), SIEM_BENCH_SECONDS (per rate, default 10).
 * Bounded in count and time; loopback only.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { cpus, hostname, loadavg } from 'node:os';
import { AlertEventV1 } from '../src/alerts/alert-event';
import { buildTestAlert } from '../src/siem/formats/test-alert';
import { SiemDispatcher } from '../src/siem/siem-dispatcher';
import { RecipientConfig } from '../src/siem/recipient.types';
import { dropPrefix, ready, testPrefix, testRedis } from '../test/siem-redis';
import { Rsyslog } from '../test/siem-rsyslog';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tails rsyslog's output file: received timestamps (ms) by alert id. */
class Tail {
  private offset = 0;
  private rest = '';
  readonly receivedMs = new Map<string, number>();
  constructor(private readonly path: string) {}

  poll(): void {
    let size = 0;
    try {
      size = statSync(this.path).size;
    } catch {
      return;
    }
    if (size <= this.offset) return;
    const buf = Buffer.alloc(size - this.offset);
    const fd = openSync(this.path, 'r');
    readSync(fd, buf, 0, buf.length, this.offset);
    closeSync(fd);
    this.offset = size;
    const lines = (this.rest + buf.toString('utf8')).split('\n');
    this.rest = lines.pop()!;
    for (const line of lines) {
      const sp = line.indexOf(' ');
      const id = /id="([^"]+)"/.exec(line)?.[1];
      if (id && !this.receivedMs.has(id)) this.receivedMs.set(id, Date.parse(line.slice(0, sp)) + microsOf(line.slice(0, sp)));
    }
  }
}

/** Date.parse keeps milliseconds; add the sub-millisecond part of rsyslog's microsecond timestamp. */
function microsOf(ts: string): number {
  const m = /\.(\d{3})(\d{3})/.exec(ts);
  return m ? Number(m[2]) / 1000 : 0;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const N = Number(process.env.SIEM_BENCH_N ?? 100_000);
  const rates = (process.env.SIEM_BENCH_RATES ?? '1000,5000').split(',').map(Number);
  const seconds = Number(process.env.SIEM_BENCH_SECONDS ?? 10);
  const rsyslog = new Rsyslog(true);
  await rsyslog.start();
  const redis = testRedis();
  await ready(redis);
  const prefix = testPrefix();
  const recipient: RecipientConfig = {
    id: 'bench', name: 'bench', enabled: true, minSeverity: 'info', type: 'syslog', batchSize: 500,
    syslog: { host: '127.0.0.1', port: rsyslog.tcpPort, transport: 'tcp', framing: 'octet-counting', header: 'rfc5424', format: 'json', hostname: 'bench' },
  };
  const tail = new Tail(rsyslog.out);
  const results: Record<string, unknown> = {
    machine: `${hostname()} ${cpus().length}x ${cpus()[0]?.model} node ${process.version}`,
    load_avg_1m_at_start: +loadavg()[0].toFixed(2),
    recipient: 'TCP syslog, RFC 5424, JSON body, octet counting, batch 500, rsyslogd 8 on loopback',
  };
  try {
    // 1. Drain: N alerts already queued (as after a SIEM outage), consumer alone.
    const sample = JSON.stringify(buildTestAlert()).length;
    const ids: string[] = [];
    for (let i = 0; i < N; i += 1000) {
      const p = redis.pipeline();
      for (let j = i; j < Math.min(N, i + 1000); j++) {
        const a = buildTestAlert({ status: 'triggered', check: 'bench' });
        ids.push(a.id);
        p.lpush(`${prefix}siem:queue:bench`, JSON.stringify(a));
      }
      await p.exec();
    }
    const d1 = new SiemDispatcher(redis, { prefix });
    const t0 = performance.now();
    await d1.setRecipients([recipient]);
    while (tail.receivedMs.size < N && performance.now() - t0 < 300_000) {
      await sleep(100);
      tail.poll();
    }
    const drainS = (performance.now() - t0) / 1000;
    await d1.close();
    results.drain = { alerts: N, received: tail.receivedMs.size, seconds: +drainS.toFixed(2), alerts_per_s: Math.round(tail.receivedMs.size / drainS), alert_json_bytes: sample };

    // 2. Latency at fixed publish rates: producer and forwarder in one process, as in the appliance.
    const d2 = new SiemDispatcher(redis, { prefix });
    await d2.setRecipients([recipient]);
    // Start from an idle recipient: nothing queued or in flight.
    for (let s = await d2.stats('bench'); s.queue_depth + s.inflight > 0; s = await d2.stats('bench')) await sleep(100);
    const latency: Record<string, unknown>[] = [];
    for (const rate of rates) {
      const published = new Map<string, number>();
      const tickMs = 10;
      const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
      const start = performance.now();
      let next = start;
      while (performance.now() - start < seconds * 1000) {
        // One pass of alerts per tick, queued in one round trip, as AlertsService.handle() does.
        const pass: AlertEventV1[] = [];
        for (let i = 0; i < perTick; i++) pass.push(buildTestAlert({ status: 'triggered', check: 'bench' }));
        const t = Date.now();
        for (const a of pass) published.set(a.id, t);
        await d2.publishMany(pass);
        next += tickMs;
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        tail.poll();
      }
      const sentS = (performance.now() - start) / 1000;
      const deadline = performance.now() + 60_000;
      const done = () => [...published.keys()].every((id) => tail.receivedMs.has(id));
      while (!done() && performance.now() < deadline) {
        await sleep(100);
        tail.poll();
      }
      const lat = [...published].filter(([id]) => tail.receivedMs.has(id)).map(([id, t]) => tail.receivedMs.get(id)! - t).sort((a, b) => a - b);
      latency.push({
        target_per_s: rate, published: published.size, achieved_per_s: Math.round(published.size / sentS), delivered: lat.length,
        p50_ms: +pct(lat, 50).toFixed(2), p99_ms: +pct(lat, 99).toFixed(2), max_ms: +lat[lat.length - 1].toFixed(2),
      });
    }
    await d2.close();
    results.latency = latency;
  } finally {
    await dropPrefix(redis, prefix);
    redis.disconnect();
    await rsyslog.dispose();
  }
  results.load_avg_1m_at_end = +loadavg()[0].toFixed(2);
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
