import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOUBLE, DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBType, DuckDBValue, INTEGER, SMALLINT, UHUGEINT, UINTEGER, USMALLINT, UTINYINT, VARCHAR } from '@duckdb/node-api';
import type { FlowExportRecord } from '@flowprobe/dataplane';
import { ipToBigInt } from './ip-range';
import { DAY_MS, dayOf, stackSeries, toHistoryFlow, toHistoryProbe } from './history-rows';
import type { HistoryFlow, HistoryProbe, HistorySeriesResponse, HistoryTopResponse, HistoryUsage, TopEntry } from '../api';
import type { HistoryFlowQuery, HistorySeriesQuery, HistoryTopQuery } from './history.types';
import type { HistoryStore } from './history-store';

/** Appended rows of a day after which insert() sums them into the rollups (else every minute, or before a query). */
const ROLLUP_ROWS = 1 << 20;
/** Rows summed in one rollup pass at most (bounds the memory of the pass's 1-minute aggregate). */
const ROLLUP_PASS_ROWS = 1 << 23;
/** Rows per DuckDB data chunk (its vector size). */
const CHUNK_ROWS = 2048;
/** Rollup resolutions, finest last: a range aligned to a coarser one reads fewer rows. */
const ROLLUPS = [
  { name: 'rollup_1h', ms: 3_600_000 },
  { name: 'rollup_5m', ms: 300_000 },
  { name: 'rollup_1m', ms: 60_000 },
] as const;

/** Columns of the `flows` table, in order, with their DuckDB types. */
const COLUMNS: { name: string; sql: string }[] = [
  ['probe', 'VARCHAR'], ['iface', 'VARCHAR'], ['flow_key', 'VARCHAR'], ['flow_start_ms', 'BIGINT'], ['first_seen_ms', 'BIGINT'],
  ['last_seen_ms', 'BIGINT'], ['end_reason', 'VARCHAR'], ['ip_version', 'UTINYINT'], ['vlan', 'USMALLINT'], ['l4', 'VARCHAR'],
  ['l4_proto', 'UTINYINT'], ['cli_v4', 'UINTEGER'], ['cli_ip6', 'VARCHAR'], ['cli_n6', 'UHUGEINT'], ['cli_port', 'USMALLINT'],
  ['srv_v4', 'UINTEGER'], ['srv_ip6', 'VARCHAR'], ['srv_n6', 'UHUGEINT'], ['srv_port', 'USMALLINT'], ['c2s_pkts', 'BIGINT'], ['c2s_bytes', 'BIGINT'], ['s2c_pkts', 'BIGINT'],
  ['s2c_bytes', 'BIGINT'], ['c2s_retrans', 'BIGINT'], ['s2c_retrans', 'BIGINT'], ['c2s_flags', 'UTINYINT'], ['s2c_flags', 'UTINYINT'],
  ['l7', 'VARCHAR'], ['category', 'VARCHAR'], ['breed', 'VARCHAR'], ['server_name', 'VARCHAR'], ['risks', 'VARCHAR'],
  ['score', 'INTEGER'], ['community_id', 'VARCHAR'], ['cli_name', 'VARCHAR'], ['srv_name', 'VARCHAR'], ['icmp_type', 'SMALLINT'],
  ['icmp_code', 'SMALLINT'],
].map(([name, sql]) => ({ name, sql }));

/**
 * The write path's staging columns: what a record costs least to hand to
 * DuckDB. Numbers go into typed vectors (DOUBLE, exact below 2^53, instead of
 * a BigInt per value); the strings of few values (probe, interface, end
 * reason, L4, application, category, breed) as codes of a dictionary; IPv4
 * addresses as 32-bit numbers (their text is made in SQL), IPv6 as text and
 * number; empty strings as NULL (no string to copy). One SQL statement turns
 * a staged batch into `flows` rows.
 */
