import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { loadCorpus, writeFuzzCapture } from '../../dataplane/test/fuzz/packet-mutator';
import { PCAP_DIR } from '../../dataplane/test/ndpi-expected';
import { ApplianceProcess, HttpClient, PROCESS_ADMIN_PASSWORD } from '../src/testing/appliance-process';

/**
 * `make soak` (docs/reliability.md): the real `flowprobe run` process replays a
 * capture made from every shared capture with rewritten addresses (a new
 * address pair per window of packets) in a loop at full speed with short idle
 * timeouts, so the tables churn through flows for the whole run; an API client
 * pages hosts and flows without pause; a webhook SIEM receiver takes the
 * alerts. Every SOAK_SAMPLE_S (60) the probe's RSS and open fds (/proc), heap
 * and event-loop delay (/metrics), the API p99 of the last interval, flows
 * processed and the machine load are sampled. Fails (exit 1) when RSS, heap or
 * fds keep growing (the second half's peak above the first half's by more
 * than a margin) or the process dies.
 *
 *   SOAK_MINUTES=60 make soak      (report: <out>/soak-report.json and .md)
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 60);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 60);
const OUT = process.env.SOAK_OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-soak-'));
const CAPTURE_PACKETS = Number(process.env.SOAK_CAPTURE_PACKETS ?? 400_000);
/**
 * Replay rate, packets/s ('max': as fast as the worker reads). At 'max' on the shared, loaded 2-core
 * machine the alert checks drop records (counted) and the API p99 stays in seconds
 * (docs/reliability.md, *Soak*), so the default paces the capture in real time at a rate it sustains.
 */
const RATE = process.env.SOAK_PPS ?? '20000';

interface Sample {
  t_s: number;
  rss_mib: number;
  /** RSS split: anonymous memory (heaps: V8, malloc of SQLite, DuckDB, nDPI) and file pages (code, mapped files). */
  rss_anon_mib: number;
  rss_file_mib: number;
  fds: number;
  heap_used_mib: number;
  /** Memory of JS objects outside the V8 heap (Buffers, ArrayBuffers). */
  external_mib: number;
  event_loop_p99_ms: number;
  api_requests: number;
  api_errors: number;
  api_p99_ms: number;
  packets: number;
  flows_processed: number;
  /** Flow records the consumers' full queues refused (all consumers; counted, docs/flow-records.md). */
  records_dropped: number;
  /** Flow records waiting in the consumers' queues now (all consumers). */
  records_queued: number;
  /** Flow alerts counted, not raised, past the per-minute limit (alert storms, docs/alerts-siem.md). */
  alerts_suppressed: number;
  active_flows: number;
  siem_received: number;
  load1: number;
}

function procStatus(pid: number): { rss: number; anon: number; file: number; fds: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

/** One Prometheus sample value by metric name (first series), or 0. */
function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** The sum of a metric's series. */
function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'gm'))) sum += Number(m[1]);
  return sum;
}

/** The largest value among a metric's series (flow records: each consumer counts every record once). */
function metricMax(text: string, name: string): number {
  let max = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'gm'))) max = Math.max(max, Number(m[1]));
  return max;
}

