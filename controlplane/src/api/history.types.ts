/** Flow history (/api/v1/history, docs/history.md). Times are ms since the epoch. */

/** Why a flow record was produced (docs/flow-records.md). */
export type HistoryEndReason = 'idle' | 'active_timeout' | 'end_of_flow' | 'end_of_capture' | 'forced_end';
export type HistorySort = 'last_seen' | 'first_seen' | 'bytes' | 'packets';
export type TopDimension = 'hosts' | 'pairs' | 'applications' | 'ports' | 'server_names';
export type TopMetric = 'bytes' | 'packets' | 'flows';
export type SeriesDimension = 'application' | 'host';

/** One stored flow record (a FlowExportRecord without `flow_totals`), as the history API returns it. */
export interface HistoryFlow {
  probe: string;
  interface: string;
  key: string;
  flow_start_ms: number;
  first_seen_ms: number;
  last_seen_ms: number;
  end_reason: HistoryEndReason;
  ip_version: number;
  vlan: number;
  l4: string;
  l4_proto: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  cli2srv: { packets: number; bytes: number };
  srv2cli: { packets: number; bytes: number };
  retransmissions: { cli2srv: number; srv2cli: number };
  tcp_flags: { cli2srv: number; srv2cli: number };
  l7: string;
  category: string;
  breed: string;
  server_name: string;
  risks: string[];
  score: number;
  community_id: string;
  client_name: string;
  server_host_name: string;
  icmp_type: number;
  icmp_code: number;
}

export interface TopEntry {
  /** Host IP, application, 'port/L4', server name; for pairs 'client IP' with `peer` the server IP. */
  key: string;
  peer?: string;
  bytes: number;
  packets: number;
  flows: number;
}

export interface HistoryTopResponse {
  from_ms: number;
  to_ms: number;
  by: TopDimension;
  metric: TopMetric;
  /** 'rollup_1h' / 'rollup_5m' / 'rollup_1m' when the range fits a rollup's buckets, else 'flows'. */
  source: string;
  data: TopEntry[];
}

export interface HistorySeriesResponse {
  from_ms: number;
  to_ms: number;
  step_s: number;
  by: SeriesDimension;
  /** Start of each bucket, ms. */
  buckets: number[];
  /** Bytes per bucket for each key, largest total first; 'other' sums the rest. */
  series: { key: string; values: number[] }[];
}

/** One probe writing into the history store, over a range (GET /history/probes). */
export interface HistoryProbe {
  probe: string;
  /** Records whose last_seen_ms is in the range, and the flows among them (final records). */
  records: number;
  flows: number;
  bytes: number;
  packets: number;
  /** Its latest record's last_seen_ms in the range. */
  last_record_ms: number;
  /** records and bytes per second of the range. */
  records_per_s: number;
  bytes_per_s: number;
}

export interface HistoryProbesResponse {
  from_ms: number;
  to_ms: number;
  data: HistoryProbe[];
}

/** Disk use of the store and what retention did last. */
export interface HistoryUsage {
  backend: 'duckdb' | 'clickhouse';
  bytes_on_disk: number;
  budget_bytes: number;
  /** bytes_on_disk / budget_bytes, 0..1 (more when the current day alone exceeds the budget). */
  budget_used: number;
  max_age_days: number;
  days: { day: string; bytes: number }[];
  records_written: number;
  last_retention?: { at_ms: number; dropped: { day: string; reason: 'max_age' | 'disk_budget'; bytes: number }[] };
  /** ClickHouse backend only: the servers, and the on-disk buffer used while none answers. */
  clickhouse?: {
    servers: { url: string; version: string | null; reachable: boolean }[];
    cluster: string | null;
    /** Records this probe delivered to ClickHouse since it started. */
    records_delivered: number;
    /** Records waiting in the on-disk buffer, and its bytes against the bound. */
    buffered_records: number;
    buffered_bytes: number;
    buffer_max_bytes: number;
    /** Records dropped because the buffer was full (alerted; never silently). */
    overflow_records: number;
    /** Records of buffered batches the server refused as data (damaged buffer file, changed table): counted, reported, skipped. */
    rejected_records: number;
    last_error?: string;
  };
}
