import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { FlowExportRecord } from '@flowprobe/dataplane';
import type { HistoryFlow, HistoryProbe, HistorySeriesResponse, HistoryTopResponse, HistoryUsage, TopEntry } from '../api';
import type { HistoryFlowQuery, HistorySeriesQuery, HistoryTopQuery } from './history.types';
import type { HistoryStore } from './history-store';
import { DAY_MS, dayOf, stackSeries, toHistoryFlow, toHistoryProbe } from './history-rows';
import { writeFileAtomic } from '../config/atomic-write';

const ROLLUPS = [
  { name: 'rollup_1h', ms: 3_600_000 },
  { name: 'rollup_5m', ms: 300_000 },
  { name: 'rollup_1m', ms: 60_000 },
] as const;
const LOCAL_TABLES = ['flows', ...ROLLUPS.map((r) => r.name)];

/** Where the ClickHouse history lives and how it is reached (boot config `history.clickhouse`). */
export interface ClickHouseHistoryOptions {
  /** HTTP(S) URLs of the servers, e.g. http://10.0.0.5:8123. Writes and reads use the first that answers; schema and retention are applied on every one. */
  urls: string[];
  database: string;
  username?: string;
  password?: string;
  /**
   * Cluster name (the servers' `remote_servers`): the MergeTree tables are
   * `<name>_local` on each server and `flows` / `rollup_*` are `Distributed`
   * over the cluster, so a query on any server spans the fleet.
   */
  cluster?: string;
  /** Folder of the on-disk buffer used while no server is reachable. */
  bufferDir: string;
  /** Bytes the buffer may use; a batch that does not fit is dropped, counted and reported. */
  bufferMaxBytes: number;
  maxAgeDays: number;
  /** Bytes the history may use on the servers (sum of their parts); past it the oldest days go. */
  diskBudgetBytes: number;
  /** Per request, ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Told when a batch could not be buffered (records dropped) and when the server is unreachable / back. */
  onProblem?: (
    problem:
      | { kind: 'overflow'; dropped: number; total: number }
      | { kind: 'rejected'; dropped: number; total: number; error: string }
      | { kind: 'unreachable'; error: string; buffered: number }
      | { kind: 'recovered' },
  ) => void;
}

/** Features a server's version() allows beyond what 18.16 (Debian 12) has. */
export interface ClickHouseFeatures {
  version: string;
  /** LowCardinality(String) for probe, interface, L4, end reason, application, category, breed (19.x and later; used from 20.3). */
  lowCardinality: boolean;
}

/** Which optional features a `version()` string allows. */
export function clickHouseFeatures(version: string): ClickHouseFeatures {
  const [major, minor] = version.split('.').map((p) => Number.parseInt(p, 10));
  const atLeast = (ma: number, mi: number) => major > ma || (major === ma && minor >= mi);
  return { version, lowCardinality: atLeast(20, 3) };
}

/** A ClickHouse string literal (backslash escapes): user text never reaches SQL any other way (18.16 has no query parameters). */
export function chString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const MASK64 = (1n << 64n) - 1n;

