import * as fs from 'node:fs';
import * as path from 'node:path';
import duckdb from '@duckdb/node-bindings';
import { DOUBLE, DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBListValue, DuckDBType, DuckDBValue, INTEGER, SMALLINT, UHUGEINT, UINTEGER, USMALLINT, UTINYINT, VARCHAR } from '@duckdb/node-api';
import type { FlowExportRecord } from '@flowprobe/dataplane';
import { ipToBigInt } from './ip-range';
import { DAY_MS, dayOf, stackSeries, toHistoryFlow, toHistoryProbe } from './history-rows';
import type { HistoryFlow, HistoryProbe, HistorySeriesResponse, HistoryTopResponse, HistoryUsage, TopEntry } from '../api';
import type { HistoryFlowQuery, HistorySeriesQuery, HistoryTopQuery } from './history.types';
import type { HistoryStore } from './history-store';
import { TimeSlice } from '../flow-records/time-slice';

/** Appended rows of a day after which insert() sums them into the rollups (else every minute, or before a query). */
const ROLLUP_ROWS = 1 << 20;
/** Rows summed in one rollup pass at most (bounds the memory of the pass's 1-minute aggregate). */
const ROLLUP_PASS_ROWS = 1 << 23;
/** Pages (offset + limit rows) up to this size are read with a bound on the sort value (queryFlows). */
const MAX_BOUNDED_PAGE = 10_000;
/** DuckDB's row group: `flows` grows by whole ones (see append()). */
const ROW_GROUP = 122_880;
/**
 * A day is closed (its `flows_c` rewritten in host order, closeDays()) once
 * this long after its end: records are filed by their last_seen_ms, and a
 * day's last records reach the store within minutes of its end.
 */
const CLOSE_AFTER_MS = 3_600_000;
/** A host's server rows are read by rowid ranges of the server index while it has at most this many runs of row groups. */
const MAX_SERVER_RUNS = 64;
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
 * DuckDB. A chunk of records is read once into typed arrays (one per column,
 * reused), which are copied into the chunk's vectors whole (one call per
 * column, no value object per item); strings are assigned one by one (only
 * the non-empty ones). Numbers go as DOUBLE (exact below 2^53) and small
 * integers; the strings of few values (probe, interface, end reason, L4,
 * application, category, breed) as codes of a dictionary; IPv4 addresses as
 * 32-bit numbers (their text is made in SQL), IPv6 as text and number; empty
 * strings as NULL. One SQL statement turns staged rows into `flows` rows.
 */
type StageKind = 'u8' | 'u16' | 'u32' | 'i16' | 'i32' | 'f64' | 'u128' | 'str';
const STAGE_TYPES: Record<StageKind, DuckDBType> = { u8: UTINYINT, u16: USMALLINT, u32: UINTEGER, i16: SMALLINT, i32: INTEGER, f64: DOUBLE, u128: UHUGEINT, str: VARCHAR };
const STAGE: [string, StageKind][] = [
  ['probe_c', 'u16'], ['iface_c', 'u16'], ['flow_key', 'str'], ['flow_start_ms', 'f64'], ['first_seen_ms', 'f64'], ['last_seen_ms', 'f64'],
  ['end_reason_c', 'u16'], ['ip_version', 'u8'], ['vlan', 'u16'], ['l4_c', 'u16'], ['l4_proto', 'u8'],
  ['cli_v4', 'u32'], ['cli_ip6', 'str'], ['cli_n6', 'u128'], ['cli_port', 'u16'], ['srv_v4', 'u32'], ['srv_ip6', 'str'], ['srv_n6', 'u128'], ['srv_port', 'u16'],
  ['c2s_pkts', 'f64'], ['c2s_bytes', 'f64'], ['s2c_pkts', 'f64'], ['s2c_bytes', 'f64'], ['c2s_retrans', 'f64'], ['s2c_retrans', 'f64'],
  ['c2s_flags', 'u8'], ['s2c_flags', 'u8'], ['l7_c', 'u16'], ['category_c', 'u16'], ['breed_c', 'u16'], ['server_name', 'str'], ['risks', 'str'],
  ['score', 'i32'], ['cid_text', 'str'], ['cli_name', 'str'], ['srv_name', 'str'], ['icmp_type', 'i16'], ['icmp_code', 'i16'],
  ['cid0', 'u32'], ['cid1', 'u32'], ['cid2', 'u32'], ['cid3', 'u32'], ['cid4', 'u32'],
];
const STAGE_DDL = `CREATE TEMP TABLE staging (${STAGE.map(([name, kind]) => `${name} ${STAGE_TYPES[kind].toString()}`).join(', ')})`;
const COL = Object.fromEntries(STAGE.map(([name], i) => [name, i])) as Record<string, number>;
const CID_COLS = [COL.cid0, COL.cid1, COL.cid2, COL.cid3, COL.cid4];

/** An IPv4 dotted quad as its 32-bit number, or -1 (IPv6, or not an address). */
function parseV4(s: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? n * 256 + part : -1;
}
function v4(ip: string): number | null {
  const n = parseV4(ip);
  return n < 0 ? null : n;
}

/**
 * Values a day's dictionary holds at most; later new values share the last
 * code. nDPI's names bound the real values (a few hundred a day); the bound
 * keeps the dictionary's list literal, which every query carries, small
 * (65 535 values made each query take seconds).
 */
const MAX_CODES = 4096;
const OVERFLOW_VALUE = '(too many values)';

/**
 * A day file's dictionary of the few-valued strings (probe, interface, end
 * reason, L4, application, category, breed: one code space for all seven),
 * stored in its `codes` table (code, value); `flows_c` holds the codes.
 */
class Codes {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  /** How many of `values` are in the day file's `codes` table. */
  persisted = 0;
  private list: string | null = null;

  constructor(stored: string[] = []) {
    for (const v of stored) this.add(v);
    this.persisted = this.values.length;
  }

  private add(s: string): number {
    const c = this.values.length;
    this.values.push(s);
    this.index.set(s, c);
    this.list = null;
    return c;
  }

  code(s: string): number {
    const c = this.index.get(s);
    if (c !== undefined) return c;
    if (this.values.length < MAX_CODES - 1) return this.add(s);
    return this.index.get(OVERFLOW_VALUE) ?? this.add(OVERFLOW_VALUE);
  }

  /** The dictionary as a DuckDB list literal (1-based: `dict[code + 1]`). */
  sql(): string {
    return (this.list ??= `[${this.values.map((v) => quote(v)).join(', ')}]::VARCHAR[]`);
  }
}

/** Base64 alphabet value of each character code (-1: not base64). */
const B64 = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/**
 * A Community ID (v1: `1:` and the base64 of a 20-byte SHA-1) into five
 * 32-bit words (big-endian) at `words[0..4][i]`: true when it has exactly
 * that form (canonical base64, so the words give the same text back), else
 * false (the text is then stored as it is).
 */