type Setter = (v: { setItem(i: number, v: never): void }, i: number, r: FlowExportRecord) => void;
interface StageColumn {
  name: string;
  type: DuckDBType;
  set: Setter;
}
const num = (get: (r: FlowExportRecord) => number): Setter => (v, i, r) => (v.setItem as (i: number, x: number) => void)(i, get(r));
const text = (get: (r: FlowExportRecord) => string): Setter => (v, i, r) => {
  const s = get(r);
  (v.setItem as (i: number, x: string | null) => void)(i, s === '' ? null : s);
};
const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
function v4(ip: string): number | null {
  const m = IPV4_RE.exec(ip);
  return m ? ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0 : null;
}
const ip4 = (get: (r: FlowExportRecord) => string): Setter => (v, i, r) => (v.setItem as (i: number, x: number | null) => void)(i, v4(get(r)));
const ip6Text = (get: (r: FlowExportRecord) => string): Setter => (v, i, r) => {
  const ip = get(r);
  (v.setItem as (i: number, x: string | null) => void)(i, v4(ip) === null ? ip : null);
};
const ip6Num = (get: (r: FlowExportRecord) => string): Setter => (v, i, r) => {
  const ip = get(r);
  let n: bigint | null = null;
  if (v4(ip) === null) {
    try {
      n = ipToBigInt(ip);
    } catch {
      n = 0n;
    }
  }
  (v.setItem as (i: number, x: bigint | null) => void)(i, n);
};

/** Dictionary codes of the few-valued strings (shared by every batch of this process; reset when full). */
class Codes {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(s);
      this.index.set(s, c);
    }
    return c;
  }
  get full(): boolean {
    return this.values.length > 60_000;
  }
  /** The dictionary as a DuckDB list literal (1-based: `dict[code + 1]`). */
  sql(): string {
    return `[${this.values.map((v) => quote(v)).join(', ')}]::VARCHAR[]`;
  }
}

function stageColumns(codes: Codes): StageColumn[] {
  const coded = (get: (r: FlowExportRecord) => string): Setter => (v, i, r) => (v.setItem as (i: number, x: number) => void)(i, codes.code(get(r)));
  return [
    { name: 'probe_c', type: USMALLINT, set: coded((r) => r.probe) },
    { name: 'iface_c', type: USMALLINT, set: coded((r) => r.interface) },
    { name: 'flow_key', type: VARCHAR, set: text((r) => r.key) },
    { name: 'flow_start_ms', type: DOUBLE, set: num((r) => r.flow_start_ms) },
    { name: 'first_seen_ms', type: DOUBLE, set: num((r) => r.first_seen_ms) },
    { name: 'last_seen_ms', type: DOUBLE, set: num((r) => r.last_seen_ms) },
    { name: 'end_reason_c', type: USMALLINT, set: coded((r) => r.end_reason) },
    { name: 'ip_version', type: UTINYINT, set: num((r) => r.ip_version) },
    { name: 'vlan', type: USMALLINT, set: num((r) => r.vlan) },
    { name: 'l4_c', type: USMALLINT, set: coded((r) => r.l4) },
    { name: 'l4_proto', type: UTINYINT, set: num((r) => r.l4_proto) },
    { name: 'cli_v4', type: UINTEGER, set: ip4((r) => r.client.ip) },
    { name: 'cli_ip6', type: VARCHAR, set: ip6Text((r) => r.client.ip) },
    { name: 'cli_n6', type: UHUGEINT, set: ip6Num((r) => r.client.ip) },
    { name: 'cli_port', type: USMALLINT, set: num((r) => r.client.port) },
    { name: 'srv_v4', type: UINTEGER, set: ip4((r) => r.server.ip) },
    { name: 'srv_ip6', type: VARCHAR, set: ip6Text((r) => r.server.ip) },
    { name: 'srv_n6', type: UHUGEINT, set: ip6Num((r) => r.server.ip) },
    { name: 'srv_port', type: USMALLINT, set: num((r) => r.server.port) },
    { name: 'c2s_pkts', type: DOUBLE, set: num((r) => r.cli2srv.packets) },
    { name: 'c2s_bytes', type: DOUBLE, set: num((r) => r.cli2srv.bytes) },
    { name: 's2c_pkts', type: DOUBLE, set: num((r) => r.srv2cli.packets) },
    { name: 's2c_bytes', type: DOUBLE, set: num((r) => r.srv2cli.bytes) },
    { name: 'c2s_retrans', type: DOUBLE, set: num((r) => r.retransmissions.cli2srv) },
    { name: 's2c_retrans', type: DOUBLE, set: num((r) => r.retransmissions.srv2cli) },
    { name: 'c2s_flags', type: UTINYINT, set: num((r) => r.tcp_flags.cli2srv) },
    { name: 's2c_flags', type: UTINYINT, set: num((r) => r.tcp_flags.srv2cli) },
    { name: 'l7_c', type: USMALLINT, set: coded((r) => r.l7) },
    { name: 'category_c', type: USMALLINT, set: coded((r) => r.category) },
    { name: 'breed_c', type: USMALLINT, set: coded((r) => r.breed) },
    { name: 'server_name', type: VARCHAR, set: text((r) => r.server_name) },
    { name: 'risks', type: VARCHAR, set: text((r) => (r.risks.length ? r.risks.join(',') : '')) },
    { name: 'score', type: INTEGER, set: num((r) => r.score) },
    { name: 'community_id', type: VARCHAR, set: text((r) => r.community_id) },
    { name: 'cli_name', type: VARCHAR, set: text((r) => r.client_name) },
    { name: 'srv_name', type: VARCHAR, set: text((r) => r.server_host_name) },
    { name: 'icmp_type', type: SMALLINT, set: num((r) => r.icmp_type) },
    { name: 'icmp_code', type: SMALLINT, set: num((r) => r.icmp_code) },
  ];
}

