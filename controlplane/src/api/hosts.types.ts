import type { HostSortKey } from '@flowprobe/dataplane';
import type { Page, SortOrder, Throughput } from './common.types';

/** Hosts (/api/v1/hosts). */

/** GET /api/v1/hosts query. `limit` 1..1000 (default 25), `offset` ≥ 0. */
export interface HostListQuery {
  /** The dataplane's sort keys (its query vocabulary, `dataplane/src/query-vocabulary.ts`). */
  sort?: HostSortKey;
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
  /** Best-known name ('' if none): DNS answers seen on the wire, TLS/QUIC SNI and HTTP Host of flows to it. */
  name: string;
}

export type HostListResponse = Page<HostSummary>;

/** GET /api/v1/hosts/:ip (optional `?vlan=`): 404 when unknown. */
export interface HostDetail extends HostSummary {
  /** Flows seen since first_seen. */
  total_flows: { as_client: number; as_server: number };
  /** Bytes per application (nDPI name), largest first; `percent` of the host's total bytes. */
  applications: { name: string; bytes: number; percent: number }[];
}