function cidWords(s: string, words: Uint32Array[], i: number): boolean {
  if (s.length !== 30 || s.charCodeAt(0) !== 49 || s.charCodeAt(1) !== 58 || s.charCodeAt(29) !== 61) return false;
  let acc = 0;
  let bits = 0;
  let byte = 0;
  let word = 0;
  for (let k = 2; k < 29; k++) {
    const ch = s.charCodeAt(k);
    const v = ch < 128 ? B64[ch] : -1;
    if (v < 0) return false;
    acc = ((acc << 6) | v) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      word = ((word << 8) | ((acc >> bits) & 255)) >>> 0;
      if ((++byte & 3) === 0) words[(byte >> 2) - 1][i] = word;
    }
  }
  // 27 characters carry 162 bits: the last 2 must be 0 (canonical).
  return byte === 20 && (acc & ((1 << bits) - 1)) === 0;
}

type Typed = Uint8Array | Uint16Array | Uint32Array | Int16Array | Int32Array | Float64Array | BigUint64Array;
const U64 = (1n << 64n) - 1n;

/** A chunk's columns as typed arrays and strings, filled from records and copied into a DuckDB data chunk. */
class StageChunk {
  private readonly nums: (Typed | null)[] = [];
  private readonly strs: (string[] | null)[] = [];
  /** Validity bits (1 = value) of every column, 32 rows a word; `nulls[c]` says whether column c has any NULL. */
  private readonly valid: Uint32Array[] = [];
  private readonly nulls: boolean[] = [];
  /** The last string and code of each coded column (consecutive records mostly repeat them). */
  private readonly lastText: string[] = [];
  private readonly lastCode: number[] = [];

  constructor(private codes: Codes) {
    for (const [, kind] of STAGE) {
      const n = CHUNK_ROWS;
      this.nums.push(
        kind === 'str' ? null
          : kind === 'u8' ? new Uint8Array(n) : kind === 'u16' ? new Uint16Array(n) : kind === 'u32' ? new Uint32Array(n)
          : kind === 'i16' ? new Int16Array(n) : kind === 'i32' ? new Int32Array(n) : kind === 'f64' ? new Float64Array(n) : new BigUint64Array(2 * n),
      );
      this.strs.push(kind === 'str' ? new Array<string>(n).fill('') : null);
      this.valid.push(new Uint32Array(n / 32));
      this.nulls.push(false);
      this.lastText.push('');
      this.lastCode.push(-1);
    }
  }

  useCodes(codes: Codes): void {
    this.codes = codes;
    this.lastCode.fill(-1);
  }

  private code(c: number, s: string): number {
    if (s === this.lastText[c] && this.lastCode[c] >= 0) return this.lastCode[c];
    const code = this.codes.code(s);
    this.lastText[c] = s;
    this.lastCode[c] = code;
    return code;
  }

  private setNull(c: number, i: number): void {
    this.valid[c][i >>> 5] &= ~(1 << (i & 31));
    this.nulls[c] = true;
  }

  private text(c: number, i: number, s: string): void {
    this.strs[c]![i] = s;
    if (s === '') this.setNull(c, i);
  }

  /** One address: IPv4 as its number (text and 128-bit number NULL), else its text and 128-bit number. */
  private address(v4c: number, ip6c: number, n6c: number, i: number, ip: string): void {
    const n = parseV4(ip);
    if (n >= 0) {
      (this.nums[v4c] as Uint32Array)[i] = n;
      this.strs[ip6c]![i] = '';
      this.setNull(ip6c, i);
      this.setNull(n6c, i);
      return;
    }
    this.setNull(v4c, i);
    this.strs[ip6c]![i] = ip;
    let big = 0n;
    try {
      big = ipToBigInt(ip);
    } catch {
      // not an address: 0 (the text is kept)
    }
    const words = this.nums[n6c] as BigUint64Array;
    words[2 * i] = big & U64;
    words[2 * i + 1] = big >> 64n;
  }

  /** Reads records[at .. at + n) into the columns. */
  fill(records: FlowExportRecord[], at: number, n: number): void {
    for (const v of this.valid) v.fill(0xffffffff);
    this.nulls.fill(false);
    const f64 = (c: number) => this.nums[c] as Float64Array;
    const u8 = (c: number) => this.nums[c] as Uint8Array;
    const u16 = (c: number) => this.nums[c] as Uint16Array;
    const i16 = (c: number) => this.nums[c] as Int16Array;
    const [probe, iface, endReason, l4, l7, category, breed] = ['probe_c', 'iface_c', 'end_reason_c', 'l4_c', 'l7_c', 'category_c', 'breed_c'].map((c) => COL[c]);
    const codes = [probe, iface, endReason, l4, l7, category, breed].map((c) => u16(c));
    const [fStart, fFirst, fLast, c2sP, c2sB, s2cP, s2cB, c2sR, s2cR] = ['flow_start_ms', 'first_seen_ms', 'last_seen_ms', 'c2s_pkts', 'c2s_bytes', 's2c_pkts', 's2c_bytes', 'c2s_retrans', 's2c_retrans'].map(
      (c) => f64(COL[c]),
    );
    const ipVersion = u8(COL.ip_version);
    const l4Proto = u8(COL.l4_proto);
    const c2sFlags = u8(COL.c2s_flags);
    const s2cFlags = u8(COL.s2c_flags);
    const vlan = u16(COL.vlan);
    const cliPort = u16(COL.cli_port);
    const srvPort = u16(COL.srv_port);
    const score = this.nums[COL.score] as Int32Array;
    const icmpType = i16(COL.icmp_type);
    const icmpCode = i16(COL.icmp_code);
    const cidW = CID_COLS.map((c) => this.nums[c] as Uint32Array);
    for (let i = 0; i < n; i++) {
      const r = records[at + i];
      codes[0][i] = this.code(probe, r.probe);
      codes[1][i] = this.code(iface, r.interface);
      codes[2][i] = this.code(endReason, r.end_reason);
      codes[3][i] = this.code(l4, r.l4);
      codes[4][i] = this.code(l7, r.l7);
      codes[5][i] = this.code(category, r.category);
      codes[6][i] = this.code(breed, r.breed);
      this.text(COL.flow_key, i, r.key);
      fStart[i] = r.flow_start_ms;
      fFirst[i] = r.first_seen_ms;
      fLast[i] = r.last_seen_ms;
      ipVersion[i] = r.ip_version;
      vlan[i] = r.vlan;
      l4Proto[i] = r.l4_proto;
      this.address(COL.cli_v4, COL.cli_ip6, COL.cli_n6, i, r.client.ip);
      cliPort[i] = r.client.port;
      this.address(COL.srv_v4, COL.srv_ip6, COL.srv_n6, i, r.server.ip);
      srvPort[i] = r.server.port;
      c2sP[i] = r.cli2srv.packets;
      c2sB[i] = r.cli2srv.bytes;
      s2cP[i] = r.srv2cli.packets;
      s2cB[i] = r.srv2cli.bytes;
      c2sR[i] = r.retransmissions.cli2srv;
      s2cR[i] = r.retransmissions.srv2cli;
      c2sFlags[i] = r.tcp_flags.cli2srv;
      s2cFlags[i] = r.tcp_flags.srv2cli;
      this.text(COL.server_name, i, r.server_name);
      this.text(COL.risks, i, r.risks.length ? r.risks.join(',') : '');
      score[i] = r.score;
      if (cidWords(r.community_id, cidW, i)) this.setNull(COL.cid_text, i);
      else {
        for (const c of CID_COLS) this.setNull(c, i);
        this.text(COL.cid_text, i, r.community_id);
      }
      this.text(COL.cli_name, i, r.client_name);
      this.text(COL.srv_name, i, r.server_host_name);
      icmpType[i] = r.icmp_type;
      icmpCode[i] = r.icmp_code;
    }
  }

