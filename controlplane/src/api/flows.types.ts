import type { FlowSortKey } from '@flowprobe/dataplane';
import type { DirectionCounters, Endpoint, Page, SortOrder, Throughput } from './common.types';

/** Active flows (/api/v1/flows). */

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
  /** The dataplane's sort keys (its query vocabulary, `dataplane/src/query-vocabulary.ts`). */
  sort?: FlowSortKey;
  order?: SortOrder;
  limit?: number;
  offset?: number;
  ifid?: number;
  /** Flows with an endpoint in this country (ISO code of the geolocation database). */
  country?: string;
  /** Flows with an endpoint in this autonomous system. */
  asn?: number;
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
  /** Best-known names of the endpoints ('' if none; set by the flow list and details). */
  client_name?: string;
  server_host_name?: string;
  /** Country (ISO code) and autonomous system of each endpoint from the MaxMind DB files ('' / 0 when unknown; set by the flow list and details). */
  client_country?: string;
  client_asn?: number;
  client_as_org?: string;
  server_country?: string;
  server_asn?: number;
  server_as_org?: string;
}

export type FlowListResponse = Page<FlowSummary>;

/** Counters of one flow per direction. */
export interface FlowPair<T> {
  cli2srv: T;
  srv2cli: T;
}

/** GET /api/v1/flows/:key?ifid=N: everything the probe knows about one active flow. */
export interface FlowDetail extends FlowSummary {
  /** Best-known name of each endpoint ('' if none): TLS SNI / HTTP Host of flows to it, DNS answers naming it. */
  client_name: string;
  server_host_name: string;
  /** nDPI breed (Safe, Acceptable, Fun, Unsafe, Dangerous...). */
  breed: string;
  /** Each risk with what it means. */
  risk_details: { name: string; explanation: string }[];
  /** TCP flags seen per direction, as names (SYN, ACK, PSH, FIN, RST...). */
  tcp_flags: FlowPair<string[]>;
  retransmissions: FlowPair<number>;
  out_of_order: FlowPair<number>;
  /** IP-layer bytes (what IPFIX octetDeltaCount counts). */
  ip_bytes: FlowPair<number>;
  /** The capture joined the flow after its first packet (it saw the server's SYN-ACK first). */
  first_from_server: boolean;
  /** Tunnel the flow's first packet was taken out of ('gtp', 'tzsp', 'capwap', 'vxlan', 'gre', 'ip-in-ip'; '' none). */
  tunnel: string;
  /** Packets nDPI looked at before it decided or gave up (0 without DPI). */
  dpi_packets: number;
  /** Community ID v1 (seed 0), to find the flow in Zeek, Suricata or a SIEM. */
  community_id: string;
  /** Extra DPI metadata (URL, user agent, JA3, ALPN, TLS version, DNS answer...). */
  info: Record<string, string | number>;
  /** The `entity_value` of the alerts raised on this flow: GET /api/v1/alerts?entity=flow&entity_value=... lists them. */
  alert_entity_value: string;
}

/** One row of a {@link FlowTrafficSummary} ranking: bytes and flows of the active flows in it. */
export interface FlowRank {
  bytes: number;
  flows: number;
}

/**
 * GET /api/v1/flows/summary: the active flows (the 20 000 largest by bytes) summed by
 * server port, by local↔remote host pair, by nDPI category and by application.
 */
export interface FlowTrafficSummary {
  /** Flows summed. */
  flows: number;
  /** Top 10 server ports (`l4` + port), largest first. */
  ports: (FlowRank & { l4: string; port: number })[];
  /** Top 10 pairs of a local and a remote host (by the local networks), largest first; names as the host list gives them. */
  pairs: (FlowRank & { local: string; remote: string; local_name: string; remote_name: string })[];
  /** Every category (nDPI), largest first. */
  categories: (FlowRank & { category: string })[];
  /** Every application (nDPI name), largest first: the full breakdown behind the dashboard's doughnut. */
  applications: (FlowRank & { application: string })[];
}
