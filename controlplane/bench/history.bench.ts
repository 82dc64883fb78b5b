/**
 * Flow history benchmark, embedded DuckDB store and ClickHouse (a private
 * clickhouse-server started here, Debian's 18.16): records written per second
 * (batches of 131 072, as the history consumer writes them; synthetic records shaped like real
 * ones: 50 000 hosts, 2 000 servers, 12 applications), bytes on disk per
 * record, and query latency once N records of one day are stored: the day's
 * top-10 hosts (hourly rollup) and one host's flows over the day.
 *
 *   cd controlplane && npx tsc -p tsconfig.bench.json && node dist-bench/bench/history.bench.js
 *
 *   make bench-history    (the same, from the repository root)
 *
 * Env: HISTORY_BENCH_STORES (default "duckdb,clickhouse"), HISTORY_BENCH_N (records, default 2 000 000), HISTORY_BENCH_DIR
 * (default a temporary folder, removed afterwards), HISTORY_BENCH_RATE (records per second of packet time, default
 * 200 000, or `day`: spread over one day; see RATE).
 *
 * HISTORY_BENCH_BULK=100000000 (make bench-history-100m) instead: query
 * latency over that many stored flows of one day, made once in
 * HISTORY_BENCH_CACHE (default ~/.cache/flowprobe/history-bench-<rows>) by
 * bulk(), then queried (see bulk()).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FlowExportRecord } from '@flowprobe/dataplane';
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { DuckDbHistoryRepository } from '../src/history/duckdb-history.repository';
import { ClickHouseHistoryRepository } from '../src/history/clickhouse-history.repository';
import type { HistoryStore } from '../src/history/history-store';
import { ClickHouseProcess } from '../src/testing/clickhouse-process';

const N = Number(process.env.HISTORY_BENCH_N ?? 2_000_000);
/**
 * Packet time of the records: RATE records per second from DAY0 (default
 * 200 000, the target: a probe writing that many flows per second makes
 * records whose times advance so), or HISTORY_BENCH_RATE=day: the N records
 * spread evenly over one day (each minute's 50 000 hosts nearly all new: the
 * rollups' worst case, as many rollup rows as records).
 */
const RATE = process.env.HISTORY_BENCH_RATE === 'day' ? 0 : Number(process.env.HISTORY_BENCH_RATE ?? 200_000);
const BATCH = 245_760; // the history consumer's batch (HISTORY_BATCH_RECORDS; ClickHouse: HISTORY_BATCH_RECORDS_CLICKHOUSE)
const BATCH_CLICKHOUSE = 131_072;
const DAY0 = Date.parse('2026-11-02T00:00:00Z');
const APPS = ['TLS.YouTube', 'TLS.Google', 'DNS', 'HTTP', 'QUIC.Google', 'TLS', 'NTP', 'SSH', 'TLS.Microsoft', 'TLS.Amazon', 'Unknown', 'HTTP.Facebook'];

