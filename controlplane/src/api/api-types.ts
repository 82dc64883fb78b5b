/**
 * Request and response shapes of the flowprobe REST API (`/api/v1`) and of the
 * live WebSocket (`/api/v1/live`).
 *
 * This file is the contract between the control plane and its clients: the
 * portal imports it with `import type` only, so it must stay free of runtime
 * code and of imports. Field names follow ntopng's REST v2 where practical
 * (`num_flows`, `bytes.sent`, `thpt.bps`, `client`/`server`, `protocol.l7`).
 *
 * Conventions:
 * - times are UNIX seconds (float where sub-second matters) unless the name says `Ms`;
 * - `bps` is bits per second, `pps` packets per second, `bytes`/`packets` are counts;
 * - list endpoints return {@link Page} `{ total, data }`;
 * - errors are Nest's `{ statusCode, message, error }` ({@link ApiError}).
 *
 * Stability: fields are only added, never renamed or removed.
 */

// ---------------------------------------------------------------- common

/** A page of results: `total` counts every match, `data` holds `limit` of them from `offset`. */
export interface Page<T> {
  total: number;
  data: T[];
}

/** Error body of every non-2xx answer. `message` is a list for validation errors (400). */
export interface ApiError {
  statusCode: number;
  message: string | string[];
  error?: string;
}

export type SortOrder = 'asc' | 'desc';

/** Throughput: bits per second and packets per second. */
export interface Throughput {
  bps: number;
  pps: number;
}

/**
 * Interface throughput split by direction, by the configured local networks:
 * upload = local -> remote, download = remote -> local (bits per second).
 * Local <-> local and remote <-> remote traffic counts in `bps` only.
 */
export interface InterfaceThroughput extends Throughput {
  upload_bps: number;
  download_bps: number;
}

export interface Endpoint {
  ip: string;
  port: number;
}

export interface DirectionCounters {
  packets: number;
  bytes: number;
}

// ---------------------------------------------------------------- auth & users

export type Role = 'admin' | 'viewer';

/** POST /api/v1/auth/login body. Sets the `flowprobe_session` cookie (httpOnly, SameSite=Strict). */
export interface LoginRequest {
  username: string;
  password: string;
}

/** POST /api/v1/auth/login answer (200); 401 on bad credentials, 429 when rate-limited. */
export interface LoginResponse {
  user: UserInfo;
  /** Seconds since epoch when the session cookie expires. */
  expires_at: number;
}

/** POST /api/v1/auth/logout: 204, clears the cookie. GET /api/v1/auth/me: the current user. */
export type MeResponse = UserInfo;

/** A user as the API shows it (never the password hash). */
export interface UserInfo {
  id: number;
  username: string;
  role: Role;
  /** True until the user changed the initial password; every route except
   *  login, logout, me and the password change answers 403 meanwhile. */
  must_change_password: boolean;
  created_at: number;
  last_login_at: number | null;
}

/** POST /api/v1/users/me/password (any role). 204 on success, 400/401 when `current_password` is wrong. */
export interface ChangePasswordRequest {
  current_password: string;
  /** At least 8 characters. */
  new_password: string;
}

/** POST /api/v1/users (admin). */
export interface CreateUserRequest {
  username: string;
  password: string;
  role: Role;
}

/** PATCH /api/v1/users/:id (admin). Setting `password` also sets `must_change_password` unless given. */
export interface UpdateUserRequest {
  password?: string;
  role?: Role;
  must_change_password?: boolean;
}

/** GET /api/v1/users (admin). DELETE /api/v1/users/:id (admin) answers 204. */
export type UserListResponse = UserInfo[];

/** POST /api/v1/users/me/tokens body. */
export interface CreateTokenRequest {
  name: string;
  /** Lifetime in days; omitted = never expires. */
  expires_in_days?: number;
}

/** An API token as listed (GET /api/v1/users/me/tokens). */
export interface ApiTokenInfo {
  id: number;
  name: string;
  /** First characters of the token, to recognise it. */
  prefix: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
}

/** POST /api/v1/users/me/tokens answer: the only time the secret is shown. Use as `Authorization: Bearer <token>`. */
export interface CreateTokenResponse extends ApiTokenInfo {
  token: string;
}

// ---------------------------------------------------------------- interfaces

/** Counters of one RX queue / worker shard. */
export interface QueueInfo {
  queue: number;
  packets: number;
  bytes: number;
  num_flows: number;
  num_hosts: number;
  /** Packets the NIC received on this queue / errors, present for DPDK. */
  nic_packets?: number;
  nic_errors?: number;
  flow_table_full: boolean;
  host_table_full: boolean;
}

