/**
 * Types of the dataplane's public API (`dataplane.ts`): what the control plane
 * and the `flowprobe` command see. Plain data, JSON-ready; field names follow
 * ntopng's REST v2 where practical.
 */
import type { FlowSortKey, HostSortKey, Page, RankedPage, SortOrder } from './query-vocabulary';

/** A capture file replayed or analyzed. */
export interface PcapSourceSpec {
  kind: 'pcap';
  path: string;
  /** Start again at the end (timestamps keep increasing). Default false. */
  loop?: boolean;
  /** 'realtime' paces packets by their timestamps; 'max' reads as fast as possible. Default 'max'. */
  speed?: 'realtime' | 'max';
  /** Shift timestamps so the first packet is "now". Default false. */
  shiftToNow?: boolean;
}

/** A DPDK port polled by one worker per RX queue. */
export interface DpdkSourceSpec {
  kind: 'dpdk';
  /** EAL arguments, e.g. ['--no-huge', '--no-pci', '--no-shconf', '-m', '512', '--vdev', 'net_pcap0,rx_pcap=x.pcap']. */
  eal: string[];
  /** DPDK port id. */
  port: number;
  /** RX queues = worker threads. */
  queues: number;
  /** Bytes of each packet copied out of the mbuf (DPI needs the first ~1.5 KB). Default 65535: the decoder drops IP packets cut by the snap length, as ndpiReader. */
  snaplen?: number;
}

export type SourceSpec = PcapSourceSpec | DpdkSourceSpec;

export interface DataplaneOptions {
  /** Interface name shown in the API (default 'eth0' / the file name). */
  name?: string;
  source: SourceSpec;
  /** Worker threads = shards. For pcap the default is the number of cores; for dpdk it is `queues`. */
  workers?: number;
  /** Flow slots per shard. Default 262144. */
  flowCapacity?: number;
  /** Host slots per shard. Default 65536. */
  hostCapacity?: number;
  /** A flow idle this long (packet time) becomes idle and is purged. 0 = never (file analysis). Default 0 for 'max' pcap, 120 otherwise. */
  idleTimeoutS?: number;
  /** Same for hosts. Default 300 (0 = never). */
  hostIdleTimeoutS?: number;
  /** CIDRs whose hosts are local, e.g. ['192.168.0.0/16', 'fd00::/8']. */
  localNetworks?: string[];
  /** nDPI detection. Default true. */
  dpi?: boolean;
  /** Max packets per flow given to nDPI. Default 32 (as ndpiReader's test config). */
  dpiPacketLimit?: number;
  /** Probe id stamped on every flow record. Default: the host name. */
  probeId?: string;
  /** A flow running longer gets an interim record each this many seconds of packet time (deltas). 0 = never. Default 60. */
  activeTimeoutS?: number;
  /** When a worker thread crashes: restarts with backoff, bounded (docs/reliability.md, *Worker crash*). */
  workerRestarts?: WorkerRestartPolicy;
  /**
   * Tests only: worker `worker` crashes once, `afterMs` after the interface
   * started, by a genuine uncaught exception (a settings message it cannot
   * apply, posted past the main thread's validation). docs/reliability.md.
   */
  testCrashWorker?: { worker: number; afterMs: number };
}

/**
 * A crashed worker is restarted after `backoffMs` × 2^(crashes in the window − 1),
 * at most `backoffMaxMs`; more than `max` crashes of one worker within `windowS`
 * seconds stop the interface (flagged in `error`) instead of restarting it again.
 * Defaults: 5 restarts per 600 s, 250 ms doubling up to 30 s.
 */
export interface WorkerRestartPolicy {
  max?: number;
  windowS?: number;
  backoffMs?: number;
  backoffMaxMs?: number;
}

export interface Endpoint {
  ip: string;
  port: number;
}

export interface DirectionCounters {
  packets: number;
  bytes: number;
}