const STAGE_SQL: Record<string, string> = { USMALLINT: 'USMALLINT', VARCHAR: 'VARCHAR', DOUBLE: 'DOUBLE', UTINYINT: 'UTINYINT', UINTEGER: 'UINTEGER', UHUGEINT: 'UHUGEINT', INTEGER: 'INTEGER', SMALLINT: 'SMALLINT' };

/** The SELECT list that turns staged rows into `flows` rows (in COLUMNS order). */
function convertedColumns(dict: string): string {
  const d = (c: string) => `(${dict})[${c} + 1]`;
  const e = (c: string) => `COALESCE(${c}, '')`;
  const big = (c: string) => `${c}::BIGINT`;
  return [
    `${d('probe_c')} AS probe`, `${d('iface_c')} AS iface`, `${e('flow_key')} AS flow_key`, `${big('flow_start_ms')} AS flow_start_ms`,
    `${big('first_seen_ms')} AS first_seen_ms`, `${big('last_seen_ms')} AS last_seen_ms`, `${d('end_reason_c')} AS end_reason`, 'ip_version', 'vlan',
    `${d('l4_c')} AS l4`, 'l4_proto', 'cli_v4', 'cli_ip6', 'cli_n6', 'cli_port', 'srv_v4', 'srv_ip6', 'srv_n6', 'srv_port', `${big('c2s_pkts')} AS c2s_pkts`, `${big('c2s_bytes')} AS c2s_bytes`,
    `${big('s2c_pkts')} AS s2c_pkts`, `${big('s2c_bytes')} AS s2c_bytes`, `${big('c2s_retrans')} AS c2s_retrans`, `${big('s2c_retrans')} AS s2c_retrans`,
    'c2s_flags', 's2c_flags', `${d('l7_c')} AS l7`, `${d('category_c')} AS category`, `${d('breed_c')} AS breed`, `${e('server_name')} AS server_name`,
    `${e('risks')} AS risks`, 'score', `${e('community_id')} AS community_id`, `${e('cli_name')} AS cli_name`, `${e('srv_name')} AS srv_name`,
    'icmp_type', 'icmp_code',
  ].join(', ');
}

const FLOWS_DDL = `CREATE TABLE IF NOT EXISTS flows (${COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ')})`;
const ROLLUP_DDL = (name: string) =>
  `CREATE TABLE IF NOT EXISTS ${name} (bucket_ms BIGINT, kind VARCHAR, probe VARCHAR, k1 VARCHAR, k2 VARCHAR, bytes BIGINT, packets BIGINT, flows BIGINT)`;

/** UTC day of a time, 'YYYY-MM-DD'. */

const FILE_RE = /^flows-(\d{4}-\d{2}-\d{2})\.duckdb$/;
const alias = (day: string) => `d${day.replace(/-/g, '')}`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** What the embedded store needs: where its day files live, and the retention bounds. */
export interface DuckDbHistoryOptions {
  dir: string;
  maxAgeDays: number;
  diskBudgetBytes: number;
}

