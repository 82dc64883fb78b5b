import type { HistorySort, SeriesDimension, TopDimension, TopMetric } from '../api';

/** Values the history queries accept (the DTOs validate against them). */
export const HISTORY_SORTS: readonly HistorySort[] = ['last_seen', 'first_seen', 'bytes', 'packets'];
export const TOP_DIMENSIONS: readonly TopDimension[] = ['hosts', 'pairs', 'applications', 'ports', 'server_names'];
export const TOP_METRICS: readonly TopMetric[] = ['bytes', 'packets', 'flows'];
export const SERIES_DIMENSIONS: readonly SeriesDimension[] = ['application', 'host'];
export const SERIES_STEPS_S = [60, 300, 3600] as const;

/** A validated flow search: a record matches when its window [first_seen_ms, last_seen_ms] meets [fromMs, toMs). */
export interface HistoryFlowQuery {
  fromMs: number;
  toMs: number;
  host?: string;
  /** Parsed CIDR: version and the numeric range of its addresses. */
  network?: { version: 4 | 6; lo: bigint; hi: bigint };
  port?: number;
  l4Proto?: number;
  application?: string;
  serverName?: string;
  communityId?: string;
  probe?: string;
  sort: HistorySort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Top-N over records whose last_seen_ms is in [fromMs, toMs). */
export interface HistoryTopQuery {
  fromMs: number;
  toMs: number;
  by: TopDimension;
  metric: TopMetric;
  limit: number;
  probe?: string;
}

/** Bytes per step of [fromMs, toMs) (aligned outward to the step), top `limit` keys plus 'other'. */
export interface HistorySeriesQuery {
  fromMs: number;
  toMs: number;
  by: SeriesDimension;
  stepS: number;
  limit: number;
  probe?: string;
  /** Only the records this host is client or server of (IPv4 or IPv6 text). */
  host?: string;
}

