/**
 * API benchmark (issue 5): with ≥ 1 M active flows in the tables while the
 * capture runs,
 *  - latency of `GET /api/v1/flows?sort=bytes&order=desc&limit=50` (wrk, one
 *    connection, so each request sees the whole server: p50/p90/p99);
 *  - requests/s of `GET /api/v1/interfaces` (wrk, 8 connections).
 *
 * The capture is generated here (`bench-data/api-1m-flows.pcap`, ~90 MB): one
 * 64-byte UDP packet per flow, FLOWS flows from 4096 client addresses spread
 * over LOOP_S seconds, replayed in a loop at real-time pace (≈ FLOWS/LOOP_S
 * packets/s) with timestamps shifted to now, so every flow stays active.
 *
 *   npm run bench -w controlplane                 (make bench runs it)
 *   FLOWS=200000 npm run bench -w controlplane    (smaller, for a quick check)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDataplane } from '@flowprobe/dataplane';
import { startControlPlane } from '../src/control-plane';

const FLOWS = Number(process.env.FLOWS ?? 1_100_000);
const LOOP_S = Number(process.env.LOOP_S ?? 40);
const DURATION_S = Number(process.env.DURATION_S ?? 20);
const FRAME_BYTES = 64;

function repoRoot(): string {
  let dir = process.cwd();
  while (!fs.existsSync(path.join(dir, 'dataplane')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Writes the capture (classic pcap, little-endian, microseconds) unless it exists with this recipe. */
export function ensureCapture(file: string): void {
  const marker = `${file}.flows-${FLOWS}-loop-${LOOP_S}`;
  if (fs.existsSync(file) && fs.existsSync(marker)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  fs.writeSync(fd, header);
  const record = 16 + FRAME_BYTES;
  const perChunk = 65536;
  const chunk = Buffer.alloc(perChunk * record);
  const t0 = 1767571200;
  for (let start = 0; start < FLOWS; start += perChunk) {
    const n = Math.min(perChunk, FLOWS - start);
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const o = k * record;
      const tUs = Math.floor((i * LOOP_S * 1e6) / FLOWS);
      chunk.writeUInt32LE(t0 + Math.floor(tUs / 1e6), o);
      chunk.writeUInt32LE(tUs % 1e6, o + 4);
      chunk.writeUInt32LE(FRAME_BYTES, o + 8);
      chunk.writeUInt32LE(FRAME_BYTES, o + 12);
      const f = o + 16;
      chunk.fill(0, f, f + FRAME_BYTES);
      chunk.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00], f);
      const host = i % 4096;
      const cport = 1024 + Math.floor(i / 4096);
      chunk.set([0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, host >> 8, host & 255, 172, 16, 0, 1 + (i % 16)], f + 14);
      let sum = 0;
      for (let b = 0; b < 20; b += 2) sum += chunk.readUInt16BE(f + 14 + b);
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      chunk.writeUInt16BE(~sum & 0xffff, f + 24);
      chunk.writeUInt16BE(cport, f + 34);
      chunk.writeUInt16BE(5000 + (i % 8), f + 36);
      chunk.writeUInt16BE(30, f + 38);
    }
    fs.writeSync(fd, chunk, 0, n * record);
  }
  fs.closeSync(fd);
  fs.writeFileSync(marker, '');
}

