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
