/** Timeseries (/api/v1/timeseries). */

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