function p99(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const capture = path.join(OUT, 'soak.pcap');
  const gen = writeFuzzCapture(capture, loadCorpus(PCAP_DIR), 7, CAPTURE_PACKETS, { mutateShare: 0, packetsPerS: RATE === 'max' ? undefined : Number(RATE) });
  console.log(`soak: ${MINUTES} min, sample every ${SAMPLE_S} s, ${RATE} packets/s; capture ${gen.packets} packets from ${gen.capturesUsed} shared captures; out ${OUT}`);

  // SIEM receiver: a webhook endpoint counting the alerts it takes.
  let siemReceived = 0;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      try {
        const parsed = JSON.parse(body) as unknown;
        siemReceived += Array.isArray(parsed) ? parsed.length : 1;
      } catch {
        siemReceived++;
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverPort = (receiver.address() as AddressInfo).port;

  const probe = new ApplianceProcess(path.join(OUT, 'probe'), process.env.REDIS_URL, `soak:${process.pid}:`);
  fs.mkdirSync(probe.dir, { recursive: true });
  probe.configOverrides = {
    sources: [{ name: 'soak0', type: 'pcap', path: capture, loop: true, speed: RATE === 'max' ? 'max' : 'realtime', shift_to_now: true }],
    capture: { workers: 1, flow_capacity: 131072, host_capacity: 32768, idle_timeout_s: 5, host_idle_timeout_s: 10, active_timeout_s: 30 },
    history: { backend: 'duckdb', max_age_days: 1, disk_budget_mb: 512 },
  };
  const stopAll = async () => {
    await probe.stop();
    receiver.close();
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));

  const samples: Sample[] = [];
  let failure = '';
  try {
    await probe.start();
    console.log(`soak: flowprobe pid ${probe.child!.pid} at ${probe.url}`);
    const admin = new HttpClient(probe.url);
    await admin.login('admin', PROCESS_ADMIN_PASSWORD, 'soak-admin-password-1');
    await admin.login('admin', 'soak-admin-password-1');
    // The receiver is on loopback, which SIEM recipients may reach only when allowed.
    const allow = await admin.put('/api/v1/settings', { siem_allowed_destinations: ['127.0.0.1/32'] });
    if (allow.status !== 200) throw new Error(`settings: ${allow.status} ${allow.text}`);
    const rcpt = await admin.post('/api/v1/recipients', {
      name: 'soak-webhook',
      min_severity: 'info',
      type: 'webhook',
      webhook: { url: `http://127.0.0.1:${receiverPort}/alerts` },
    });
    if (rcpt.status !== 201 && rcpt.status !== 200) throw new Error(`recipient: ${rcpt.status} ${rcpt.text}`);
    console.log('soak: SIEM recipient set up, sampling');

    // API client: pages hosts and flows back to back for the whole run.
    let latencies: number[] = [];
    let requests = 0;
    let apiErrors = 0;
    let running = true;
    const client = (async () => {
      let page = 0;
      while (running) {
        for (const url of [`/api/v1/hosts?limit=100&offset=${(page % 20) * 100}&sort=bytes`, `/api/v1/flows?limit=100&offset=${(page % 20) * 100}&sort=last_seen`]) {
          const t = process.hrtime.bigint();
          const a = await admin.get(url).catch((e: Error) => ({ status: 0, text: e.message }));
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
          requests++;
          if (a.status !== 200) {
            apiErrors++;
            console.log(`soak: API ${url}: ${a.status} ${a.text.slice(0, 200)}`);
          }
        }
        page++;
      }
    })();

    const t0 = Date.now();
    const end = t0 + MINUTES * 60_000;
    const pid = probe.child!.pid!;
    const sample = async () => {
      const m = await admin.get('/metrics');
      const text = typeof m.body === 'string' ? m.body : m.text;
      const ifs = await admin.get('/api/v1/interfaces');
      const list = ifs.body as { packets: number; num_flows: number }[];
      const { rss, anon, file, fds } = procStatus(pid);
      const s: Sample = {
        t_s: Math.round((Date.now() - t0) / 1000),
        rss_mib: Math.round(rss),
        rss_anon_mib: Math.round(anon),
        rss_file_mib: Math.round(file),
        fds,
        heap_used_mib: Math.round(metric(text, 'flowprobe_nodejs_heap_size_used_bytes') / 1048576),
        external_mib: Math.round(metric(text, 'flowprobe_nodejs_external_memory_bytes') / 1048576),
        event_loop_p99_ms: Math.round(metric(text, 'flowprobe_nodejs_eventloop_lag_p99_seconds') * 1000 * 10) / 10,
        api_requests: requests,
        api_errors: apiErrors,
        api_p99_ms: Math.round(p99(latencies) * 10) / 10,
        packets: list.reduce((a, i) => a + i.packets, 0),
        flows_processed: metricMax(text, 'flowprobe_flow_records_delivered_total'),
        records_dropped: metricSum(text, 'flowprobe_flow_records_dropped_total'),
        records_queued: metricSum(text, 'flowprobe_flow_records_queued'),
        alerts_suppressed: metricSum(text, 'flowprobe_alerts_suppressed_total'),
        active_flows: list.reduce((a, i) => a + i.num_flows, 0),
        siem_received: siemReceived,
        load1: Math.round(os.loadavg()[0] * 100) / 100,
      };
      latencies = [];
      samples.push(s);
      console.log(JSON.stringify(s));
      fs.writeFileSync(path.join(OUT, 'soak-samples.json'), JSON.stringify(samples, null, 1));
    };
    let sampleErrors = 0;
    const trySample = () =>
      sample().catch((e: Error) => {
        sampleErrors++;
        console.log(`soak: sample failed (${sampleErrors}): ${e.message}`);
        if (sampleErrors > 3) failure ||= `samples failed: ${e.message}`;
      });
    await trySample();
    while (Date.now() < end && !failure) {
      await new Promise((r) => setTimeout(r, Math.min(SAMPLE_S * 1000, Math.max(0, end - Date.now()))));
      if (!probe.alive) {
        failure = `flowprobe exited (${probe.exitCode}):\n${probe.log.slice(-4000)}`;
        break;
      }
      await trySample();
    }
    running = false;
    await client;
  } catch (e) {
    failure ||= e instanceof Error ? e.message : String(e);
    console.log(probe.log.split('\n').filter((l) => !l.includes('"level":"log"')).slice(-40).join('\n'));
  } finally {
    await stopAll();
    fs.rmSync(capture, { force: true });
  }
  const verdict = judge(samples);
  if (failure) verdict.failures.unshift(failure);
  const report = { minutes: MINUTES, sample_s: SAMPLE_S, capture_packets: gen.packets, samples, ...verdict, cores: os.cpus().length };
  fs.writeFileSync(path.join(OUT, 'soak-report.json'), JSON.stringify(report, null, 1));
  const first = samples[1] ?? samples[0];
  const last = samples[samples.length - 1];
  const md = [
    `| | start (${first?.t_s ?? 0} s) | end (${last?.t_s ?? 0} s) |`,
    '| --- | ---: | ---: |',
    ...(['packets', 'flows_processed', 'records_dropped', 'records_queued', 'alerts_suppressed', 'rss_mib', 'rss_anon_mib', 'heap_used_mib', 'external_mib', 'fds', 'event_loop_p99_ms', 'api_p99_ms', 'api_requests', 'api_errors', 'siem_received', 'load1'] as const).map(
      (k) => `| ${k} | ${first?.[k] ?? ''} | ${last?.[k] ?? ''} |`,
    ),
  ].join('\n');
  fs.writeFileSync(path.join(OUT, 'soak-report.md'), `${md}\n\n${verdict.failures.length ? `FAILED: ${verdict.failures.join('; ')}` : 'passed'}\n`);
  console.log(md);
  console.log(verdict.failures.length ? `soak FAILED: ${verdict.failures.join('; ')}` : `soak passed (${samples.length} samples), report in ${OUT}`);
  process.exit(verdict.failures.length ? 1 : 0);
}