/** GET /api/v1/interfaces (array) and GET /api/v1/interfaces/:id. */
export interface InterfaceInfo {
  id: number;
  name: string;
  /** Source description, e.g. `pcap:/path/demo.pcap` or `dpdk:0`. */
  source: string;
  running: boolean;
  packets: number;
  bytes: number;
  /** NIC + software drops. */
  drops: number;
  num_flows: number;
  num_hosts: number;
  thpt: InterfaceThroughput;
  /** Bytes local -> remote and remote -> local (see {@link InterfaceThroughput}). */
  bytes_upload: number;
  bytes_download: number;
  /** Malformed / ignored packets by cause. */
  decode_errors: Record<string, number>;
  queues: QueueInfo[];
  /** DPDK NIC counters (rte_eth_stats). */
  nic?: { ipackets: number; imissed: number; ierrors: number; rx_nombuf: number };
  /** Last capture error, if any. */
  error?: string;
}

export type InterfaceListResponse = InterfaceInfo[];

// ---------------------------------------------------------------- hosts

/** GET /api/v1/hosts query. `limit` 1..1000 (default 25), `offset` ≥ 0. */
export interface HostListQuery {
  sort?: 'bytes' | 'bytes_sent' | 'bytes_rcvd' | 'packets' | 'flows' | 'first_seen' | 'last_seen' | 'thpt' | 'ip';
  order?: SortOrder;
  limit?: number;
  offset?: number;
  /** Substring of the IP. */
  q?: string;
  /** `true` / `false` as a query string. */
  local?: boolean;
  /** Interface id; default all interfaces. */
  ifid?: number;
}

export interface HostSummary {
  ip: string;
  mac: string;
  vlan: number;
  is_local: boolean;
  bytes: { sent: number; rcvd: number; total: number };
  packets: { sent: number; rcvd: number };
  thpt: Throughput;
  /** Active flows now. */
  num_flows: { as_client: number; as_server: number };
  first_seen: number;
  last_seen: number;
  /** Interface the host was seen on. */
  ifid: number;
}

export type HostListResponse = Page<HostSummary>;

/** GET /api/v1/hosts/:ip (optional `?vlan=`): 404 when unknown. */
export interface HostDetail extends HostSummary {
  /** Flows seen since first_seen. */
  total_flows: { as_client: number; as_server: number };
  /** Bytes per application (nDPI name), largest first; `percent` of the host's total bytes. */
  applications: { name: string; bytes: number; percent: number }[];
}

// ---------------------------------------------------------------- flows

/** GET /api/v1/flows query. `limit` 1..1000 (default 25). */
export interface FlowListQuery {
  /** Client or server IP. */
  host?: string;
  /** `TCP`, `UDP`, `ICMP`, ... */
  l4?: string;
  /** nDPI name or part of it (`TLS`, `TLS.YouTube`, `DNS`). */
  l7?: string;
  /** Client or server port. */
  port?: number;
  sort?: 'bytes' | 'packets' | 'first_seen' | 'last_seen' | 'duration' | 'thpt';
  order?: SortOrder;
  limit?: number;
  offset?: number;
  ifid?: number;
}

export interface FlowSummary {
  /** Stable while the flow lives. */
  key: string;
  vlan: number;
  client: Endpoint;
  server: Endpoint;
  protocol: { l4: string; l7: string };
  cli2srv: DirectionCounters;
  srv2cli: DirectionCounters;
  /** cli2srv.bytes + srv2cli.bytes. */
  bytes: number;
  thpt: Throughput;
  first_seen: number;
  last_seen: number;
  /** Seconds. */
  duration: number;
  /** TLS SNI, HTTP Host or DNS query; '' when none. */
  server_name: string;
  category: string;
  score: number;
  risks: string[];
  ifid: number;
}

export type FlowListResponse = Page<FlowSummary>;

// ---------------------------------------------------------------- timeseries

/**
 * Metrics:
 * - `interface:traffic` — entity = interface id; point fields `bytes`, `packets`, `drops`, `bps`, `pps`, `num_flows`, `num_hosts`;
 * - `host:traffic` — entity = host IP (`ip` or `ip@vlan`); point fields `bytes_sent`, `bytes_rcvd`, `packets_sent`, `packets_rcvd`, `bps`.
 *
 * Counters (`bytes`, `packets`, `drops`, `bytes_*`, `packets_*`) are deltas over the point's
 * interval; `bps`/`pps` are averages over it; `num_*` are the last value seen.
 */
export type TimeseriesMetric = 'interface:traffic' | 'host:traffic';

/** GET /api/v1/timeseries query. `from`/`to` UNIX seconds (default: the last hour). */
export interface TimeseriesQuery {
  metric: TimeseriesMetric;
  entity: string;
  from?: number;
  to?: number;
}

/** One point: `t` is the start of its interval (UNIX seconds). */
export interface TimeseriesPoint {
  t: number;
  [field: string]: number;
}