/** An address as two unsigned 64-bit halves (decimal text): IPv4 in the low half. */
function ipHalves(ip: string): [string, string] {
  const m = IPV4.exec(ip);
  if (m) return ['0', String(((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0)];
  let n = 0n;
  try {
    for (const part of expandIpv6(ip)) n = (n << 16n) | BigInt(part);
  } catch {
    return ['0', '0'];
  }
  return [String(n >> 64n), String(n & MASK64)];
}

/** The eight 16-bit groups of an IPv6 address (with an embedded IPv4 tail). */
function expandIpv6(ip: string): number[] {
  let text = ip.split('%')[0];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new RangeError(`not an IPv6 address: ${ip}`);
  return groups.map((g) => {
    const v = Number.parseInt(g, 16);
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new RangeError(`not an IPv6 address: ${ip}`);
    return v;
  });
}

const int = (n: number) => (Number.isFinite(n) ? String(Math.trunc(n)) : '0');
const uint = (n: number) => (Number.isFinite(n) && n > 0 ? String(Math.trunc(n)) : '0');
const str = JSON.stringify;

/** One record as a JSONEachRow line of the `flows` table (written by hand: 64-bit values stay exact, no object per row). */
export function recordLine(r: FlowExportRecord): string {
  const [cliHi, cliLo] = ipHalves(r.client.ip);
  const [srvHi, srvLo] = ipHalves(r.server.ip);
  return (
    `{"day":"${dayOf(r.last_seen_ms)}","probe":${str(r.probe)},"iface":${str(r.interface)},"flow_key":${str(r.key)},` +
    `"flow_start_ms":${int(r.flow_start_ms)},"first_seen_ms":${int(r.first_seen_ms)},"last_seen_ms":${int(r.last_seen_ms)},"end_reason":${str(r.end_reason)},` +
    `"ip_version":${uint(r.ip_version)},"vlan":${uint(r.vlan)},"l4":${str(r.l4)},"l4_proto":${uint(r.l4_proto)},` +
    `"cli_ip":${str(r.client.ip)},"cli_hi":${cliHi},"cli_lo":${cliLo},"cli_port":${uint(r.client.port)},` +
    `"srv_ip":${str(r.server.ip)},"srv_hi":${srvHi},"srv_lo":${srvLo},"srv_port":${uint(r.server.port)},` +
    `"c2s_pkts":${uint(r.cli2srv.packets)},"c2s_bytes":${uint(r.cli2srv.bytes)},"s2c_pkts":${uint(r.srv2cli.packets)},"s2c_bytes":${uint(r.srv2cli.bytes)},` +
    `"c2s_retrans":${uint(r.retransmissions.cli2srv)},"s2c_retrans":${uint(r.retransmissions.srv2cli)},"c2s_flags":${uint(r.tcp_flags.cli2srv)},"s2c_flags":${uint(r.tcp_flags.srv2cli)},` +
    `"l7":${str(r.l7)},"category":${str(r.category)},"breed":${str(r.breed)},"server_name":${str(r.server_name)},"risks":${str(r.risks.join(','))},"score":${int(r.score)},` +
    `"community_id":${str(r.community_id)},"cli_name":${str(r.client_name)},"srv_name":${str(r.server_host_name)},"icmp_type":${int(r.icmp_type)},"icmp_code":${int(r.icmp_code)}}\n`
  );
}

/** DDL of the tables (18.16 syntax: custom partitioning by day, no TTL, no codecs). */
export function clickHouseSchema(db: string, f: ClickHouseFeatures, cluster?: string): string[] {
  const lc = (t: string) => (f.lowCardinality ? `LowCardinality(${t})` : t);
  const local = (t: string) => (cluster ? `${db}.${t}_local` : `${db}.${t}`);
  const flowColumns = [
    'day Date',
    `probe ${lc('String')}`,
    `iface ${lc('String')}`,
    'flow_key String',
    'flow_start_ms Int64',
    'first_seen_ms Int64',
    'last_seen_ms Int64',
    `end_reason ${lc('String')}`,
    'ip_version UInt8',
    'vlan UInt16',
    `l4 ${lc('String')}`,
    'l4_proto UInt8',
    'cli_ip String',
    'cli_hi UInt64',
    'cli_lo UInt64',
    'cli_port UInt16',
    'srv_ip String',
    'srv_hi UInt64',
    'srv_lo UInt64',
    'srv_port UInt16',
    'c2s_pkts UInt64',
    'c2s_bytes UInt64',
    's2c_pkts UInt64',
    's2c_bytes UInt64',
    'c2s_retrans UInt64',
    's2c_retrans UInt64',
    'c2s_flags UInt8',
    's2c_flags UInt8',
    `l7 ${lc('String')}`,
    `category ${lc('String')}`,
    `breed ${lc('String')}`,
    'server_name String',
    'risks String',
    'score Int32',
    'community_id String',
    'cli_name String',
    'srv_name String',
    'icmp_type Int16',
    'icmp_code Int16',
  ].join(', ');
  const rollupColumns = `day Date, bucket_ms Int64, kind ${lc('String')}, probe ${lc('String')}, k1 String, k2 String, bytes UInt64, packets UInt64, flows UInt64`;
  const ddl = [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${local('flows')} (${flowColumns}) ENGINE = MergeTree PARTITION BY day ORDER BY (probe, last_seen_ms)`,
  ];
  for (const r of ROLLUPS) {
    ddl.push(`CREATE TABLE IF NOT EXISTS ${local(r.name)} (${rollupColumns}) ENGINE = SummingMergeTree PARTITION BY day ORDER BY (kind, bucket_ms, probe, k1, k2)`);
    // One row per dimension of each record: hosts (client; server unless the same), application, server port, host pair (hourly only:
    // nearly one row per record and bucket, as the embedded store).
    ddl.push(
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${local(`${r.name}_mv`)} TO ${local(r.name)} AS ` +
        `SELECT day, intDiv(last_seen_ms, ${r.ms}) * ${r.ms} AS bucket_ms, d.1 AS kind, probe, d.2 AS k1, d.3 AS k2, ` +
        `sum(c2s_bytes + s2c_bytes) AS bytes, sum(c2s_pkts + s2c_pkts) AS packets, sum(toUInt64(end_reason != 'active_timeout')) AS flows ` +
        `FROM ${local('flows')} ARRAY JOIN arrayFilter(x -> x.1 != '', [('host', cli_ip, ''), (if(srv_ip != cli_ip, 'host', ''), srv_ip, ''), ` +
        `('app', l7, ''), ('port', concat(toString(srv_port), '/', l4), '')${r.ms === 3_600_000 ? ", ('pair', cli_ip, srv_ip)" : ''}]) AS d ` +
        // Summed within each insert block already: a key's rows of one batch become one row.
        `GROUP BY day, bucket_ms, kind, probe, k1, k2`,
    );
  }
  if (cluster) {
    ddl.push(`CREATE TABLE IF NOT EXISTS ${db}.flows AS ${local('flows')} ENGINE = Distributed(${cluster}, ${db}, flows_local, cityHash64(probe, flow_key))`);
    for (const r of ROLLUPS) ddl.push(`CREATE TABLE IF NOT EXISTS ${db}.${r.name} AS ${local(r.name)} ENGINE = Distributed(${cluster}, ${db}, ${r.name}_local, rand())`);
  }
  return ddl;
}

interface Server {
  url: string;
  client: ClickHouseClient;
  schemaReady: boolean;
  features?: ClickHouseFeatures;
}

interface Spooled {
  file: string;
  records: number;
  bytes: number;
}

const SPOOL_RE = /^(\d{12})-(\d+)\.ndjson$/;
const BUFFER_RETRY_MS = 1000;
const BUFFER_RETRY_MAX_MS = 10_000;

/**
 * The flow history in ClickHouse (fleets of probes: every row carries its
 * probe id). Batches are JSONEachRow inserts into `flows`; materialized views
 * fill the SummingMergeTree rollups. While no server answers, batches go to a
 * bounded on-disk buffer (files of JSONEachRow lines, oldest first) and are
 * delivered in order on reconnect; a batch that does not fit is dropped,
 * counted and reported (`onProblem`), never silently.
 */
export class ClickHouseHistoryRepository implements HistoryStore {
  private readonly servers: Server[];
  private current = 0;
  private readonly spool: Spooled[] = [];
  private spoolBytes = 0;
  private seq = 0;
  private written = 0;
  private overflowRecords = 0;
  private rejectedRecords = 0;
  private delivered = 0;
  private lastError: string | undefined;
  private nextAttemptMs = 0;
  private retryMs = BUFFER_RETRY_MS;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private lastRetention: HistoryUsage['last_retention'];
  private closed = false;

  constructor(private readonly options: ClickHouseHistoryOptions) {
    if (options.urls.length === 0) throw new RangeError('history.clickhouse.urls: at least one server URL');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.database)) throw new RangeError(`history.clickhouse.database: not a plain name: ${options.database}`);
    if (options.cluster !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.cluster)) throw new RangeError(`history.clickhouse.cluster: not a plain name: ${options.cluster}`);
    this.servers = options.urls.map((url) => ({
      url,
      schemaReady: false,
      client: createClient({
        url,
        username: options.username ?? 'default',
        password: options.password ?? '',
        request_timeout: options.requestTimeoutMs ?? 30_000,
        max_open_connections: 4,
        // Failures are counted, buffered and reported here (health, usage, log once per state change), not logged per request.
        log: { level: ClickHouseLogLevel.OFF },
      }),
    }));
  }

  private get db(): string {
    return this.options.database;
  }

  async open(): Promise<void> {
    fs.mkdirSync(this.options.bufferDir, { recursive: true, mode: 0o700 });
    // Batches left from an earlier run are delivered first.
    for (const f of fs.readdirSync(this.options.bufferDir).sort()) {
      const m = SPOOL_RE.exec(f);
      if (!m) continue;
      const file = path.join(this.options.bufferDir, f);
      const bytes = fs.statSync(file).size;
      this.spool.push({ file, records: Number(m[2]), bytes });
      this.spoolBytes += bytes;
      this.seq = Math.max(this.seq, Number(m[1]));
    }
    for (const s of this.servers) await this.ensureSchema(s).catch(() => undefined);
    this.timer = setInterval(() => void this.serial(() => this.drain()).catch(() => undefined), BUFFER_RETRY_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain.catch(() => undefined);
    await Promise.all(this.servers.map((s) => s.client.close().catch(() => undefined)));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async ensureSchema(s: Server): Promise<void> {
    if (s.schemaReady) return;
    const rows = await this.rowsOn<{ v: string }>(s, 'SELECT version() AS v');
    s.features = clickHouseFeatures(rows[0].v);
    for (const sql of clickHouseSchema(this.db, s.features, this.options.cluster)) {
      await s.client.command({ query: sql, clickhouse_settings: s.features.lowCardinality ? { allow_suspicious_low_cardinality_types: 1 } : {} });
    }
    s.schemaReady = true;
  }

  private async rowsOn<T>(s: Server, query: string): Promise<T[]> {
    const rs = await s.client.query({ query, format: 'JSONEachRow' });
    return rs.json<T>();
  }

  /** A query on the first server that answers (the fleet's tables are the same on each). */
  private async rows<T>(query: string): Promise<T[]> {
    let lastErr: unknown;
    for (let i = 0; i < this.servers.length; i++) {
      const s = this.servers[(this.current + i) % this.servers.length];
      try {
        await this.ensureSchema(s);
        return await this.rowsOn<T>(s, query);
      } catch (err) {
        lastErr = err;
        if (!isConnectionError(err)) throw err;
      }
    }
    throw lastErr;
  }

  /** Sends one JSONEachRow body to `flows` on the current server, trying the others once each. */
  private async send(body: string): Promise<void> {
    let lastErr: unknown;
    for (let i = 0; i < this.servers.length; i++) {
      const s = this.servers[this.current];
      try {
        await this.ensureSchema(s);
        const result = await s.client.exec({ query: `INSERT INTO ${this.db}.flows FORMAT JSONEachRow`, values: Readable.from([body]) });
        // The answer of an insert is empty; read it to its end so the socket goes back to the pool.
        for await (const _ of result.stream) void _;
        return;
      } catch (err) {
        lastErr = err;
        this.current = (this.current + 1) % this.servers.length;
      }
    }
    throw lastErr;
  }

  insert(records: FlowExportRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    let body = '';
    for (const r of records) body += recordLine(r);
    return this.serial(async () => {
      this.written += records.length;
      if (this.spool.length === 0 && Date.now() >= this.nextAttemptMs) {
        try {
          await this.send(body);
          this.delivered += records.length;
          this.succeeded();
          return;
        } catch (err) {
          this.failed(err);
        }
      }
      await this.buffer(body, records.length);
      await this.drain();
    });
  }

  private succeeded(): void {
    if (this.lastError !== undefined) {
      this.lastError = undefined;
      this.options.onProblem?.({ kind: 'recovered' });
    }
    this.retryMs = BUFFER_RETRY_MS;
    this.nextAttemptMs = 0;
  }

  private failed(err: unknown): void {
    this.lastError = (err as Error)?.message ?? String(err);
    this.nextAttemptMs = Date.now() + this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, BUFFER_RETRY_MAX_MS);
    this.options.onProblem?.({ kind: 'unreachable', error: this.lastError, buffered: this.bufferedRecords() });
  }

  private bufferedRecords(): number {
    return this.spool.reduce((n, s) => n + s.records, 0);
  }

  /** Keeps a batch on disk; past the bound it is dropped and counted. */
  private async buffer(body: string, records: number): Promise<void> {
    const bytes = Buffer.byteLength(body);
    if (this.spoolBytes + bytes > this.options.bufferMaxBytes) {
      this.overflowRecords += records;
      this.options.onProblem?.({ kind: 'overflow', dropped: records, total: this.overflowRecords });
      return;
    }
    const seq = ++this.seq;
    const file = path.join(this.options.bufferDir, `${String(seq).padStart(12, '0')}-${records}.ndjson`);
    // Atomic: a crash mid-write leaves no torn batch for the next start to send.
    await writeFileAtomic(file, body, 0o600);
    this.spool.push({ file, records, bytes });
    this.spoolBytes += bytes;
  }

  /** Delivers buffered batches, oldest first, while the server takes them. */
  private async drain(): Promise<void> {
    if (this.closed && this.spool.length === 0) return;
    for (const s of this.servers) if (!s.schemaReady) await this.ensureSchema(s).catch(() => undefined);
    while (this.spool.length > 0 && Date.now() >= this.nextAttemptMs) {
      const head = this.spool[0];
      let body: string;
      try {
        body = await fs.promises.readFile(head.file, 'utf8');
      } catch {
        // A buffer file that went away cannot be sent: count it as lost, never loop on it.
        this.overflowRecords += head.records;
        this.spool.shift();
        this.spoolBytes -= head.bytes;
        continue;
      }
      try {
        await this.send(body);
      } catch (err) {
        if (!isBadData(err)) {
          this.failed(err);
          return;
        }
        // The server read the batch and refused its content (a damaged buffer file, a table changed by
        // hand): retrying would block every later batch. Counted and reported, then the next one.
        this.rejectedRecords += head.records;
        this.options.onProblem?.({ kind: 'rejected', dropped: head.records, total: this.rejectedRecords, error: (err as Error).message.slice(0, 300) });
        this.spool.shift();
        this.spoolBytes -= head.bytes;
        await fs.promises.rm(head.file, { force: true });
        continue;
      }
      this.spool.shift();
      this.spoolBytes -= head.bytes;
      this.delivered += head.records;
      await fs.promises.rm(head.file, { force: true });
      this.succeeded();
    }
  }

  /** Waits until the buffer is empty (tests, shutdown) or `timeoutMs` passed; true when empty. */
  async flushBuffer(timeoutMs = 30_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.serial(async () => {
        this.nextAttemptMs = 0;
        await this.drain();
      });
      if (this.spool.length === 0) return true;
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async queryFlows(q: HistoryFlowQuery): Promise<{ total: number; data: HistoryFlow[] }> {
    const where = flowWhere(q);
    const total = await this.rows<{ n: string }>(`SELECT count() AS n FROM ${this.db}.flows WHERE ${where}`);
    const sortCol = { last_seen: 'last_seen_ms', first_seen: 'first_seen_ms', bytes: '(c2s_bytes + s2c_bytes)', packets: '(c2s_pkts + s2c_pkts)' }[q.sort];
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const data = await this.rows<Record<string, string | number>>(
      `SELECT * FROM ${this.db}.flows WHERE ${where} ORDER BY ${sortCol} ${dir}, probe, flow_key, last_seen_ms LIMIT ${q.offset}, ${q.limit}`,
    );
    return { total: Number(total[0]?.n ?? 0), data: data.map(toHistoryFlow) };
  }

  async *exportFlows(q: HistoryFlowQuery, pageRows = 10_000): AsyncGenerator<HistoryFlow[]> {
    let offset = q.offset;
    let left = q.limit;
    while (left > 0) {
      const n = Math.min(pageRows, left);
      const page = await this.queryFlows({ ...q, offset, limit: n });
      if (page.data.length === 0) return;
      yield page.data;
      offset += page.data.length;
      left -= page.data.length;
      if (page.data.length < n) return;
    }
  }

  /** Every probe writing into the database (the whole fleet: Distributed tables span the shards). */
  async probes(fromMs: number, toMs: number): Promise<HistoryProbe[]> {
    const rows = await this.rows<Record<string, string>>(
      `SELECT probe, count() AS records, sum(toUInt64(end_reason != 'active_timeout')) AS flows, sum(c2s_bytes + s2c_bytes) AS bytes,
              sum(c2s_pkts + s2c_pkts) AS packets, max(last_seen_ms) AS last_ms
       FROM ${this.db}.flows WHERE ${dayRange(fromMs, toMs, 0)} AND last_seen_ms >= ${fromMs} AND last_seen_ms < ${toMs}
       GROUP BY probe ORDER BY records DESC, probe`,
    );
    return rows.map((r) => toHistoryProbe(r, fromMs, toMs));
  }

  async top(q: HistoryTopQuery): Promise<HistoryTopResponse> {
    const rollup =
      q.by === 'server_names' ? undefined : ROLLUPS.find((r) => q.fromMs % r.ms === 0 && q.toMs % r.ms === 0 && (q.by !== 'pairs' || r.ms === 3_600_000));
    const base = { from_ms: q.fromMs, to_ms: q.toMs, by: q.by, metric: q.metric };
    const kind = { hosts: 'host', pairs: 'pair', applications: 'app', ports: 'port', server_names: 'server_name' }[q.by];
    const probe = q.probe !== undefined ? ` AND probe = ${chString(q.probe)}` : '';
    const days = dayRange(q.fromMs, q.toMs, 0);
    let sql: string;
    if (rollup) {
      sql = `SELECT k1, k2, sum(bytes) AS bytes, sum(packets) AS packets, sum(flows) AS flows FROM ${this.db}.${rollup.name}
             WHERE ${days} AND kind = '${kind}' AND bucket_ms >= ${q.fromMs} AND bucket_ms < ${q.toMs}${probe} GROUP BY k1, k2`;
    } else {
      sql = `SELECT d.2 AS k1, d.3 AS k2, sum(c2s_bytes + s2c_bytes) AS bytes, sum(c2s_pkts + s2c_pkts) AS packets, sum(toUInt64(end_reason != 'active_timeout')) AS flows
             FROM ${this.db}.flows ARRAY JOIN arrayFilter(x -> x.1 = '${kind}', ${DIMENSIONS}) AS d
             WHERE ${days} AND last_seen_ms >= ${q.fromMs} AND last_seen_ms < ${q.toMs}${probe} GROUP BY k1, k2`;
    }
    const rows = await this.rows<Record<string, string>>(`${sql} ORDER BY ${q.metric} DESC, k1, k2 LIMIT ${q.limit}`);
    const data: TopEntry[] = rows.map((r) => ({
      key: String(r.k1),
      ...(q.by === 'pairs' ? { peer: String(r.k2) } : {}),
      bytes: Number(r.bytes),
      packets: Number(r.packets),
      flows: Number(r.flows),
    }));
    return { ...base, source: rollup ? rollup.name : 'flows', data };
  }

  async series(q: HistorySeriesQuery): Promise<HistorySeriesResponse> {
    const stepMs = q.stepS * 1000;
    const fromMs = Math.floor(q.fromMs / stepMs) * stepMs;
    const toMs = Math.ceil(q.toMs / stepMs) * stepMs;
    const buckets: number[] = [];
    for (let t = fromMs; t < toMs; t += stepMs) buckets.push(t);
    const rollup = ROLLUPS.find((r) => r.ms === stepMs)!;
    const kind = q.by === 'application' ? 'app' : 'host';
    const probe = q.probe !== undefined ? ` AND probe = ${chString(q.probe)}` : '';
    // One host's records (client or server): summed from the records themselves, the rollups have no host dimension.
    const rows = await this.rows<Record<string, string>>(
      q.host !== undefined
        ? `SELECT d.2 AS k1, intDiv(last_seen_ms, ${stepMs}) * ${stepMs} AS bucket_ms, sum(c2s_bytes + s2c_bytes) AS bytes
           FROM ${this.db}.flows ARRAY JOIN arrayFilter(x -> x.1 = '${kind}', ${DIMENSIONS}) AS d
           WHERE ${dayRange(fromMs, toMs, 0)} AND last_seen_ms >= ${fromMs} AND last_seen_ms < ${toMs}
             AND (cli_ip = ${chString(q.host)} OR srv_ip = ${chString(q.host)})${probe} GROUP BY k1, bucket_ms`
        : `SELECT k1, bucket_ms, sum(bytes) AS bytes FROM ${this.db}.${rollup.name}
           WHERE ${dayRange(fromMs, toMs, 0)} AND kind = '${kind}' AND bucket_ms >= ${fromMs} AND bucket_ms < ${toMs}${probe} GROUP BY k1, bucket_ms`,
    );
    return { from_ms: fromMs, to_ms: toMs, step_s: q.stepS, by: q.by, buckets, series: stackSeries(rows, buckets, stepMs, fromMs, q.limit) };
  }

  /** Day partitions with their bytes, summed over the servers that answer. */
  private async partitions(): Promise<Map<string, number>> {
    const days = new Map<string, number>();
    const names = LOCAL_TABLES.map((t) => chString(this.options.cluster ? `${t}_local` : t)).join(', ');
    for (const s of this.servers) {
      try {
        const rows = await this.rowsOn<{ partition: string; bytes: string }>(
          s,
          `SELECT partition, sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = ${chString(this.db)} AND table IN (${names}) GROUP BY partition`,
        );
        for (const r of rows) days.set(r.partition, (days.get(r.partition) ?? 0) + Number(r.bytes));
      } catch {
        // An unreachable server: its partitions are counted when it answers again.
      }
    }
    return days;
  }

  /** Drops whole days on every server: older than maxAgeDays, then the oldest while over the budget (never the newest day). */
  enforceRetention(nowMs = Date.now()): Promise<NonNullable<HistoryUsage['last_retention']>> {
    return this.serial(async () => {
      const dropped: NonNullable<HistoryUsage['last_retention']>['dropped'] = [];
      const parts = await this.partitions();
      const days = [...parts.entries()].map(([day, bytes]) => ({ day, bytes })).sort((a, b) => a.day.localeCompare(b.day));
      const oldestKept = dayOf(nowMs - this.options.maxAgeDays * DAY_MS);
      while (days.length > 1 && days[0].day < oldestKept) {
        const d = days.shift()!;
        await this.dropDay(d.day);
        dropped.push({ day: d.day, reason: 'max_age', bytes: d.bytes });
      }
      let total = days.reduce((n, d) => n + d.bytes, 0);
      while (total > this.options.diskBudgetBytes && days.length > 1) {
        const d = days.shift()!;
        await this.dropDay(d.day);
        dropped.push({ day: d.day, reason: 'disk_budget', bytes: d.bytes });
        total -= d.bytes;
      }
      this.lastRetention = { at_ms: nowMs, dropped };
      return this.lastRetention;
    });
  }

  private async dropDay(day: string): Promise<void> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
    for (const s of this.servers) {
      for (const t of LOCAL_TABLES) {
        const table = this.options.cluster ? `${t}_local` : t;
        await s.client.command({ query: `ALTER TABLE ${this.db}.${table} DROP PARTITION '${day}'` }).catch(() => undefined);
      }
    }
  }

  async usage(): Promise<HistoryUsage> {
    const parts = await this.partitions();
    const days = [...parts.entries()].map(([day, bytes]) => ({ day, bytes })).sort((a, b) => a.day.localeCompare(b.day));
    const bytes = days.reduce((n, d) => n + d.bytes, 0);
    return {
      backend: 'clickhouse',
      bytes_on_disk: bytes,
      budget_bytes: this.options.diskBudgetBytes,
      budget_used: this.options.diskBudgetBytes > 0 ? bytes / this.options.diskBudgetBytes : 0,
      max_age_days: this.options.maxAgeDays,
      days,
      records_written: this.written,
      ...(this.lastRetention ? { last_retention: this.lastRetention } : {}),
      clickhouse: {
        servers: this.servers.map((s) => ({ url: redactUrl(s.url), version: s.features?.version ?? null, reachable: s.schemaReady })),
        cluster: this.options.cluster ?? null,
        records_delivered: this.delivered,
        buffered_records: this.bufferedRecords(),
        buffered_bytes: this.spoolBytes,
        buffer_max_bytes: this.options.bufferMaxBytes,
        overflow_records: this.overflowRecords,
        rejected_records: this.rejectedRecords,
        ...(this.lastError !== undefined ? { last_error: this.lastError } : {}),
      },
    };
  }

  /** Buffer counters for /metrics. */
  stats(): { buffered_records: number; buffered_bytes: number; overflow_records: number; rejected_records: number; delivered: number } {
    return {
      buffered_records: this.bufferedRecords(),
      buffered_bytes: this.spoolBytes,
      overflow_records: this.overflowRecords,
      rejected_records: this.rejectedRecords,
      delivered: this.delivered,
    };
  }
}