/** Runs wrk and returns its text output (asynchronously: the server under test is this process's event loop). */
function wrk(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk failed (${code}): ${err}`))));
  });
}

/** Parses a wrk duration such as `12.34ms`, `850.00us`, `1.20s` into milliseconds. */
function ms(text: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(text);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

async function api(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ body: any; cookie: string }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return { body: text ? JSON.parse(text) : undefined, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] };
}

export async function runApiBenchmark(): Promise<void> {
  const root = repoRoot();
  const capture = path.join(root, 'bench-data', 'api-1m-flows.pcap');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-api-bench-'));
  let t = Date.now();
  ensureCapture(capture);
  console.log(`capture ${capture}: ${FLOWS} flows over ${LOOP_S} s (${((Date.now() - t) / 1000).toFixed(1)} s to prepare)`);

  const workers = 2;
  // 40 % hash slack over the flows a shard gets.
  const flowCapacity = Math.ceil((FLOWS / workers) * 1.4);
  const dp = await startDataplane({
    name: 'bench0',
    source: { kind: 'pcap', path: capture, loop: true, speed: 'realtime', shiftToNow: true },
    workers,
    flowCapacity,
    hostCapacity: 65536,
    idleTimeoutS: 300,
    hostIdleTimeoutS: 300,
  });
  const cp = await startControlPlane(
    {
      http: { port: 0, host: '127.0.0.1' },
      redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: `bench:${process.pid}:` },
      database: { path: path.join(work, 'bench.db') },
      localNetworks: ['10.0.0.0/8'],
      auth: { initialAdminPassword: 'bench-initial-1' },
    },
    [dp],
    false,
  );
  try {
    const login = await api(`${cp.url}/api/v1/auth/login`, 'POST', { username: 'admin', password: 'bench-initial-1' });
    await api(`${cp.url}/api/v1/users/me/password`, 'POST', { current_password: 'bench-initial-1', new_password: 'bench-changed-1' }, { cookie: login.cookie });
    const token = (await api(`${cp.url}/api/v1/users/me/tokens`, 'POST', { name: 'bench' }, { cookie: login.cookie })).body.token as string;
    const auth = ['-H', `Authorization: Bearer ${token}`];

    t = Date.now();
    while ((await dp.stats()).num_flows < FLOWS) {
      if (Date.now() - t > (LOOP_S + 60) * 1000) throw new Error(`only ${(await dp.stats()).num_flows} flows after ${(Date.now() - t) / 1000} s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const stats = await dp.stats();
    console.log(`tables filled in ${((Date.now() - t) / 1000).toFixed(0)} s: ${stats.num_flows} active flows, ${stats.num_hosts} hosts, capture running: ${stats.running}`);

    const flowsUrl = `${cp.url}/api/v1/flows?sort=bytes&order=desc&limit=50`;
    const check = await api(flowsUrl, 'GET', undefined, { authorization: `Bearer ${token}` });
    if (check.body.total < 1_000_000 && FLOWS >= 1_000_000) throw new Error(`flows total ${check.body.total} < 1M`);

    const flowsOut = await wrk(['-t1', '-c1', `-d${DURATION_S}s`, '--latency', ...auth, flowsUrl]);
    const lat = (p: string) => ms(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(flowsOut)?.[1] ?? '');
    const flowsRps = Number(/Requests\/sec:\s+([\d.]+)/.exec(flowsOut)?.[1]);
    const ifOut = await wrk(['-t2', '-c8', `-d${DURATION_S}s`, '--latency', ...auth, `${cp.url}/api/v1/interfaces`]);
    if (process.env.VERBOSE) console.log(flowsOut, ifOut);
    const ifRps = Number(/Requests\/sec:\s+([\d.]+)/.exec(ifOut)?.[1]);
    const ifP99 = ms(/^\s*99%\s+(\S+)/m.exec(ifOut)?.[1] ?? '');
    const after = await dp.stats();

    const cpu = os.cpus();
    console.log(`machine: ${cpu.length} x ${cpu[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
    console.log(`active flows during the run: ${after.num_flows}; capture packets ${stats.packets} -> ${after.packets}`);
    console.log('| measurement | result |');
    console.log('| --- | --- |');
    console.log(`| GET /api/v1/flows?sort=bytes&order=desc&limit=50, ${after.num_flows} flows, 1 connection | p50 ${lat('50').toFixed(1)} ms, p90 ${lat('90').toFixed(1)} ms, p99 ${lat('99').toFixed(1)} ms, ${flowsRps.toFixed(1)} req/s |`);
    console.log(`| GET /api/v1/interfaces, 8 connections | ${ifRps.toFixed(0)} req/s, p99 ${ifP99.toFixed(1)} ms |`);
    const jobs = (await api(`${cp.url}/api/v1/jobs`, 'GET', undefined, { authorization: `Bearer ${token}` })).body as { name: string; runs: number; skipped: number; last_duration_ms: number }[];
    console.log(`jobs: ${jobs.map((j) => `${j.name} ${j.runs} runs, ${j.skipped} skipped, last ${j.last_duration_ms} ms`).join('; ')}`);
    console.log(JSON.stringify({ flows: after.num_flows, flows_p50_ms: lat('50'), flows_p90_ms: lat('90'), flows_p99_ms: lat('99'), flows_rps: flowsRps, interfaces_rps: ifRps, interfaces_p99_ms: ifP99 }));
  } finally {
    await cp.close();
    await dp.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runApiBenchmark().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