export interface TimeseriesResponse {
  metric: TimeseriesMetric;
  entity: string;
  from: number;
  to: number;
  /** Seconds between points: 60, 300, 3600 or 86400, chosen from the range and retention. */
  step: number;
  points: TimeseriesPoint[];
}

// ---------------------------------------------------------------- settings & system

/** Retention of timeseries and past alerts, in days. */
export interface RetentionSettings {
  minute_days: number;
  five_minute_days: number;
  hourly_days: number;
  daily_days: number;
  alerts_days: number;
}

/**
 * GET /api/v1/settings (any role) and PUT /api/v1/settings (admin, partial body,
 * answers the full settings). Unknown keys are a 400.
 */
export interface Settings {
  /** CIDRs of local networks; the capture applies them at its next start (restart of the service). */
  local_networks: string[];
  retention: RetentionSettings;
  /** Period of the Redis / WebSocket live publication, 250..10000 ms. */
  live_interval_ms: number;
  /** Per-check settings, owned by the alerts module: `{ "<check>": { enabled, ...thresholds } }`. */
  checks: Record<string, { enabled: boolean; [param: string]: number | boolean | string }>;
}

export type UpdateSettingsRequest = Partial<Settings>;

/** GET /api/v1/system (any role). */
export interface SystemInfo {
  version: string;
  hostname: string;
  /** Process uptime, seconds. */
  uptime: number;
  node: string;
  cpu: { model: string; cores: number; load_avg: [number, number, number] };
  memory: { total: number; free: number; process_rss: number };
  /** The filesystem holding the database. */
  disk: { path: string; total: number; free: number };
  /** Capture sources from the boot config (read-only here). */
  sources: { name: string; kind: 'pcap' | 'dpdk'; description: string }[];
  redis: { connected: boolean; url: string };
}

/** GET /healthz (no auth). 200 for `ok` and `degraded`, 503 for `down`. */
export interface HealthResponse {
  status: 'ok' | 'degraded' | 'down';
  capture: 'running' | 'stopped';
  redis: 'up' | 'down';
  database: 'up' | 'down';
}

// ---------------------------------------------------------------- jobs

/** GET /api/v1/jobs (admin): state of the periodic jobs. */
export interface JobInfo {
  /** `live` is the Redis/WebSocket publication (every `live_interval_ms`). */
  name: 'second' | 'minute' | 'five_minute' | 'hourly' | 'daily' | 'live';
  runs: number;
  /** Runs skipped because the previous one was still running. */
  skipped: number;
  failures: number;
  last_started_at: number | null;
  last_duration_ms: number | null;
  last_error: string | null;
}

// ---------------------------------------------------------------- alerts (shape the live socket carries)

export type AlertSeverity = 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'emergency';

/**
 * An alert as pushed on the live socket and kept in the Redis `alerts:recent` list.
 * The alerts module owns the full alert API; it may add fields here.
 */
export interface AlertEvent {
  id: string;
  check: string;
  severity: AlertSeverity;
  score: number;
  entity: 'flow' | 'host' | 'interface';
  /** Flow key, host IP or interface id. */
  entity_value: string;
  /** UNIX seconds. */
  tstamp: number;
  message: string;
  /** `engaged` while the condition holds, `released` after. */
  state?: 'engaged' | 'released';
}

// ---------------------------------------------------------------- alerts list and SIEM recipients

/**
 * GET /api/v1/alerts (AlertPage of AlertView), /api/v1/recipients (RecipientView,
 * RecipientRequest body). Defined beside the alerts and SIEM code, plain types only.
 */
export type { AlertView, AlertPage } from '../alerts/alert-view';
export type { AlertEventV1, AlertEntityType } from '../siem/formats/alert-event';
export type { RecipientRequest, RecipientStats, RecipientView, SyslogRecipientRequest, WebhookRecipientRequest } from '../siem/recipient.types';

// ---------------------------------------------------------------- live WebSocket /api/v1/live

/** Throughput of one interface at one instant, pushed every live interval. */
export interface LiveInterfaceSample {
  id: number;
  name: string;
  thpt: InterfaceThroughput;
  packets: number;
  bytes: number;
  /** Bytes local -> remote and remote -> local (see {@link InterfaceThroughput}). */
  bytes_upload: number;
  bytes_download: number;
  drops: number;
  num_flows: number;
  num_hosts: number;
}

/** First message after connecting (authenticated by the session cookie or `?token=`). */
export interface LiveHelloMessage {
  type: 'hello';
  user: string;
  interval_ms: number;
}

export interface LiveInterfacesMessage {
  type: 'interfaces';
  /** UNIX seconds (float). */
  ts: number;
  data: LiveInterfaceSample[];
}

export interface LiveAlertMessage {
  type: 'alert';
  data: AlertEvent;
}

/** Everything the server sends on `/api/v1/live`; the client sends nothing. */
export type LiveMessage = LiveHelloMessage | LiveInterfacesMessage | LiveAlertMessage;