/** One flow, as printed by `flowprobe analyze --format ndjson` and served by the API. */
export interface FlowRecord {
  /** Stable while the flow lives: `<shard>:<slot>:<generation>`. */
  key: string;
  l4: string;
  vlan: number;
  client: Endpoint;
  server: Endpoint;
  cli2srv: DirectionCounters;
  srv2cli: DirectionCounters;
  first_seen: number;
  last_seen: number;
  duration: number;
  thpt: { bps: number; pps: number };
  /** nDPI name as ndpiReader prints it (`TLS.YouTube`, `DNS`, `Unknown`), '' when DPI is off. */
  l7: string;
  server_name: string;
  category: string;
  breed: string;
  risks: string[];
  score: number;
  tcp_flags: { cli2srv: number; srv2cli: number };
  retransmissions: { cli2srv: number; srv2cli: number };
  out_of_order: { cli2srv: number; srv2cli: number };
  /** The first packet came from the server (capture joined at the SYN-ACK). */
  first_from_server: boolean;
  /** IP-layer bytes per direction (innermost IP header + payload, no link layer): what IPFIX octetDeltaCount counts. */
  ip_bytes: { cli2srv: number; srv2cli: number };
  state: 'active' | 'idle' | 'ready_to_be_purged';
  /** Extra DPI metadata (url, user_agent, status, ja3, alpn, tls_version, dns_answer...). */
  info?: Record<string, string | number>;
  /** Community ID v1 (seed 0): only in the answer to a query by `key` (the flow details). */
  community_id?: string;
  /**
   * Tunnel the flow's first packet came out of ('gtp', 'tzsp', 'capwap', 'vxlan', 'gre', 'ip-in-ip'; '' none).
   * Set for live flows (readers); absent in a flow rebuilt from a flow record.
   */
  tunnel?: FlowTunnel;
  /** Packets nDPI looked at before it decided or gave up (0 without DPI). Set for live flows, as `tunnel`. */
  dpi_packets?: number;
}

/** FlowRecord.tunnel: the decapsulation of the flow's first packet. */
export type FlowTunnel = '' | 'gtp' | 'tzsp' | 'capwap' | 'vxlan' | 'gre' | 'ip-in-ip';

export interface HostRecord {
  ip: string;
  vlan: number;
  mac: string;
  is_local: boolean;
  bytes: { sent: number; rcvd: number; total: number };
  packets: { sent: number; rcvd: number };
  thpt: { bps: number; pps: number };
  num_flows: { as_client: number; as_server: number };
  total_flows: { as_client: number; as_server: number };
  first_seen: number;
  last_seen: number;
  /** Bytes per application protocol (nDPI app name), largest first. */
  applications: { name: string; bytes: number }[];
}

export interface WorkerStats {
  worker: number;
  packets: number;
  bytes: number;
  num_flows: number;
  num_hosts: number;
  flow_table_full: boolean;
  host_table_full: boolean;
  /** Slots of the worker's flow and host tables (num_flows / flow_capacity: how full the table is). */
  flow_capacity: number;
  host_capacity: number;
  unaccounted_packets: number;
  /** Times this worker crashed and was restarted (docs/reliability.md, *Worker crash*). */
  restarts: number;
  /** The worker crashed and is not processing: waiting for its restart, or stopped past the restart bound. */
  down: boolean;
  /** Packets given to this worker that were skipped because it crashed (counted in the interface's drops). */
  lost_packets: number;
}