  /** The filled rows as a DuckDB data chunk: numbers and validity copied whole, strings one by one. */
  chunk(n: number): DuckDBDataChunk {
    const chunk = DuckDBDataChunk.create(STAGE.map(([, kind]) => STAGE_TYPES[kind]), n);
    for (let c = 0; c < STAGE.length; c++) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
      const nums = this.nums[c];
      if (nums) {
        const width = STAGE[c][1] === 'u128' ? 16 : nums.BYTES_PER_ELEMENT;
        duckdb.copy_data_to_vector(vector, 0, nums.buffer as ArrayBuffer, nums.byteOffset, n * width);
      } else {
        const strs = this.strs[c]!;
        for (let i = 0; i < n; i++) if (strs[i] !== '') duckdb.vector_assign_string_element(vector, i, strs[i]);
      }
      if (this.nulls[c]) {
        duckdb.vector_ensure_validity_writable(vector);
        const v = this.valid[c];
        duckdb.copy_data_to_vector_validity(vector, 0, v.buffer as ArrayBuffer, v.byteOffset, Math.ceil(n / 64) * 8);
      }
    }
    return chunk;
  }
}

/**
 * The coded layout, `flows_c` (and `flows_c_tail`): the `flows` columns with
 * the few-valued strings as codes of the day's dictionary (`codes`) and the
 * Community ID as five 32-bit words (`cid0`..`cid4`; `cid_text` only for
 * one not of the standard form). Numbers cost DuckDB a fraction of what
 * strings do (docs/history.md, Performance). In the order of `FLOWS_C_SQL`.
 */
const CODED = new Set(['probe', 'iface', 'end_reason', 'l4', 'l7', 'category', 'breed']);
const TEXTS = new Set(['flow_key', 'server_name', 'risks', 'cli_name', 'srv_name']);
const CID_WORDS = ['cid0', 'cid1', 'cid2', 'cid3', 'cid4'];
const FLOWS_C_COLUMNS: { name: string; sql: string; from: string }[] = [
  ...COLUMNS.filter((c) => c.name !== 'community_id').map((c) => {
    if (CODED.has(c.name)) return { name: `${c.name}_c`, sql: 'USMALLINT', from: `${c.name}_c` };
    if (TEXTS.has(c.name)) return { name: c.name, sql: c.sql, from: `COALESCE(${c.name}, '')` };
    return { name: c.name, sql: c.sql, from: c.sql === 'BIGINT' ? `${c.name}::BIGINT` : c.name };
  }),
  { name: 'cid_text', sql: 'VARCHAR', from: 'cid_text' },
  ...CID_WORDS.map((name) => ({ name, sql: 'UINTEGER', from: name })),
];
const FLOWS_C_DDL = `CREATE TABLE IF NOT EXISTS flows_c (${FLOWS_C_COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ')})`;
/** The staged rows as `flows_c` rows. */
const STAGED_AS_CODED = `SELECT ${FLOWS_C_COLUMNS.map((c) => `${c.from} AS ${c.name}`).join(', ')} FROM temp.staging`;
/** The Community ID's text of a `flows_c` row. */
const CID_TEXT = `COALESCE(cid_text, CASE WHEN cid0 IS NULL THEN '' ELSE '1:' || to_base64(unhex(${CID_WORDS.map((w) => `lpad(hex(${w}), 8, '0')`).join(' || ')})) END)`;
/**
 * What every query reads, from either layout: the `flows` columns, plus
 * `cid_text` and `cid0`..`cid4` (the Community ID filter compares the
 * words, or the text when it has no words).
 */
const OLD_SELECT = `${COLUMNS.map((c) => c.name).join(', ')}, community_id AS cid_text, ${CID_WORDS.map((w) => `NULL::UINTEGER AS ${w}`).join(', ')}`;
/** A `flows_c` row in the `flows` columns (the dictionary `dict` a list literal), and cid_text / cid0..4. */
function codedSelect(dict: string): string {
  return [
    ...COLUMNS.map((c) => (CODED.has(c.name) ? `(${dict})[${c.name}_c + 1] AS ${c.name}` : c.name === 'community_id' ? `${CID_TEXT} AS community_id` : c.name)),
    'cid_text',
    ...CID_WORDS,
  ].join(', ');
}

const FLOWS_DDL = `CREATE TABLE IF NOT EXISTS flows (${COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ')})`;
/**
 * A rollup row: bytes, packets and flows of one key per bucket. The key is
 * `k1` (and `k2` for host pairs) as text, except IPv4 addresses: those are
 * the numbers `a1` / `a2` (k NULL), so the rollups group numbers and the
 * text of an address is made only for the rows a query returns.
 */
const ROLLUP_DDL = (name: string) =>
  `CREATE TABLE IF NOT EXISTS ${name} (bucket_ms BIGINT, kind VARCHAR, probe VARCHAR, k1 VARCHAR, k2 VARCHAR, a1 UINTEGER, a2 UINTEGER, bytes BIGINT, packets BIGINT, flows BIGINT)`;

/** UTC day of a time, 'YYYY-MM-DD'. */