/**
 * The embedded flow history (DuckDB through @duckdb/node-api, one writer: this
 * process). Day partitions are files, `flows-YYYY-MM-DD.duckdb` in `dir`
 * (the data partition on the appliance), each holding that UTC day's records
 * (by last_seen_ms) in `flows` and their 1 min / 5 min / 1 h rollups (bytes,
 * packets, flows by host, application, server port, host pair). Dropping a
 * partition deletes its file, so the disk budget is exact and retention
 * frees space at once. Files are ATTACHed to one in-memory DuckDB; queries
 * over a range read the days it covers.
 */
export class DuckDbHistoryRepository implements HistoryStore {
  private instance!: DuckDBInstance;
  private conn!: DuckDBConnection;
  private readonly attached = new Set<string>();
  /** Days with flows rows that may not be in the rollups yet, and how many were appended since the last rollUp. */
  private readonly pending = new Map<string, number>();
  private written = 0;
  private codes = new Codes();
  private stage = stageColumns(this.codes);
  private lastRetention: HistoryUsage['last_retention'];
  /** Serialises writes, retention and reads that attach: one DuckDB connection. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DuckDbHistoryOptions) {}

  async open(): Promise<void> {
    fs.mkdirSync(this.options.dir, { recursive: true });
    this.instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    this.conn = await this.instance.connect();
    await this.conn.run(`CREATE TEMP TABLE staging (${this.stage.map((c) => `${c.name} ${STAGE_SQL[c.type.toString()] ?? c.type.toString()}`).join(', ')})`);
    for (const day of this.dayFiles().map((d) => d.day)) await this.attach(day);
  }

  private resetCodes(): void {
    this.codes = new Codes();
    this.stage = stageColumns(this.codes);
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    if (!this.conn) return;
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private dayFiles(): { day: string; file: string }[] {
    return fs
      .readdirSync(this.options.dir)
      .map((f) => FILE_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ day: m[1], file: path.join(this.options.dir, m[0]) }))
      .sort((a, b) => a.day.localeCompare(b.day));
  }

  private fileOf(day: string): string {
    return path.join(this.options.dir, `flows-${day}.duckdb`);
  }

  private async attach(day: string): Promise<void> {
    if (this.attached.has(day)) return;
    const a = alias(day);
    await this.conn.run(`ATTACH ${quote(this.fileOf(day))} AS ${a}`);
    await this.conn.run(`USE ${a}`);
    await this.conn.run(FLOWS_DDL);
    for (const r of ROLLUPS) await this.conn.run(ROLLUP_DDL(r.name));
    await this.conn.run('CREATE TABLE IF NOT EXISTS rollup_state (rolled_rows BIGINT)');
    await this.conn.run('USE memory');
    this.attached.add(day);
    // Rows a crash left out of the rollups are summed at the next rollUp().
    this.pending.set(day, 0);
  }

  /**
   * Appends records (any days). The rollups are not written here: a day's
   * `rollup_state` says how many of its `flows` rows (in append order, by
   * rowid) are already summed into the rollups, and `rollUp()` sums the rest
   * in one pass (every ROLLUP_ROWS appended rows, every minute, and before a
   * top or series query reads them), so a minute's bucket is summed about
   * once instead of once per batch.
   */
  insert(records: FlowExportRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.serial(async () => {
      if (this.codes.full) this.resetCodes();
      // Records per UTC day (nearly always one day: then no per-record day).
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < records.length; i++) {
        const t = records[i].last_seen_ms;
        if (t < lo) lo = t;
        if (t > hi) hi = t;
      }
      const oneDay = dayOf(lo) === dayOf(hi);
      const days = new Map<string, number>();
      if (oneDay) days.set(dayOf(lo), records.length);
      else for (const r of records) days.set(dayOf(r.last_seen_ms), (days.get(dayOf(r.last_seen_ms)) ?? 0) + 1);
      const appender = await this.conn.createAppender('staging', null, 'temp');
      try {
        const types = this.stage.map((c) => c.type);
        for (let at = 0; at < records.length; at += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, records.length - at);
          const chunk = DuckDBDataChunk.create(types, n);
          for (let c = 0; c < this.stage.length; c++) {
            const vector = chunk.getColumnVector(c) as unknown as { setItem(i: number, v: never): void; flush(): void };
            const set = this.stage[c].set;
            for (let i = 0; i < n; i++) set(vector, i, records[at + i]);
            vector.flush();
          }
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      const columns = convertedColumns(this.codes.sql());
      try {
        for (const [day, count] of days) {
          await this.attach(day);
          const start = Date.parse(`${day}T00:00:00Z`);
          const where = oneDay ? '' : ` WHERE last_seen_ms >= ${start} AND last_seen_ms < ${start + DAY_MS}`;
          await this.conn.run(`INSERT INTO ${alias(day)}.flows SELECT ${columns} FROM temp.staging${where}`);
          this.pending.set(day, (this.pending.get(day) ?? 0) + count);
        }
      } finally {
        await this.conn.run('TRUNCATE temp.staging');
      }
      this.written += records.length;
      if ([...this.pending.values()].some((n) => n >= ROLLUP_ROWS)) await this.rollUpNow();
    });
  }