export interface InterfaceStats {
  id: number;
  name: string;
  source: string;
  packets: number;
  bytes: number;
  /** NIC + software drops. */
  drops: number;
  num_flows: number;
  num_hosts: number;
  /** Throughput; upload = local -> remote, download = remote -> local (by the configured local networks). */
  thpt: { bps: number; pps: number; upload_bps: number; download_bps: number };
  /** Bytes local -> remote and remote -> local. */
  bytes_upload: number;
  bytes_download: number;
  /** Malformed/ignored packets by cause (decode status name -> count). */
  decode_errors: Record<string, number>;
  workers: WorkerStats[];
  /** Present for DPDK sources. */
  nic?: { ipackets: number; imissed: number; ierrors: number; rx_nombuf: number; queues: { ipackets: number; errors: number }[] };
  running: boolean;
  /** Worker crashes followed by a restart, all workers (docs/reliability.md, *Worker crash*). */
  worker_restarts: number;
  /** Workers crashed and not processing now (waiting for their restart, or the interface stopped past the bound). */
  workers_down: number[];
  /** The most recent worker crash: which worker, the exception's message, when (ISO 8601). */
  last_worker_crash?: WorkerCrash;
  /** Last capture error (e.g. corrupt file; a worker crashing past the restart bound), if any. */
  error?: string;
}

export interface WorkerCrash {
  worker: number;
  reason: string;
  at: string;
}

export type { FlowSortKey, HostSortKey, SortOrder };

export interface FlowQuery {
  /** One flow by its key (`FlowRecord.key`); the other filters are ignored. */
  key?: string;
  host?: string;
  l4?: string;
  l7?: string;
  port?: number;
  /** Default DEFAULT_FLOW_SORT ('bytes'). */
  sort?: FlowSortKey;
  order?: SortOrder;
  limit?: number;
  offset?: number;
}

export interface HostQuery {
  /** Default DEFAULT_HOST_SORT ('bytes'). */
  sort?: HostSortKey;
  order?: SortOrder;
  limit?: number;
  offset?: number;
  /** Substring of the IP. */
  q?: string;
  local?: boolean;
}

export type { Page, RankedPage };

/**
 * Why a flow record was produced (IPFIX flowEndReason in brackets):
 * 'idle' — no packet for the idle timeout (1); 'active_timeout' — an interim
 * record of a flow still running (2); 'end_of_flow' — TCP FIN in both
 * directions or RST, then purged (3); 'end_of_capture' — the capture file
 * ended and the remaining flows were flushed (4, forced end); 'forced_end' —
 * the probe stopped or the interface was removed (4).
 */
export type FlowEndReason = 'idle' | 'active_timeout' | 'end_of_flow' | 'end_of_capture' | 'forced_end';

/**
 * One flow record: what the flow history stores and the IPFIX exporter sends
 * (docs/flow-records.md). A flow that lives longer than the active timeout
 * gets interim records ('active_timeout'); every record carries the packets,
 * bytes and retransmissions since the flow's previous record (deltas), so the
 * records of one flow sum to its counters. Times are milliseconds since the
 * epoch (packet time).
 */
export interface FlowExportRecord {
  /** The probe that saw the flow (DataplaneOptions.probeId). */
  probe: string;
  /** Interface (capture source) name. */
  interface: string;
  /** `<shard>:<slot>:<generation>`, as FlowRecord.key: the same for every record of a flow while it lives. */
  key: string;
  /** First packet of the flow. */
  flow_start_ms: number;
  /** Start of what this record counts: flow_start_ms, or the previous record's last_seen_ms. */
  first_seen_ms: number;
  /** Last packet counted by this record. */
  last_seen_ms: number;
  end_reason: FlowEndReason;
  ip_version: 4 | 6;
  vlan: number;
  /** L4 name as FlowRecord.l4 ('TCP', 'UDP', 'ICMP', ... or the number) and its IP protocol number. */
  l4: string;
  l4_proto: number;
  client: Endpoint;
  server: Endpoint;
  /** Deltas since the previous record of the flow (captured bytes incl. link layer, as FlowRecord). */
  cli2srv: DirectionCounters;
  srv2cli: DirectionCounters;
  retransmissions: { cli2srv: number; srv2cli: number };
  /**
   * The flow's counters since it began (not deltas), for consumers that judge
   * the whole flow (the alert checks on ended flows). Never sum these over
   * records: sum cli2srv/srv2cli.
   */
  flow_totals: { cli2srv: DirectionCounters; srv2cli: DirectionCounters };
  /**
   * IP-layer bytes of the flow since it began (innermost IP header + payload;
   * what IPFIX octetDeltaCount counts), per direction. Totals, like
   * flow_totals: the IPFIX exporter turns them into deltas. Always set by the dataplane.
   */
  ip_bytes_total?: { cli2srv: number; srv2cli: number };
  /** TCP flags seen so far in each direction (OR of every packet's flags). */
  tcp_flags: { cli2srv: number; srv2cli: number };
  /** nDPI application as FlowRecord.l7 ('' without DPI), category, breed. */
  l7: string;
  category: string;
  breed: string;
  /** TLS/QUIC SNI, HTTP Host or DNS query ('' if none). */
  server_name: string;
  risks: string[];
  score: number;
  /** Community ID v1, seed 0 (Corelight spec). */
  community_id: string;
  /** Names known for the two addresses (DNS answers, SNI/Host of earlier flows; '' if none): filled by the consumer side (HostNames). */
  client_name: string;
  server_host_name: string;
  /** ICMP/ICMPv6 type and code of the first packet, -1 otherwise. */
  icmp_type: number;
  icmp_code: number;
}