/**
 * Growth without bound: after a warm-up (the first quarter of the samples, at least one),
 * the peak of the second half of the rest must stay within a margin of the first half's peak.
 */
export function judge(samples: Sample[]): { failures: string[] } {
  const failures: string[] = [];
  const warm = Math.max(1, Math.floor(samples.length / 4));
  const rest = samples.slice(warm);
  if (rest.length < 2) return { failures: samples.length < 2 ? ['too few samples'] : [] };
  const half = Math.floor(rest.length / 2);
  const a = rest.slice(0, half);
  const b = rest.slice(half);
  const peak = (xs: Sample[], k: keyof Sample) => Math.max(...xs.map((s) => s[k]));
  const checks: [keyof Sample, number, number][] = [
    ['rss_mib', 1.15, 64],
    ['heap_used_mib', 1.25, 32],
    ['fds', 1.0, 16],
  ];
  for (const [k, factor, slack] of checks) {
    const pa = peak(a, k);
    const pb = peak(b, k);
    if (pb > pa * factor + slack) failures.push(`${k} grew: peak ${pa} in the first half, ${pb} in the second`);
  }
  if (peak(b, 'flows_processed') <= peak(a, 'flows_processed')) failures.push('no flows processed in the second half');
  return { failures };
}

if (require.main === module) void main();