  /** Sums every day's flows rows not yet in its rollups into them (see insert). */
  rollUp(): Promise<void> {
    return this.serial(() => this.rollUpNow());
  }

  private async rollUpNow(): Promise<void> {
    for (const day of [...this.pending.keys()]) {
      const a = alias(day);
      const total = Number((await this.rows(`SELECT count(*) AS n FROM ${a}.flows`))[0].n);
      for (;;) {
        const done = Number((await this.rows(`SELECT max(rolled_rows) AS n FROM ${a}.rollup_state`))[0].n ?? 0);
        if (done >= total) break;
        const rows = Math.min(total, done + ROLLUP_PASS_ROWS);
        const source = `${a}.flows WHERE rowid >= ${done} AND rowid < ${rows}`;
        // The range's 1-minute aggregate once (hosts, applications, ports); the 5-minute and hourly rows are summed from it.
        // Host pairs (nearly one row per record per minute) only in the hourly rollup, from the records.
        await this.conn.run(`CREATE OR REPLACE TEMP TABLE batch_1m AS ${(['host', 'app', 'port'] as const).map((k) => kindAgg(k, source, 60_000)).join(' UNION ALL ')}`);
        await this.conn.run('BEGIN');
        try {
          for (const r of ROLLUPS) {
            await this.conn.run(
              r.ms === 60_000
                ? `INSERT INTO ${a}.${r.name} SELECT * FROM temp.batch_1m`
                : `INSERT INTO ${a}.${r.name} SELECT (bucket_ms // ${r.ms}) * ${r.ms}, kind, probe, k1, k2, sum(bytes), sum(packets), sum(flows) FROM temp.batch_1m GROUP BY ALL`,
            );
          }
          await this.conn.run(`INSERT INTO ${a}.rollup_1h ${kindAgg('pair', source, 3_600_000)}`);
          await this.conn.run(`DELETE FROM ${a}.rollup_state`);
          await this.conn.run(`INSERT INTO ${a}.rollup_state VALUES (${rows})`);
          await this.conn.run('COMMIT');
        } catch (err) {
          await this.conn.run('ROLLBACK');
          throw err;
        } finally {
          await this.conn.run('DROP TABLE IF EXISTS temp.batch_1m');
        }
      }
      this.pending.delete(day);
    }
  }

  /** Days (attached) whose records may meet [fromMs, toMs): last_seen within the range or the day after (windows span at most the active timeout). */
  private daysFor(fromMs: number, toMs: number, slackDays = 0): string[] {
    const first = dayOf(fromMs);
    const last = dayOf(toMs - 1 + slackDays * DAY_MS);
    return [...this.attached].filter((d) => d >= first && d <= last).sort();
  }

  private union(table: string, days: string[], columns = '*'): string | null {
    if (days.length === 0) return null;
    return `(${days.map((d) => `SELECT ${columns} FROM ${alias(d)}.${table}`).join(' UNION ALL ')})`;
  }

  private async rows(sql: string, values: DuckDBValue[] = []): Promise<Record<string, DuckDBValue>[]> {
    const reader = await this.conn.runAndReadAll(sql, values);
    return reader.getRowObjects();
  }

  queryFlows(q: HistoryFlowQuery): Promise<{ total: number; data: HistoryFlow[] }> {
    return this.serial(async () => {
      const from = this.union('flows', this.daysFor(q.fromMs, q.toMs, 1));
      if (!from) return { total: 0, data: [] };
      const { where, values } = flowWhere(q);
      const total = await this.rows(`SELECT count(*) AS n FROM ${from} f WHERE ${where}`, values);
      const sortCol = { last_seen: 'last_seen_ms', first_seen: 'first_seen_ms', bytes: '(c2s_bytes + s2c_bytes)', packets: '(c2s_pkts + s2c_pkts)' }[q.sort];
      const dir = q.order === 'asc' ? 'ASC' : 'DESC';
      const data = await this.rows(
        `SELECT ${FLOW_ROW} FROM ${from} f WHERE ${where} ORDER BY ${sortCol} ${dir}, flow_key, last_seen_ms LIMIT ${q.limit} OFFSET ${q.offset}`,
        values,
      );
      return { total: Number(total[0].n), data: data.map(toHistoryFlow) };
    });
  }