/** URL without credentials (shown by the API). */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** ClickHouse error codes of an insert whose data the server cannot take (parse and type errors): retrying cannot help. */
const BAD_DATA_CODES = new Set(['6', '8', '16', '25', '26', '27', '38', '41', '53', '69', '70', '72', '117', '131', '349']);

function isBadData(err: unknown): boolean {
  // 18.16 answers `Code: 27, e.displayText() = DB::Exception: ...`, which the client does not parse into a ClickHouseError.
  const code = err instanceof ClickHouseError ? String(err.code) : /^Code: (\d+)\b/.exec((err as Error)?.message ?? '')?.[1];
  return code !== undefined && BAD_DATA_CODES.has(code);
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  const msg = (err as Error)?.message ?? '';
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || /timeout|socket hang up|ECONNREFUSED/i.test(msg);
}

/** Rows per record for the top-N from raw records: hosts, application, port, pair, server name. */
const DIMENSIONS =
  "[('host', cli_ip, ''), (if(srv_ip != cli_ip, 'host', ''), srv_ip, ''), ('app', l7, ''), ('port', concat(toString(srv_port), '/', l4), ''), ('pair', cli_ip, srv_ip), (if(server_name != '', 'server_name', ''), server_name, '')]";

/** Partition pruning: the days [from, to) covers, plus `slackDays` after it (records whose window starts in the range). */
function dayRange(fromMs: number, toMs: number, slackDays: number): string {
  return `day >= '${dayOf(fromMs)}' AND day <= '${dayOf(toMs - 1 + slackDays * DAY_MS)}'`;
}

