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
  /** ISO 3166-1 alpha-2 country code (`US`) of the geolocation database; `--` = hosts it places nowhere. */
  country?: string;
  /** Autonomous system number of the ASN database (0 = hosts it knows no AS for). */
  asn?: number;
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
  /** Country (ISO code, English name) and autonomous system from the configured MaxMind DB files ('' / 0 when unknown or none is configured). */
  country: string;
  country_name: string;
  asn: number;
  as_org: string;
}

export type HostListResponse = Page<HostSummary>;

/** GET /api/v1/hosts/:ip (optional `?vlan=`): 404 when unknown. */
export interface HostDetail extends HostSummary {
  /** Flows seen since first_seen. */
  total_flows: { as_client: number; as_server: number };
  /** Bytes per application (nDPI name), largest first; `percent` of the host's total bytes. */
  applications: { name: string; bytes: number; percent: number }[];
}

/** GET /api/v1/hosts/places: active remote hosts grouped by country and by autonomous system, by bytes. */
export interface HostPlaces {
  /** True when a country or ASN database is configured (`names.geoip` in the boot config). */
  enabled: boolean;
  /** Remote hosts looked at (the largest by bytes, at most 20 000). */
  hosts: number;
  countries: { country: string; country_name: string; hosts: number; bytes: number }[];
  asns: { asn: number; as_org: string; hosts: number; bytes: number }[];
}