/**
 * Who waits for an answer: 'interactive' (an API request) goes before
 * 'background' (periodic jobs, alert scans, the periodic pass) in each
 * offline reader's queue.
 */
export type ReadPriority = 'interactive' | 'background';

/** A capture error reported by a worker thread; the interface keeps what it counted. */
export interface CaptureErrorEvent {
  worker: number;
  message: string;
  /** Stable cause (a CaptureFileErrorCode, DpdkErrorCode, ... or WORKER_FAILED). */
  code: string;
  /** The worker stopped. */
  fatal: boolean;
}

/**
 * A running capture interface, as every other package sees it: what
 * `startDataplane` returns. Reads and the periodic pass run in offline reader
 * threads over the shards' shared memory, so every answer is a promise and the
 * caller's event loop never waits for a scan. Implemented by OfflineReaders.
 */
export interface InterfaceHandle {
  readonly name: string;
  /** Interface counters (distinct hosts counted by a reader thread). */
  stats(priority?: ReadPriority): Promise<InterfaceStats>;
  /** A page of active flows; rejects with a QueryError (code QUERY_BAD_VALUE) for a bad filter or sort value. */
  queryFlows(q?: FlowQuery, priority?: ReadPriority): Promise<RankedPage<FlowRecord>>;
  /** A page of hosts merged over shards (a host seen by several workers has one record). */
  queryHosts(q?: HostQuery, priority?: ReadPriority): Promise<RankedPage<HostRecord>>;
  getHost(ip: string, vlan?: number, priority?: ReadPriority): Promise<HostRecord | undefined>;
  /**
   * The offline periodic pass (seeds/003 `updateStats`), about every second:
   * throughputs, interim records of flows past the active timeout, and idle
   * entries reported (final records) and marked for purge.
   */
  updateStats(nowS?: number, maxSlotsPerTable?: number): Promise<{ records: FlowExportRecord[] }>;
  /** Every flow not fully reported yet, as final records with `reason` (shutdown: 'forced_end'; end of a file: 'end_of_capture'). */
  flushFlows(reason: FlowEndReason): Promise<FlowExportRecord[]>;
  /** Replaces the local networks the workers classify new hosts and directions by (validated CIDRs). */
  setLocalNetworks(cidrs: readonly string[]): void;
  /** Calls `listener` for each capture error; returns the function that removes it. */
  onCaptureError(listener: (e: CaptureErrorEvent) => void): () => void;
  /** Resolves when every worker has stopped (end of a non-looping capture, or stop()). */
  whenFinished(): Promise<void>;
  /** Stops the workers, then the reader threads. */
  stop(): Promise<void>;
}