function ip4(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

function makeBatch(from: number, n: number, total = N): FlowExportRecord[] {
  const out: FlowExportRecord[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    const last = DAY0 + (RATE > 0 ? Math.floor((i * 1000) / RATE) : Math.floor((i / total) * 86_400_000));
    const client = ip4(i % 50_000);
    const server = `192.0.${(i % 2000) >> 8}.${i % 2000 & 255}`;
    out[k] = {
      probe: 'bench',
      interface: 'eth1',
      key: `${i & 1}:${i}:1`,
      flow_start_ms: last - 3000,
      first_seen_ms: last - 3000,
      last_seen_ms: last,
      end_reason: i % 5 === 0 ? 'active_timeout' : 'idle',
      ip_version: 4,
      vlan: 0,
      l4: i % 3 === 0 ? 'UDP' : 'TCP',
      l4_proto: i % 3 === 0 ? 17 : 6,
      client: { ip: client, port: 32768 + (i % 28000) },
      server: { ip: server, port: [443, 53, 80, 22, 123][i % 5] },
      cli2srv: { packets: 5 + (i % 17), bytes: 400 + (i % 3000) },
      srv2cli: { packets: 4 + (i % 13), bytes: 900 + (i % 9000) },
      retransmissions: { cli2srv: i % 11 === 0 ? 1 : 0, srv2cli: 0 },
      flow_totals: { cli2srv: { packets: 0, bytes: 0 }, srv2cli: { packets: 0, bytes: 0 } },
      tcp_flags: { cli2srv: 0x1b, srv2cli: 0x1b },
      l7: APPS[i % APPS.length],
      category: 'Web',
      breed: 'Safe',
      server_name: i % 2 === 0 ? `host${i % 500}.example.com` : '',
      risks: [],
      score: 0,
      // A real Community ID's form: base64 of a 20-byte SHA-1 (random bytes, as incompressible as the real ones).
      community_id: `1:${createHash('sha1').update(String(i)).digest('base64')}`,
      client_name: '',
      server_host_name: i % 2 === 0 ? `host${i % 500}.example.com` : '',
      icmp_type: -1,
      icmp_code: -1,
    };
  }
  return out;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Writes N records in the history consumer's batches, then times the day's queries; prints the figures. */
async function run(name: string, store: HistoryStore, bytesOnDisk: () => Promise<number>, batchRecords = BATCH): Promise<void> {
  console.log(`${name}: ${N} records, load ${load()}`);
  let genMs = 0;
  let insertMs = 0;
  let cpuUs = 0;
  for (let at = 0; at < N; at += batchRecords) {
    const t = process.hrtime.bigint();
    const batch = makeBatch(at, Math.min(batchRecords, N - at));
    genMs += Number(process.hrtime.bigint() - t) / 1e6;
    const cpu = process.cpuUsage();
    insertMs += (await timed(() => store.insert(batch)))[1];
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    if ((at / batchRecords) % 10 === 9) console.log(`  ${at + batchRecords} records, ${Math.round((at + batchRecords) / (insertMs / 1000))} records/s so far`);
  }
  // The rollups of what is not summed yet (the embedded store sums them once per ~1 M records, every minute or before a query).
  const cpu = process.cpuUsage();
  const [, rollUpMs] = await timed(() => (store instanceof DuckDbHistoryRepository ? store.rollUp() : Promise.resolve()));
  const used = process.cpuUsage(cpu);
  cpuUs += used.user + used.system;
  insertMs += rollUpMs;
  const bytes = await bytesOnDisk();
  console.log(
    `${name} insert: ${Math.round(N / (insertMs / 1000))} records/s wall (store only, rollups included: last rollup pass ${Math.round(rollUpMs)} ms; ` +
      `building the records took ${Math.round(genMs)} ms more), ${Math.round(N / (cpuUs / 1e6))} records per CPU-second of this process (all threads), load ${load()}`,
  );
  console.log(`${name} disk: ${bytes} bytes, ${(bytes / N).toFixed(1)} bytes per record (flows + 3 rollups)`);
  const day = { fromMs: DAY0, toMs: DAY0 + 86_400_000 };
  for (let round = 0; round < 3; round++) {
    const [top, topMs] = await timed(() => store.top({ ...day, by: 'hosts', metric: 'bytes', limit: 10 }));
    const [flows, flowsMs] = await timed(() => store.queryFlows({ ...day, host: ip4(12345), sort: 'last_seen', order: 'desc', limit: 100, offset: 0 }));
    console.log(`${name} query round ${round + 1}: day's top-10 hosts ${topMs.toFixed(0)} ms (${top.source}, first ${top.data[0]?.key}); one host's flows over the day ${flowsMs.toFixed(0)} ms (${flows.total} records, page of ${flows.data.length})`);
  }
}

/**
 * The same records as makeBatch(i, 1, total) for i in [from, to), made by
 * DuckDB itself in the coded layout (`flows_c`, what the store writes; the
 * bulk path to 100 M stored flows: makeBatch and the JavaScript write path
 * would take hours on this machine): the few-valued strings as the day's
 * codes (`code`: value to code, from its `codes` table), except the
 * Community ID: five 32-bit words from DuckDB's hash(), as random as a real
 * one (makeBatch's are SHA-1s of the index).
 */
function bulkSql(table: string, from: number, to: number, total: number, code: Map<string, number>): string {
  const c = (v: string) => {
    const n = code.get(v);
    if (n === undefined) throw new Error(`no code for ${v}`);
    return n;
  };
  const name = `CASE WHEN i % 2 = 0 THEN 'host' || (i % 500)::VARCHAR || '.example.com' ELSE '' END`;
  const word = (x: string, hi: boolean) => `(hash(${x}) ${hi ? '>> 32' : '& 4294967295'})::UINTEGER`;
  return `INSERT INTO ${table} (probe_c, iface_c, flow_key, flow_start_ms, first_seen_ms, last_seen_ms, end_reason_c, ip_version, vlan, l4_c, l4_proto,
      cli_v4, cli_ip6, cli_n6, cli_port, srv_v4, srv_ip6, srv_n6, srv_port, c2s_pkts, c2s_bytes, s2c_pkts, s2c_bytes, c2s_retrans, s2c_retrans,
      c2s_flags, s2c_flags, l7_c, category_c, breed_c, server_name, risks, score, cli_name, srv_name, icmp_type, icmp_code, cid_text, cid0, cid1, cid2, cid3, cid4)
    SELECT ${c('bench')}, ${c('eth1')}, (i % 2)::VARCHAR || ':' || i::VARCHAR || ':1', t - 3000, t - 3000, t,
      CASE WHEN i % 5 = 0 THEN ${c('active_timeout')} ELSE ${c('idle')} END, 4, 0, CASE WHEN i % 3 = 0 THEN ${c('UDP')} ELSE ${c('TCP')} END, CASE WHEN i % 3 = 0 THEN 17 ELSE 6 END,
      ${0x0a000000} + i % 50000, NULL, NULL, 32768 + i % 28000, ${0xc0000000} + i % 2000, NULL, NULL, [443, 53, 80, 22, 123][i % 5 + 1],
      5 + i % 17, 400 + i % 3000, 4 + i % 13, 900 + i % 9000, CASE WHEN i % 11 = 0 THEN 1 ELSE 0 END, 0, 27, 27, [${APPS.map(c).join(', ')}][i % ${APPS.length} + 1],
      ${c('Web')}, ${c('Safe')}, ${name}, '', 0, '', ${name}, -1, -1, NULL,
      ${word('i', true)}, ${word('i', false)}, ${word('-i', true)}, ${word('-i', false)}, ${word('i + 1000000000000', true)}
    FROM (SELECT i, ${DAY0} + (i * 86400000 // ${total}) AS t FROM range(${from}, ${to}) r(i))`;
}

/**
 * Query latency over `rows` stored flows of one day (HISTORY_BENCH_BULK):
 * the day file is made once in `dir` (kept: later runs only query it) —
 * the first record through the store's write path, the others by bulkSql
 * in the same table — then the store sums them into its rollups (its own
 * rollUp, timed), and the day's top-10 hosts and one host's flows are timed.
 */
async function bulk(rows: number, dir: string): Promise<void> {
  const opts = { dir, maxAgeDays: 3650, diskBudgetBytes: Number.MAX_SAFE_INTEGER };
  const marker = path.join(dir, `complete-${rows}`);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(marker)) {
    // An interrupted run goes on where it stopped (each step is one transaction).
    const file = path.join(dir, `flows-${new Date(DAY0).toISOString().slice(0, 10)}.duckdb`);
    // The first records (every value of the few-valued strings: 60 = lcm of their periods) through the store's
    // write path, so the day's dictionary (`codes`) holds them all; the rest by bulkSql into `flows_c`.
    const FIRST = 60;
    if (!fs.existsSync(file)) {
      const store = new DuckDbHistoryRepository(opts);
      await store.open();
      await store.insert(makeBatch(0, FIRST, rows));
      await store.close();
    }
    const instance = await DuckDBInstance.create(':memory:', { threads: String(cpus().length) });
    const conn = await instance.connect();
    await conn.run(`ATTACH '${file}' AS d`);
    const code = new Map((await conn.runAndReadAll('SELECT value, code FROM d.codes')).getRows().map(([v, c]) => [String(v), Number(c)]));
    const have = Number((await conn.runAndReadAll('SELECT (SELECT count(*) FROM d.flows_c) + (SELECT count(*) FROM d.flows_c_tail)')).getRows()[0][0]);
    // Whole row groups (122 880 rows) per statement: flows_c grows as the store grows it.
    const step = 40 * 122_880;
    const t0 = Date.now();
    for (let at = have; at < rows; at += step) {
      await conn.run(bulkSql('d.flows_c', at, Math.min(rows, at + step), rows, code));
      const done = Math.min(rows, at + step);
      console.log(`  bulk: ${done} rows, ${Math.round((done - have) / ((Date.now() - t0) / 1000))} rows/s, load ${load()}`);
    }
    await conn.run('CHECKPOINT d');
    conn.closeSync();
    instance.closeSync();
    fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  }
  const file = path.join(dir, `flows-${new Date(DAY0).toISOString().slice(0, 10)}.duckdb`);
  let store = new DuckDbHistoryRepository(opts);
  await store.open();
  try {
    const [, rollMs] = await timed(() => store.rollUp());
    await store.checkpoint();
    const usage = store.usage();
    console.log(`duckdb ${rows} flows: rollups summed in ${Math.round(rollMs)} ms (0 when already summed); ${usage.bytes_on_disk} bytes on disk, ${(usage.bytes_on_disk / rows).toFixed(1)} bytes per flow (flows + 3 rollups), load ${load()}`);
    const reopenCold = async () => {
      await store.close();
      evict(file);
      store = new DuckDbHistoryRepository(opts);
      const [, openMs] = await timed(() => store.open());
      return openMs;
    };
    const rounds = async (label: string) => {
      const openMs = await reopenCold();
      console.log(`duckdb ${rows} flows, ${label}: day file evicted from the page cache (posix_fadvise DONTNEED), store opened in ${openMs.toFixed(0)} ms`);
      const day = { fromMs: DAY0, toMs: DAY0 + 86_400_000 };
      for (let round = 0; round < 3; round++) {
        let io = readBytes();
        const [top, topMs] = await timed(() => store.top({ ...day, by: 'hosts', metric: 'bytes', limit: 10 }));
        const topIo = readBytes() - io;
        io = readBytes();
        const [flows, flowsMs] = await timed(() => store.queryFlows({ ...day, host: ip4(12345), sort: 'last_seen', order: 'desc', limit: 100, offset: 0 }));
        const flowsIo = readBytes() - io;
        io = readBytes();
        const server = '192.0.0.57';
        const [srv, srvMs] = await timed(() => store.queryFlows({ ...day, host: server, sort: 'last_seen', order: 'desc', limit: 100, offset: 0 }));
        const srvIo = readBytes() - io;
        console.log(
          `duckdb ${rows} flows, ${label}, round ${round + 1}${round === 0 ? ' (cold)' : ''}: day's top-10 hosts ${topMs.toFixed(0)} ms (${top.source}, first ${top.data[0]?.key}; ${mib(topIo)} read); ` +
            `one host's flows over the day ${flowsMs.toFixed(0)} ms (client ${ip4(12345)}: ${flows.total} records, page of ${flows.data.length}; ${mib(flowsIo)} read); ` +
            `a server's ${srvMs.toFixed(0)} ms (${server}: ${srv.total} records; ${mib(srvIo)} read), load ${load()}`,
        );
      }
    };
    const close = process.env.HISTORY_BENCH_CLOSE !== '0';
    const closed = async () => Number((await (async () => {
      const i = await DuckDBInstance.create(':memory:');
      const c = await i.connect();
      try {
        await c.run(`ATTACH '${file}' AS d (READ_ONLY)`);
        return (await c.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE database_name = 'd' AND table_name = 'day_closed'`)).getRows()[0][0];
      } finally {
        c.closeSync();
        i.closeSync();
      }
    })()));
    if (close && (await closed()) === 0) {
      await rounds('before the day is closed');
      const cpu = process.cpuUsage();
      const io = readBytes();
      const [done, closeMs] = await timed(() => store.closeDays(DAY0 + 2 * 86_400_000));
      const used = process.cpuUsage(cpu);
      for (const d of done) {
        console.log(
          `duckdb ${rows} flows: day ${d.day} closed (rewritten by hour and client address, server index) in ${(closeMs / 1000).toFixed(1)} s wall, ` +
            `${((used.user + used.system) / 1e6).toFixed(1)} s CPU, ${mib(readBytes() - io)} read; ${d.bytes_before} → ${d.bytes_after} bytes on disk, ` +
            `${(d.bytes_after / rows).toFixed(1)} bytes per flow (flows + 3 rollups + index), load ${load()}`,
        );
      }
    }
    await rounds(close ? 'closed day' : 'day not closed');
  } finally {
    await store.close();
  }
}

/** Drops a file's pages from the OS page cache (posix_fadvise DONTNEED, that file only: other processes' caches stay). */
function evict(file: string): void {
  execFileSync('python3', ['-c', 'import os,sys\nfor f in sys.argv[1:]:\n  fd=os.open(f, os.O_RDONLY); os.fdatasync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)', file]);
}

/** Bytes this process has read from storage so far (/proc/self/io read_bytes: page-cache hits do not count). */
function readBytes(): number {
  const m = /read_bytes: (\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'));
  return m ? Number(m[1]) : 0;
}

const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;

/**
 * HISTORY_BENCH_SUSTAIN=1 (or =duckdb): writes into a DuckDB store in `dir`
 * without end (the same 4 batches of made records again and again, so no
 * record is made while timing) until SIGTERM, then prints the records/s it
 * sustained: the writer of appliance/bench/history-capture-cost.sh, beside a
 * capture. HISTORY_BENCH_SUSTAIN=clickhouse: the same into a private
 * clickhouse-server started in `dir` (stopped at the end).
 */
async function sustain(dir: string, backend: 'duckdb' | 'clickhouse'): Promise<void> {
  let server: ClickHouseProcess | undefined;
  let store: DuckDbHistoryRepository | ClickHouseHistoryRepository;
  if (backend === 'clickhouse') {
    server = await ClickHouseProcess.create(path.join(dir, 'clickhouse-server'));
    await server.start();
    store = new ClickHouseHistoryRepository({
      urls: [server.url],
      database: 'bench',
      bufferDir: path.join(dir, 'clickhouse-buffer'),
      bufferMaxBytes: 1 << 30,
      maxAgeDays: 3650,
      diskBudgetBytes: Number.MAX_SAFE_INTEGER,
    });
  } else {
    store = new DuckDbHistoryRepository({ dir, maxAgeDays: 3650, diskBudgetBytes: Number.MAX_SAFE_INTEGER });
  }
  try {
    await store.open();
    await sustainInto(store);
  } finally {
    await store.close();
    await server?.stop();
  }
}

async function sustainInto(store: DuckDbHistoryRepository | ClickHouseHistoryRepository): Promise<void> {
  const batches = [0, 1, 2, 3].map((k) => makeBatch(k * BATCH, BATCH, 4 * BATCH * 16));
  let stop = false;
  process.once('SIGTERM', () => (stop = true));
  console.log('writing');
  const t0 = process.hrtime.bigint();
  let written = 0;
  for (let k = 0; !stop; k++) {
    await store.insert(batches[k % batches.length]);
    written += BATCH;
  }
  if (store instanceof DuckDbHistoryRepository) await store.rollUp();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`sustained: ${written} records in ${s.toFixed(1)} s, ${Math.round(written / s)} records/s (rollups included)`);
}

async function main(): Promise<void> {
  if (process.env.HISTORY_BENCH_SUSTAIN) {
    const dir = process.env.HISTORY_BENCH_DIR ?? fs.mkdtempSync(path.join(tmpdir(), 'flowprobe-history-sustain-'));
    try {
      await sustain(dir, process.env.HISTORY_BENCH_SUSTAIN === 'clickhouse' ? 'clickhouse' : 'duckdb');
    } finally {
      if (!process.env.HISTORY_BENCH_DIR) fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const bulkRows = Number(process.env.HISTORY_BENCH_BULK ?? 0);
  if (bulkRows > 0) {
    const cache = process.env.HISTORY_BENCH_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'flowprobe', `history-bench-${bulkRows}`);
    console.log(`history bench: ${bulkRows} flows of one day in ${cache}, ${cpus().length} cores (${cpus()[0]?.model}); uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
    await bulk(bulkRows, cache);
    console.log(`load after: ${load()}`);
    return;
  }
  const stores = (process.env.HISTORY_BENCH_STORES ?? 'duckdb,clickhouse').split(',');
  const dir = process.env.HISTORY_BENCH_DIR ?? fs.mkdtempSync(path.join(tmpdir(), 'flowprobe-history-bench-'));
  let uptime = '';
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    // no uptime(1)
  }
  console.log(`history bench: ${N} records per store (${RATE > 0 ? `${RATE} per second of packet time` : 'spread over one day'}), batches of ${BATCH}, ${cpus().length} cores (${cpus()[0]?.model}); uptime: ${uptime}`);
  try {
    if (stores.includes('duckdb')) {
      const store = new DuckDbHistoryRepository({ dir: path.join(dir, 'duckdb'), maxAgeDays: 3650, diskBudgetBytes: Number.MAX_SAFE_INTEGER });
      await store.open();
      try {
        await run('duckdb', store, async () => {
          await store.checkpoint();
          return store.usage().bytes_on_disk;
        });
      } finally {
        await store.close();
      }
    }
    if (stores.includes('clickhouse')) {
      const server = await ClickHouseProcess.create(path.join(dir, 'clickhouse-server'));
      await server.start();
      const store = new ClickHouseHistoryRepository({
        urls: [server.url],
        database: 'bench',
        bufferDir: path.join(dir, 'clickhouse-buffer'),
        bufferMaxBytes: 1 << 30,
        maxAgeDays: 3650,
        diskBudgetBytes: Number.MAX_SAFE_INTEGER,
      });
      try {
        await store.open();
        await run(`clickhouse ${(await server.query('SELECT version()')).trim()}`, store, async () => {
          await server.query('OPTIMIZE TABLE bench.flows FINAL');
          return (await store.usage()).bytes_on_disk;
        }, BATCH_CLICKHOUSE);
        if (store.stats().buffered_records > 0) console.log(`clickhouse: ${store.stats().buffered_records} records went to the buffer (server too slow or gone)`);
      } finally {
        await store.close();
        await server.stop();
      }
    }
  } finally {
    console.log(`load after: ${load()}`);
    if (!process.env.HISTORY_BENCH_DIR) fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