const MASK = (1n << 64n) - 1n;

/** WHERE clause of a flow search (the same matches as the DuckDB store's). */
function flowWhere(q: HistoryFlowQuery): string {
  const parts = [dayRange(q.fromMs, q.toMs, 1), `last_seen_ms >= ${q.fromMs}`, `first_seen_ms < ${q.toMs}`];
  if (q.host !== undefined) parts.push(`(cli_ip = ${chString(q.host)} OR srv_ip = ${chString(q.host)})`);
  if (q.network) {
    const { version, lo, hi } = q.network;
    const t = (n: bigint) => `(toUInt64(${n >> 64n}), toUInt64(${n & MASK}))`;
    const range = (c: string) => `(ip_version = ${version} AND (${c}_hi, ${c}_lo) >= ${t(lo)} AND (${c}_hi, ${c}_lo) <= ${t(hi)})`;
    parts.push(`(${range('cli')} OR ${range('srv')})`);
  }
  if (q.port !== undefined) parts.push(`(cli_port = ${Math.trunc(q.port)} OR srv_port = ${Math.trunc(q.port)})`);
  if (q.l4Proto !== undefined) parts.push(`l4_proto = ${Math.trunc(q.l4Proto)}`);
  if (q.application !== undefined) {
    const a = chString(q.application);
    parts.push(`(lowerUTF8(l7) = lowerUTF8(${a}) OR lowerUTF8(l7) LIKE concat(lowerUTF8(${a}), '.%') OR lowerUTF8(l7) LIKE concat('%.', lowerUTF8(${a})))`);
  }
  if (q.serverName !== undefined) parts.push(`position(lowerUTF8(server_name), lowerUTF8(${chString(q.serverName)})) > 0`);
  if (q.communityId !== undefined) parts.push(`community_id = ${chString(q.communityId)}`);
  if (q.probe !== undefined) parts.push(`probe = ${chString(q.probe)}`);
  return parts.join(' AND ');
}