  /** Streams every matching flow (CSV / NDJSON export), `pageRows` at a time. */
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

  top(q: HistoryTopQuery): Promise<HistoryTopResponse> {
    return this.serial(async () => {
      await this.rollUpNow();
      const days = this.daysFor(q.fromMs, q.toMs);
      const rollup =
        q.by === 'server_names' ? undefined : ROLLUPS.find((r) => q.fromMs % r.ms === 0 && q.toMs % r.ms === 0 && (q.by !== 'pairs' || r.ms === 3_600_000));
      const base = { from_ms: q.fromMs, to_ms: q.toMs, by: q.by, metric: q.metric };
      const kind = ({ hosts: 'host', pairs: 'pair', applications: 'app', ports: 'port', server_names: 'server_name' } as const)[q.by];
      const probe = q.probe ? ` AND probe = ${quote(q.probe)}` : '';
      let sql: string;
      let source: string;
      if (rollup) {
        const from = this.union(rollup.name, days);
        if (!from) return { ...base, source: rollup.name, data: [] };
        source = rollup.name;
        sql = `SELECT k1, k2, sum(bytes) AS bytes, sum(packets) AS packets, sum(flows) AS flows FROM ${from} r
               WHERE kind = '${kind}' AND bucket_ms >= ${q.fromMs} AND bucket_ms < ${q.toMs}${probe} GROUP BY k1, k2`;
      } else {
        const from = this.union('flows', days);
        if (!from) return { ...base, source: 'flows', data: [] };
        source = 'flows';
        sql = `SELECT k1, k2, ${SUMS} FROM (${kindAgg(kind, `${from} f WHERE last_seen_ms >= ${q.fromMs} AND last_seen_ms < ${q.toMs}${probe}`, null)}) GROUP BY k1, k2`;
      }
      const rows = await this.rows(`${sql} ORDER BY ${q.metric} DESC, k1, k2 LIMIT ${q.limit}`);
      const data: TopEntry[] = rows.map((r) => ({
        key: String(r.k1),
        ...(q.by === 'pairs' ? { peer: String(r.k2) } : {}),
        bytes: Number(r.bytes),
        packets: Number(r.packets),
        flows: Number(r.flows),
      }));
      return { ...base, source, data };
    });
  }

  series(q: HistorySeriesQuery): Promise<HistorySeriesResponse> {
    return this.serial(async () => {
      await this.rollUpNow();
      const stepMs = q.stepS * 1000;
      const fromMs = Math.floor(q.fromMs / stepMs) * stepMs;
      const toMs = Math.ceil(q.toMs / stepMs) * stepMs;
      const buckets: number[] = [];
      for (let t = fromMs; t < toMs; t += stepMs) buckets.push(t);
      const rollup = ROLLUPS.find((r) => r.ms === stepMs)!;
      const from = this.union(rollup.name, this.daysFor(fromMs, toMs));
      const empty = { from_ms: fromMs, to_ms: toMs, step_s: q.stepS, by: q.by, buckets };
      if (!from) return { ...empty, series: [] };
      const kind = q.by === 'application' ? 'app' : 'host';
      const probe = q.probe ? ` AND probe = ${quote(q.probe)}` : '';
      const rows = await this.rows(
        `SELECT k1, bucket_ms, sum(bytes) AS bytes FROM ${from} r WHERE kind = '${kind}' AND bucket_ms >= ${fromMs} AND bucket_ms < ${toMs}${probe} GROUP BY k1, bucket_ms`,
      );
      return { ...empty, series: stackSeries(rows, buckets, stepMs, fromMs, q.limit) };
    });
  }