const FILE_RE = /^flows-(\d{4}-\d{2}-\d{2})\.duckdb$/;
/** Suffix of the new file a day close writes (closeDays()); renamed over the day file when complete. */
const CLOSING = '.closing';
const alias = (day: string) => `d${day.replace(/-/g, '')}`;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** What the embedded store needs: where its day files live, and the retention bounds. */
export interface DuckDbHistoryOptions {
  dir: string;
  maxAgeDays: number;
  diskBudgetBytes: number;
  /**
   * DuckDB's memory limit (default 512 MiB). Without one DuckDB allows itself 80 % of the RAM, and
   * its buffer pool keeps the blocks of the day files it wrote: the process grows for hours.
   */
  memoryBytes?: number;
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
  /** Each attached day's dictionary (its `codes` table). */
  private readonly codes = new Map<string, Codes>();
  private readonly stage = new StageChunk(new Codes());
  /** Rows in each attached day's `flows_c_tail` (see append()). */
  private readonly tails = new Map<string, number>();
  /** Rows in each attached day's `flows_tail` (the layout before codes: read, no longer written). */
  private readonly oldTails = new Map<string, number>();
  /** Closed days (closeDays()): how many `flows_c` rows are in host order and in the server index `srv_rg`. */
  private readonly closed = new Map<string, number>();
  /** The day being closed (one at a time). */
  private closing: string | null = null;
  /** close() was called: a day close stops at its next step (its new file is removed). */
  private stopping = false;
  private lastRetention: HistoryUsage['last_retention'];
  /** Serialises writes, retention and reads that attach: one DuckDB connection. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DuckDbHistoryOptions) {}

  async open(): Promise<void> {
    fs.mkdirSync(this.options.dir, { recursive: true });
    // Bounded memory; what a large rollup or query needs beyond it spills to files in <dir>/.tmp.
    const memoryMib = Math.max(64, Math.floor((this.options.memoryBytes ?? 512 * 1024 * 1024) / 1048576));
    this.instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: `${memoryMib}MB`, temp_directory: path.join(this.options.dir, '.tmp') });
    this.conn = await this.instance.connect();
    await this.conn.run(STAGE_DDL);
    // A close that a stop interrupted left its new file behind: the day file it was made from is intact.
    for (const f of fs.readdirSync(this.options.dir)) if (f.endsWith(CLOSING) || f.endsWith(`${CLOSING}.wal`)) fs.rmSync(path.join(this.options.dir, f), { force: true });
    for (const day of this.dayFiles().map((d) => d.day)) await this.attach(day);
  }

  async close(): Promise<void> {
    this.stopping = true;
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
    // The layout before codes (`flows`, `flows_tail`) is kept in every file, so a previous version still opens
    // and writes it (it does not see the coded rows); this version reads both and writes the coded one.
    await this.conn.run(FLOWS_DDL);
    await this.conn.run(FLOWS_DDL.replace('flows (', 'flows_tail ('));
    await this.conn.run(FLOWS_C_DDL);
    await this.conn.run(FLOWS_C_DDL.replace('flows_c (', 'flows_c_tail ('));
    await this.conn.run('CREATE TABLE IF NOT EXISTS codes (code USMALLINT, value VARCHAR)');
    // Rollups of an older layout (keys as text only) are dropped: they are summed again from `flows` at the next rollUp().
    const current = await this.rows(`SELECT count(*) AS n FROM duckdb_columns() WHERE database_name = '${a}' AND table_name = 'rollup_1h' AND column_name = 'a1'`);
    const old = await this.rows(`SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = '${a}' AND table_name = 'rollup_1h'`);
    if (Number(old[0].n) > 0 && Number(current[0].n) === 0) {
      for (const r of ROLLUPS) await this.conn.run(`DROP TABLE ${r.name}`);
      await this.conn.run('DROP TABLE IF EXISTS rollup_state');
    }
    for (const r of ROLLUPS) await this.conn.run(ROLLUP_DDL(r.name));
    await this.conn.run('CREATE TABLE IF NOT EXISTS rollup_state (rolled_rows BIGINT)');
    await this.conn.run('CREATE TABLE IF NOT EXISTS rollup_state_c (rolled_rows BIGINT)');
    await this.conn.run('USE memory');
    const stored = await this.rows(`SELECT value FROM ${a}.codes ORDER BY code`);
    this.codes.set(day, new Codes(stored.map((r) => String(r.value))));
    this.oldTails.set(day, Number((await this.rows(`SELECT count(*) AS n FROM ${a}.flows_tail`))[0].n));
    this.tails.set(day, Number((await this.rows(`SELECT count(*) AS n FROM ${a}.flows_c_tail`))[0].n));
    const closed = await this.rows(`SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = '${a}' AND table_name = 'day_closed'`);
    if (Number(closed[0].n) > 0) {
      const r = await this.rows(`SELECT max(sorted_rows) AS n FROM ${a}.day_closed`);
      if (r[0].n !== null) this.closed.set(day, Number(r[0].n));
    }
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
      // Records per UTC day (nearly always one day: then no per-record day).
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < records.length; i++) {
        const t = records[i].last_seen_ms;
        if (t < lo) lo = t;
        if (t > hi) hi = t;
      }
      const days = new Map<string, FlowExportRecord[]>();
      if (dayOf(lo) === dayOf(hi)) days.set(dayOf(lo), records);
      else
        for (const r of records) {
          const d = dayOf(r.last_seen_ms);
          const list = days.get(d);
          if (list) list.push(r);
          else days.set(d, [r]);
        }
      for (const [day, dayRecords] of days) await this.insertDay(day, dayRecords);
      this.written += records.length;
      if ([...this.pending.values()].some((n) => n >= ROLLUP_ROWS)) await this.rollUpNow();
    });
  }

  /** One day's records: staged with the day's codes, new codes into its `codes`, then appended to `flows_c`. */
  private async insertDay(day: string, records: FlowExportRecord[]): Promise<void> {
    await this.attach(day);
    const codes = this.codes.get(day)!;
    this.stage.useCodes(codes);
    try {
      // Staged in time slices (filling the columns is JavaScript on the event loop: a whole batch
      // takes seconds on a loaded machine, which API requests must not wait for). No appender
      // stays open across a yield: each slice appends, flushes and closes its own.
      const slice = new TimeSlice();
      for (let at = 0; at < records.length; ) {
        const appender = await this.conn.createAppender('staging', null, 'temp');
        try {
          do {
            const n = Math.min(CHUNK_ROWS, records.length - at);
            this.stage.fill(records, at, n);
            appender.appendDataChunk(this.stage.chunk(n));
            at += n;
          } while (at < records.length && !slice.due);
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
        if (at < records.length) await slice.next();
      }
      // The day's new dictionary entries first: a code in flows_c always has its value in codes.
      if (codes.values.length > codes.persisted) {
        const fresh = codes.values.slice(codes.persisted).map((v, i) => `(${codes.persisted + i}, ${quote(v)})`);
        await this.conn.run(`INSERT INTO ${alias(day)}.codes VALUES ${fresh.join(', ')}`);
        codes.persisted = codes.values.length;
      }
      await this.append(day, STAGED_AS_CODED, records.length);
    } finally {
      await this.conn.run('TRUNCATE temp.staging');
    }
  }

  /**
   * Appends a day's rows (`select`, `count` of them) so that `flows` only
   * ever grows by whole row groups (ROW_GROUP rows): DuckDB then writes them
   * compressed straight into the file, once. An append of any other size
   * leaves a partial row group that later appends and checkpoints rewrite
   * (measured: about twice the CPU time and twice the bytes per record). The
   * rows short of a whole row group wait in `flows_tail` (in the same file,
   * read by every query, so nothing is lost or hidden); they go to `flows`
   * with the rows that complete a row group, in one transaction.
   */
  private async append(day: string, select: string, count: number): Promise<void> {
    const a = alias(day);
    const tail = this.tails.get(day) ?? 0;
    const move = Math.floor((tail + count) / ROW_GROUP) * ROW_GROUP;
    if (move === 0) {
      await this.conn.run(`INSERT INTO ${a}.flows_c_tail ${select}`);
      this.tails.set(day, tail + count);
      return;
    }
    if (tail === 0 && move === count) {
      await this.conn.run(`INSERT INTO ${a}.flows_c ${select}`);
      this.pending.set(day, (this.pending.get(day) ?? 0) + count);
      return;
    }
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE batch AS ${select}`);
    await this.conn.run('BEGIN');
    try {
      await this.conn.run(`INSERT INTO ${a}.flows_c SELECT * FROM ${a}.flows_c_tail UNION ALL SELECT * FROM temp.batch WHERE rowid < ${move - tail}`);
      await this.conn.run(`DELETE FROM ${a}.flows_c_tail`);
      await this.conn.run(`INSERT INTO ${a}.flows_c_tail SELECT * FROM temp.batch WHERE rowid >= ${move - tail}`);
      await this.conn.run('COMMIT');
    } catch (err) {
      await this.conn.run('ROLLBACK');
      throw err;
    } finally {
      await this.conn.run('DROP TABLE IF EXISTS temp.batch');
    }
    this.tails.set(day, tail + count - move);
    this.pending.set(day, (this.pending.get(day) ?? 0) + move);
  }

  /** Sums every day's flows rows not yet in its rollups into them (see insert). */
  rollUp(): Promise<void> {
    return this.serial(() => this.rollUpNow());
  }

  private async rollUpNow(): Promise<void> {
    for (const day of [...this.pending.keys()]) {
      // Both layouts, each with its own count of summed rows: `flows` (written by a version before the codes) and `flows_c`.
      for (const table of ['flows', 'flows_c']) await this.rollUpTable(day, table);
      this.pending.delete(day);
    }
  }

  private async rollUpTable(day: string, table: 'flows' | 'flows_c' | string): Promise<void> {
    const a = alias(day);
    const state = table === 'flows' ? 'rollup_state' : 'rollup_state_c';
    const total = Number((await this.rows(`SELECT count(*) AS n FROM ${a}.${table}`))[0].n);
    {
      for (;;) {
        const done = Number((await this.rows(`SELECT max(rolled_rows) AS n FROM ${a}.${state}`))[0].n ?? 0);
        if (done >= total) break;
        const rows = Math.min(total, done + ROLLUP_PASS_ROWS);
        const range = `rowid >= ${done} AND rowid < ${rows}`;
        const source = table === 'flows' ? `${a}.flows WHERE ${range}` : `(SELECT ${codedSelect(this.dict(day))} FROM ${a}.flows_c WHERE ${range}) f WHERE true`;
        // The range's 1-minute aggregate once (hosts, applications, ports); the 5-minute and hourly rows are summed from it.
        // Host pairs (nearly one row per record per minute) only in the hourly rollup, from the records.
        await this.conn.run(`CREATE OR REPLACE TEMP TABLE batch_1m AS ${(['host', 'app', 'port'] as const).map((k) => kindAgg(k, source, 60_000)).join(' UNION ALL ')}`);
        await this.conn.run('BEGIN');
        try {
          for (const r of ROLLUPS) {
            await this.conn.run(
              r.ms === 60_000
                ? `INSERT INTO ${a}.${r.name} SELECT * FROM temp.batch_1m`
                : `INSERT INTO ${a}.${r.name} SELECT (bucket_ms // ${r.ms}) * ${r.ms}, kind, probe, k1, k2, a1, a2, sum(bytes), sum(packets), sum(flows) FROM temp.batch_1m GROUP BY ALL`,
            );
          }
          await this.conn.run(`INSERT INTO ${a}.rollup_1h ${kindAgg('pair', source, 3_600_000)}`);
          await this.conn.run(`DELETE FROM ${a}.${state}`);
          await this.conn.run(`INSERT INTO ${a}.${state} VALUES (${rows})`);
          await this.conn.run('COMMIT');
        } catch (err) {
          await this.conn.run('ROLLBACK');
          throw err;
        } finally {
          await this.conn.run('DROP TABLE IF EXISTS temp.batch_1m');
        }
      }
    }
  }

  /**
   * Closes every attached day that ended CLOSE_AFTER_MS before `nowMs` and
   * is not closed yet, oldest first (none while a close runs): the day's
   * `flows_c` is rewritten in host order — by hour of last_seen_ms, then
   * client address — into a new file with the day's other tables as they
   * are, a server index `srv_rg` (server address, row group) and
   * `day_closed` (how many rows are in that order), which then replaces the
   * day file. A host's flows then read the row groups that hold them
   * (hostUnion()) instead of two address columns of the whole day, and the
   * hour order keeps time ranges pruned as before. The rows are rewritten an
   * hour at a time, each step queued with the writes and queries (they wait
   * one step, not the whole close); records of the day stored meanwhile are
   * copied after the sorted rows at the end. Returns what was closed.
   */
  async closeDays(nowMs = Date.now()): Promise<{ day: string; rows: number; ms: number; bytes_before: number; bytes_after: number }[]> {
    if (this.closing !== null) return [];
    const done: { day: string; rows: number; ms: number; bytes_before: number; bytes_after: number }[] = [];
    const due = [...this.attached].filter((d) => !this.closed.has(d) && Date.parse(`${d}T00:00:00Z`) + DAY_MS + CLOSE_AFTER_MS <= nowMs).sort();
    for (const day of due) {
      this.closing = day;
      try {
        const r = await this.closeDay(day);
        if (r) done.push(r);
      } finally {
        this.closing = null;
      }
    }
    return done;
  }

  private async closeDay(day: string): Promise<{ day: string; rows: number; ms: number; bytes_before: number; bytes_after: number } | null> {
    const t0 = Date.now();
    const a = alias(day);
    const n = `${a}_closing`;
    const file = this.fileOf(day);
    const next = file + CLOSING;
    const bytesBefore = this.filesWithSizes().find((f) => f.day === day)?.bytes ?? 0;
    let attachedNext = false;
    try {
      // The tail's rows into flows_c and every row into the rollups: the rows to sort are then flows_c's first `rows`.
      const rows = await this.serial(async () => {
        if (!this.attached.has(day) || this.stopping) return -1;
        if ((this.tails.get(day) ?? 0) > 0) {
          await this.conn.run('BEGIN');
          try {
            await this.conn.run(`INSERT INTO ${a}.flows_c SELECT * FROM ${a}.flows_c_tail`);
            await this.conn.run(`DELETE FROM ${a}.flows_c_tail`);
            await this.conn.run('COMMIT');
          } catch (err) {
            await this.conn.run('ROLLBACK');
            throw err;
          }
          this.tails.set(day, 0);
        }
        for (const table of ['flows', 'flows_c']) await this.rollUpTable(day, table);
        fs.rmSync(next, { force: true });
        fs.rmSync(`${next}.wal`, { force: true });
        await this.conn.run(`ATTACH ${quote(next)} AS ${n}`);
        attachedNext = true;
        await this.conn.run(`CREATE TABLE ${n}.flows_c AS SELECT * FROM ${a}.flows_c LIMIT 0`);
        return Number((await this.rows(`SELECT count(*) AS n FROM ${a}.flows_c`))[0].n);
      });
      if (rows < 0) return null;
      const start = Date.parse(`${day}T00:00:00Z`);
      const slices = Array.from({ length: 24 }, (_, h) => `last_seen_ms >= ${start + h * 3_600_000} AND last_seen_ms < ${start + (h + 1) * 3_600_000}`);
      slices.push(`(last_seen_ms < ${start} OR last_seen_ms >= ${start + DAY_MS} OR last_seen_ms IS NULL)`);
      for (const slice of slices) {
        const ok = await this.serial(async () => {
          if (!this.attached.has(day) || this.stopping) return false;
          await this.conn.run(`INSERT INTO ${n}.flows_c SELECT * FROM ${a}.flows_c WHERE ${slice} AND rowid < ${rows} ORDER BY cli_v4, cli_ip6, last_seen_ms`);
          return true;
        });
        if (!ok) return null;
      }
      return await this.serial(async () => {
        if (!this.attached.has(day) || this.stopping) return null;
        // Rows stored since the first step keep their rowids (the rollups' state counts rows by rowid).
        await this.conn.run(`INSERT INTO ${n}.flows_c SELECT * FROM ${a}.flows_c WHERE rowid >= ${rows} ORDER BY rowid`);
        const tables = await this.rows(`SELECT table_name FROM duckdb_tables() WHERE database_name = '${a}' AND table_name NOT IN ('flows_c', 'srv_rg', 'day_closed')`);
        for (const t of tables.map((r) => String(r.table_name))) await this.conn.run(`CREATE TABLE ${n}.${t} AS SELECT * FROM ${a}.${t}`);
        await this.conn.run(
          `CREATE TABLE ${n}.srv_rg AS SELECT DISTINCT srv_v4, (rowid // ${ROW_GROUP})::UINTEGER AS rg FROM ${n}.flows_c WHERE srv_v4 IS NOT NULL AND rowid < ${rows} ORDER BY srv_v4, rg`,
        );
        await this.conn.run(`CREATE TABLE ${n}.day_closed AS SELECT ${rows}::BIGINT AS sorted_rows, ${Date.now()}::BIGINT AS closed_ms`);
        await this.conn.run(`CHECKPOINT ${n}`);
        await this.conn.run(`DETACH ${n}`);
        attachedNext = false;
        await this.conn.run(`CHECKPOINT ${a}`);
        await this.conn.run(`DETACH ${a}`);
        this.attached.delete(day);
        fs.renameSync(next, file);
        fs.rmSync(`${file}.wal`, { force: true });
        await this.attach(day);
        const bytesAfter = this.filesWithSizes().find((f) => f.day === day)?.bytes ?? 0;
        return { day, rows, ms: Date.now() - t0, bytes_before: bytesBefore, bytes_after: bytesAfter };
      });
    } finally {
      if (attachedNext) {
        await this.serial(async () => {
          await this.conn.run(`DETACH ${n}`).catch(() => undefined);
          fs.rmSync(next, { force: true });
          fs.rmSync(`${next}.wal`, { force: true });
        });
      }
    }
  }

  /** The day's dictionary as a list literal. */
  private dict(day: string): string {
    return (this.codes.get(day) ?? new Codes()).sql();
  }

  /** Days (attached) whose records may meet [fromMs, toMs): last_seen within the range or the day after (windows span at most the active timeout). */
  private daysFor(fromMs: number, toMs: number, slackDays = 0): string[] {
    const first = dayOf(fromMs);
    const last = dayOf(toMs - 1 + slackDays * DAY_MS);
    return [...this.attached].filter((d) => d >= first && d <= last).sort();
  }

  /**
   * The days' flow rows in the `flows` columns (and cid_text, cid0..4): the
   * coded `flows_c` with the rows waiting in `flows_c_tail`, and the layout
   * before codes (`flows`, `flows_tail`) when the day has rows there.
   */
  private union(days: string[]): string | null {
    if (days.length === 0) return null;
    return `(${days
      .flatMap((d) => {
        const a = alias(d);
        const coded = codedSelect(this.dict(d));
        return [`SELECT ${OLD_SELECT} FROM ${a}.flows`, `SELECT ${OLD_SELECT} FROM ${a}.flows_tail`, `SELECT ${coded} FROM ${a}.flows_c`, `SELECT ${coded} FROM ${a}.flows_c_tail`];
      })
      .join(' UNION ALL ')})`;
  }

  /**
   * The days' flow rows an IPv4 host is client or server of (other hosts,
   * or none: union()), as scans with one-column filters: `cli_v4 = n`, and
   * `srv_v4 = n` without the rows the first has. A filter on one column goes
   * into DuckDB's scan, which skips row groups by their min/max and reads the
   * other columns only where it matched; `cli_v4 = n OR srv_v4 = n` spans two
   * columns, stays above the scan and reads every row of them all. On a
   * closed day (closeDays()) the client scan meets the host's rows in one or
   * two row groups per hour, and the server scan reads only the row groups
   * the day's server index (`srv_rg`) lists for the host, as rowid ranges
   * (none when the host was never a server that day); rows stored after the
   * close are scanned whole.
   */
  private async hostUnion(days: string[], host: string | undefined): Promise<string | null> {
    const n = host === undefined ? null : v4(host);
    if (n === null || days.length === 0) return this.union(days);
    const notCli = `cli_v4 IS DISTINCT FROM ${n}`;
    const parts: string[] = [];
    for (const d of days) {
      const a = alias(d);
      const old = `SELECT ${OLD_SELECT} FROM`;
      const coded = `SELECT ${codedSelect(this.dict(d))} FROM`;
      for (const [sel, table] of [[old, 'flows'], [old, 'flows_tail'], [coded, 'flows_c_tail'], [coded, 'flows_c']]) parts.push(`${sel} ${a}.${table} WHERE cli_v4 = ${n}`);
      for (const [sel, table] of [[old, 'flows'], [old, 'flows_tail'], [coded, 'flows_c_tail']]) parts.push(`${sel} ${a}.${table} WHERE srv_v4 = ${n} AND ${notCli}`);
      const sorted = this.closed.get(d);
      const runs = sorted === undefined ? null : await this.serverRuns(a, n, sorted);
      if (runs === null) {
        parts.push(`${coded} ${a}.flows_c WHERE srv_v4 = ${n} AND ${notCli}`);
        continue;
      }
      for (const [lo, hi] of [...runs, [sorted!, null] as const]) {
        parts.push(`${coded} ${a}.flows_c WHERE rowid >= ${lo}${hi === null ? '' : ` AND rowid < ${hi}`} AND srv_v4 = ${n} AND ${notCli}`);
      }
    }
    return `(${parts.join(' UNION ALL ')})`;
  }

  /** The rowid ranges of a closed day's row groups that hold rows of server `n` (its `srv_rg`), or null when there are too many. */
  private async serverRuns(a: string, n: number, sorted: number): Promise<[number, number][] | null> {
    const rgs = (await this.rows(`SELECT rg FROM ${a}.srv_rg WHERE srv_v4 = ${n} ORDER BY rg`)).map((r) => Number(r.rg));
    const runs: [number, number][] = [];
    for (const rg of rgs) {
      const lo = rg * ROW_GROUP;
      const last = runs[runs.length - 1];
      if (last && last[1] === lo) last[1] = Math.min(sorted, lo + ROW_GROUP);
      else runs.push([lo, Math.min(sorted, lo + ROW_GROUP)]);
      if (runs.length > MAX_SERVER_RUNS) return null;
    }
    return runs;
  }

  /** A rollup's rows of the days, with the sums of the rows still in `flows_tail` (not summed yet) by one dimension. */
  private rollupUnion(rollup: (typeof ROLLUPS)[number], kind: Kind, days: string[]): string | null {
    if (days.length === 0) return null;
    const parts = days.flatMap((d) => {
      const a = alias(d);
      const parts = [`SELECT * FROM ${a}.${rollup.name}`];
      if ((this.oldTails.get(d) ?? 0) > 0) parts.push(kindAgg(kind, `${a}.flows_tail WHERE true`, rollup.ms));
      if ((this.tails.get(d) ?? 0) > 0) parts.push(kindAgg(kind, `(SELECT ${codedSelect(this.dict(d))} FROM ${a}.flows_c_tail) t WHERE true`, rollup.ms));
      return parts;
    });
    return `(${parts.join(' UNION ALL ')})`;
  }

  private async rows(sql: string, values: DuckDBValue[] = []): Promise<Record<string, DuckDBValue>[]> {
    const reader = await this.conn.runAndReadAll(sql, values);
    return reader.getRowObjects();
  }

  queryFlows(q: HistoryFlowQuery): Promise<{ total: number; data: HistoryFlow[] }> {
    return this.serial(async () => {
      const from = await this.hostUnion(this.daysFor(q.fromMs, q.toMs, 1), q.host);
      if (!from) return { total: 0, data: [] };
      const { where, values } = flowWhere(q);
      const sortCol = { last_seen: 'last_seen_ms', first_seen: 'first_seen_ms', bytes: '(c2s_bytes + s2c_bytes)', packets: '(c2s_pkts + s2c_pkts)' }[q.sort];
      const dir = q.order === 'asc' ? 'ASC' : 'DESC';
      // One scan of the filter and sort columns gives the count and the sort value of the page's last row; the page
      // is then read with that bound as a constant (rows beyond it cannot be on the page, ties included), which
      // DuckDB checks against each row group's min/max first: the page's other columns are read only where it can
      // be (a filter over two columns, `cli_v4 = n OR srv_v4 = n`, would otherwise read every column of every row).
      const k = q.offset + q.limit;
      const bounded = k <= MAX_BOUNDED_PAGE;
      const head = await this.rows(
        `SELECT count(*) AS n${bounded ? `, ${dir === 'DESC' ? 'max' : 'min'}(${sortCol}, ${k}) AS top` : ''} FROM ${from} f WHERE ${where}`,
        values,
      );
      const total = Number(head[0].n);
      if (total <= q.offset) return { total, data: [] };
      let bound = '';
      if (bounded) {
        const top = (head[0].top as DuckDBListValue | null)?.items ?? [];
        const last = top[top.length - 1];
        if (last !== undefined && last !== null) bound = ` AND ${sortCol} ${dir === 'DESC' ? '>=' : '<='} ${String(last)}`;
      }
      const data = await this.rows(
        `SELECT ${FLOW_ROW} FROM ${from} f WHERE ${where}${bound} ORDER BY ${sortCol} ${dir}, flow_key, last_seen_ms LIMIT ${q.limit} OFFSET ${q.offset}`,
        values,
      );
      return { total, data: data.map(toHistoryFlow) };
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
        const from = this.rollupUnion(rollup, kind, days);
        if (!from) return { ...base, source: rollup.name, data: [] };
        source = rollup.name;
        sql = `SELECT k1, k2, a1, a2, ${SUMS} FROM ${from} r
               WHERE kind = '${kind}' AND bucket_ms >= ${q.fromMs} AND bucket_ms < ${q.toMs}${probe} GROUP BY k1, k2, a1, a2`;
      } else {
        const from = this.union(days);
        if (!from) return { ...base, source: 'flows', data: [] };
        source = 'flows';
        sql = `SELECT k1, k2, a1, a2, ${SUMS} FROM (${kindAgg(kind, `${from} f WHERE last_seen_ms >= ${q.fromMs} AND last_seen_ms < ${q.toMs}${probe}`, null)}) GROUP BY k1, k2, a1, a2`;
      }
      const rows = await this.rows(`SELECT ${keyText('key_text', 'peer_text')}, bytes, packets, flows FROM (${sql}) ORDER BY ${q.metric} DESC, key_text, peer_text LIMIT ${q.limit}`);
      const data: TopEntry[] = rows.map((r) => ({
        key: String(r.key_text),
        ...(q.by === 'pairs' ? { peer: String(r.peer_text) } : {}),
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
      const kind = q.by === 'application' ? 'app' : 'host';
      const empty = { from_ms: fromMs, to_ms: toMs, step_s: q.stepS, by: q.by, buckets };
      const probe = q.probe ? ` AND probe = ${quote(q.probe)}` : '';
      if (q.host !== undefined) {
        // One host's records (client or server): summed from the records themselves, the rollups have no host dimension.
        const flows = await this.hostUnion(this.daysFor(fromMs, toMs), q.host);
        if (!flows) return { ...empty, series: [] };
        const match = v4(q.host) !== null ? 'true' : `(cli_ip6 = ${quote(q.host)} OR srv_ip6 = ${quote(q.host)})`;
        const source = `${flows} f WHERE last_seen_ms >= ${fromMs} AND last_seen_ms < ${toMs} AND ${match}${probe}`;
        const rows = await this.rows(
          `SELECT ${keyText()}, bucket_ms, bytes FROM (SELECT k1, k2, a1, a2, bucket_ms, sum(bytes) AS bytes FROM (${kindAgg(kind, source, stepMs)}) GROUP BY k1, k2, a1, a2, bucket_ms)`,
        );
        return { ...empty, series: stackSeries(rows, buckets, stepMs, fromMs, q.limit) };
      }
      const from = this.rollupUnion(rollup, kind, this.daysFor(fromMs, toMs));
      if (!from) return { ...empty, series: [] };
      const rows = await this.rows(
        `SELECT ${keyText()}, bucket_ms, bytes FROM (SELECT k1, k2, a1, a2, bucket_ms, sum(bytes) AS bytes FROM ${from} r
         WHERE kind = '${kind}' AND bucket_ms >= ${fromMs} AND bucket_ms < ${toMs}${probe} GROUP BY k1, k2, a1, a2, bucket_ms)`,
      );
      return { ...empty, series: stackSeries(rows, buckets, stepMs, fromMs, q.limit) };
    });
  }

  probes(fromMs: number, toMs: number): Promise<HistoryProbe[]> {
    return this.serial(async () => {
      const from = this.union(this.daysFor(fromMs, toMs));
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
      this.tails.delete(day);
      this.oldTails.delete(day);
      this.codes.delete(day);
      this.closed.delete(day);
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
/** IPv4 text of a 32-bit number column. */
const v4Text = (v4: string) => `concat_ws('.', ${v4} >> 24, (${v4} >> 16) & 255, (${v4} >> 8) & 255, ${v4} & 255)`;
/** An address's text from its stored columns: IPv4 as a number, IPv6 as text. */
const ipText = (v4: string, ip6: string) => `COALESCE(${ip6}, ${v4Text(v4)})`;
/** A rollup key as text (k1, k2): IPv4 addresses are stored as the numbers a1, a2. */
const keyText = (k1 = 'k1', k2 = 'k2') => `COALESCE(k1, ${v4Text('a1')}) AS ${k1}, COALESCE(k2, ${v4Text('a2')}) AS ${k2}`;
/** A flows row as the API reads it: the stored columns and the addresses' text. */
const FLOW_ROW = `*, ${ipText('cli_v4', 'cli_ip6')} AS cli_ip, ${ipText('srv_v4', 'srv_ip6')} AS srv_ip`;

/**
 * Sums of the records of `source` (`table WHERE ...`) by one rollup
 * dimension, per bucket of last_seen_ms when bucketMs is given: rows
 * (bucket_ms, kind, probe, k1, k2, a1, a2, bytes, packets, flows), grouped
 * by the stored numbers: an address is its IPv4 number (a1, a2) or its IPv6
 * text (k1, k2), a port its number and L4 (text made once per group). A
 * host's records are those it is client or server of (once when it is both).
 */
function kindAgg(kind: Kind, source: string, bucketMs: number | null): string {
  const b = bucketMs ? `(last_seen_ms // ${bucketMs}) * ${bucketMs}` : '0';
  const rows = (cols: string, where = '') => `SELECT ${b} AS bucket_ms, probe, ${cols}, ${ROW_METRICS} FROM ${source}${where}`;
  const out = (k1: string, k2: string, a1: string, a2: string, inner: string, group: string) =>
    `SELECT bucket_ms, '${kind}' AS kind, probe, ${k1} AS k1, ${k2} AS k2, ${a1} AS a1, ${a2} AS a2, ${SUMS} FROM (${inner}) GROUP BY bucket_ms, probe, ${group}`;
  switch (kind) {
    case 'host':
      return out(
        'ip6',
        "''",
        'v4',
        'NULL::UINTEGER',
        `${rows('cli_v4 AS v4, cli_ip6 AS ip6')} UNION ALL ${rows('srv_v4 AS v4, srv_ip6 AS ip6', ' AND (srv_v4 IS DISTINCT FROM cli_v4 OR srv_ip6 IS DISTINCT FROM cli_ip6)')}`,
        'v4, ip6',
      );
    case 'pair':
      return out('cli_ip6', 'srv_ip6', 'cli_v4', 'srv_v4', rows('cli_v4, cli_ip6, srv_v4, srv_ip6'), 'cli_v4, cli_ip6, srv_v4, srv_ip6');
    case 'app':
      return out('l7', "''", 'NULL::UINTEGER', 'NULL::UINTEGER', rows('l7'), 'l7');
    case 'port':
      return out(`CAST(srv_port AS VARCHAR) || '/' || l4`, "''", 'NULL::UINTEGER', 'NULL::UINTEGER', rows('srv_port, l4'), 'srv_port, l4');
    case 'server_name':
      return out('server_name', "''", 'NULL::UINTEGER', 'NULL::UINTEGER', rows('server_name', ` AND server_name <> ''`), 'server_name');
  }
}

/** WHERE clause of a flow search; values bind to its `?`s. */
function flowWhere(q: HistoryFlowQuery): { where: string; values: DuckDBValue[] } {
  const parts = [`last_seen_ms >= ${q.fromMs}`, `first_seen_ms < ${q.toMs}`];
  const values: DuckDBValue[] = [];
  if (q.host !== undefined) {
    // IPv4: hostUnion() has the rows already; IPv6 as its text.
    if (v4(q.host) === null) {
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
    // The coded layout keeps a standard Community ID as five 32-bit words (compared as numbers), any other as text.
    const words = CID_WORDS.map(() => new Uint32Array(1));
    if (cidWords(q.communityId, words, 0)) parts.push(`(${CID_WORDS.map((w, i) => `${w} = ${words[i][0]}`).join(' AND ')} OR cid_text = ?)`);
    else parts.push(q.communityId === '' ? 'community_id = ?' : 'cid_text = ?');
    values.push(q.communityId);
  }
  if (q.probe !== undefined) {
    parts.push('probe = ?');
    values.push(q.probe);
  }
  return { where: parts.join(' AND '), values };
}