  probes(fromMs: number, toMs: number): Promise<HistoryProbe[]> {
    return this.serial(async () => {
      const from = this.union('flows', this.daysFor(fromMs, toMs));
      if (!from) return [];
      const rows = await this.rows(
        `SELECT probe, ${PROBE_COLUMNS} FROM ${from} f WHERE last_seen_ms >= ${fromMs} AND last_seen_ms < ${toMs} GROUP BY probe ORDER BY records DESC, probe`,
      );
      return rows.map((r) => toHistoryProbe(r, fromMs, toMs));
    });
  }

  /** Drops whole days: older than maxAgeDays, then the oldest while over the disk budget (never the newest day). */
  enforceRetention(nowMs = Date.now()): Promise<NonNullable<HistoryUsage['last_retention']>> {
    return this.serial(async () => {
      const dropped: NonNullable<HistoryUsage['last_retention']>['dropped'] = [];
      const oldestKept = dayOf(nowMs - this.options.maxAgeDays * DAY_MS);
      let files = this.filesWithSizes();
      for (const f of files) {
        if (f.day < oldestKept && files.length > 1) {
          await this.drop(f.day);
          dropped.push({ day: f.day, reason: 'max_age', bytes: f.bytes });
        }
      }
      files = this.filesWithSizes();
      let total = files.reduce((n, f) => n + f.bytes, 0);
      while (total > this.options.diskBudgetBytes && files.length > 1) {
        const oldest = files.shift()!;
        await this.drop(oldest.day);
        dropped.push({ day: oldest.day, reason: 'disk_budget', bytes: oldest.bytes });
        total -= oldest.bytes;
      }
      this.lastRetention = { at_ms: nowMs, dropped };
      return this.lastRetention;
    });
  }

  private async drop(day: string): Promise<void> {
    if (this.attached.has(day)) {
      await this.conn.run(`DETACH ${alias(day)}`);
      this.attached.delete(day);
      this.pending.delete(day);
    }
    for (const suffix of ['', '.wal']) fs.rmSync(this.fileOf(day) + suffix, { force: true });
  }

  private filesWithSizes(): { day: string; bytes: number }[] {
    return this.dayFiles().map(({ day, file }) => {
      let bytes = 0;
      for (const suffix of ['', '.wal']) {
        try {
          bytes += fs.statSync(file + suffix).size;
        } catch {
          // no WAL
        }
      }
      return { day, bytes };
    });
  }

  /** Writes what the WAL holds into the day files (so sizes are what a restart would find). */
  checkpoint(): Promise<void> {
    return this.serial(async () => {
      for (const day of this.attached) await this.conn.run(`CHECKPOINT ${alias(day)}`);
    });
  }

  usage(): HistoryUsage {
    const days = this.filesWithSizes();
    const bytes = days.reduce((n, d) => n + d.bytes, 0);
    return {
      backend: 'duckdb',
      bytes_on_disk: bytes,
      budget_bytes: this.options.diskBudgetBytes,
      budget_used: this.options.diskBudgetBytes > 0 ? bytes / this.options.diskBudgetBytes : 0,
      max_age_days: this.options.maxAgeDays,
      days,
      records_written: this.written,
      ...(this.lastRetention ? { last_retention: this.lastRetention } : {}),
    };
  }
}

/** What GET /history/probes sums per probe. */
const PROBE_COLUMNS = `count(*) AS records, sum(CASE WHEN end_reason <> 'active_timeout' THEN 1 ELSE 0 END) AS flows, sum(c2s_bytes + s2c_bytes) AS bytes, sum(c2s_pkts + s2c_pkts) AS packets, max(last_seen_ms) AS last_ms`;

type Kind = 'host' | 'app' | 'port' | 'pair' | 'server_name';
const ROW_METRICS = `c2s_bytes + s2c_bytes AS bytes, c2s_pkts + s2c_pkts AS packets, CASE WHEN end_reason <> 'active_timeout' THEN 1 ELSE 0 END AS flows`;
const SUMS = 'sum(bytes) AS bytes, sum(packets) AS packets, sum(flows) AS flows';
/** An address's text from its stored columns: IPv4 as a number, IPv6 as text. */
const ipText = (v4: string, ip6: string) => `COALESCE(${ip6}, concat_ws('.', ${v4} >> 24, (${v4} >> 16) & 255, (${v4} >> 8) & 255, ${v4} & 255))`;
/** A flows row as the API reads it: the stored columns and the addresses' text. */
const FLOW_ROW = `*, ${ipText('cli_v4', 'cli_ip6')} AS cli_ip, ${ipText('srv_v4', 'srv_ip6')} AS srv_ip`;

/**
 * Sums of the records of `source` (`table WHERE ...`) by one rollup
 * dimension, per bucket of last_seen_ms when bucketMs is given: rows
 * (bucket_ms, kind, probe, k1, k2, bytes, packets, flows). Grouped by the
 * stored numbers (addresses, port), the text made once per group. A host's
 * records are those it is client or server of (once when it is both).
 */
function kindAgg(kind: Kind, source: string, bucketMs: number | null): string {
  const b = bucketMs ? `(last_seen_ms // ${bucketMs}) * ${bucketMs}` : '0';
  const rows = (cols: string, where = '') => `SELECT ${b} AS bucket_ms, probe, ${cols}, ${ROW_METRICS} FROM ${source}${where}`;
  const out = (k1: string, k2: string, inner: string, group: string) =>
    `SELECT bucket_ms, '${kind}' AS kind, probe, ${k1} AS k1, ${k2} AS k2, ${SUMS} FROM (${inner}) GROUP BY bucket_ms, probe, ${group}`;
  switch (kind) {
    case 'host':
      return out(
        ipText('v4', 'ip6'),
        "''",
        `${rows('cli_v4 AS v4, cli_ip6 AS ip6')} UNION ALL ${rows('srv_v4 AS v4, srv_ip6 AS ip6', ' AND (srv_v4 IS DISTINCT FROM cli_v4 OR srv_ip6 IS DISTINCT FROM cli_ip6)')}`,
        'v4, ip6',
      );
    case 'pair':
      return out(ipText('cli_v4', 'cli_ip6'), ipText('srv_v4', 'srv_ip6'), rows('cli_v4, cli_ip6, srv_v4, srv_ip6'), 'cli_v4, cli_ip6, srv_v4, srv_ip6');
    case 'app':
      return out('l7', "''", rows('l7'), 'l7');
    case 'port':
      return out(`CAST(srv_port AS VARCHAR) || '/' || l4`, "''", rows('srv_port, l4'), 'srv_port, l4');
    case 'server_name':
      return out('server_name', "''", rows('server_name', ` AND server_name <> ''`), 'server_name');
  }
}

/** WHERE clause of a flow search; values bind to its `?`s. */
function flowWhere(q: HistoryFlowQuery): { where: string; values: DuckDBValue[] } {
  const parts = [`last_seen_ms >= ${q.fromMs}`, `first_seen_ms < ${q.toMs}`];
  const values: DuckDBValue[] = [];
  if (q.host !== undefined) {
    // IPv4 as its number (an integer compare over the day's rows), IPv6 as its text.
    const n = v4(q.host);
    if (n !== null) parts.push(`(cli_v4 = ${n} OR srv_v4 = ${n})`);
    else {
      parts.push('(cli_ip6 = ? OR srv_ip6 = ?)');
      values.push(q.host, q.host);
    }
  }
  if (q.network) {
    const { version, lo, hi } = q.network;
    const range = (p: string) => (version === 4 ? `${p}_v4 BETWEEN ${lo} AND ${hi}` : `${p}_n6 BETWEEN ${lo}::UHUGEINT AND ${hi}::UHUGEINT`);
    parts.push(`(${range('cli')} OR ${range('srv')})`);
  }
  if (q.port !== undefined) parts.push(`(cli_port = ${q.port} OR srv_port = ${q.port})`);
  if (q.l4Proto !== undefined) parts.push(`l4_proto = ${q.l4Proto}`);
  if (q.application !== undefined) {
    // 'TLS' matches TLS, TLS.YouTube and, as the app part, QUIC.YouTube for 'YouTube'.
    parts.push(`(lower(l7) = lower(?) OR lower(l7) LIKE lower(?) || '.%' OR lower(l7) LIKE '%.' || lower(?))`);
    values.push(q.application, q.application, q.application);
  }
  if (q.serverName !== undefined) {
    parts.push(`contains(lower(server_name), lower(?))`);
    values.push(q.serverName);
  }
  if (q.communityId !== undefined) {
    parts.push('community_id = ?');
    values.push(q.communityId);
  }
  if (q.probe !== undefined) {
    parts.push('probe = ?');
    values.push(q.probe);
  }
  return { where: parts.join(' AND '), values };
}


