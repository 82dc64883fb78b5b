import type { FlowExportRecord } from '@flowprobe/dataplane';
import type { HistoryFlow, HistoryProbe, HistorySeriesResponse, HistoryTopResponse, HistoryUsage } from '../api';
import type { HistoryFlowQuery, HistorySeriesQuery, HistoryTopQuery } from './history.types';

/**
 * What the history service needs of a store: the embedded DuckDB day files
 * (`DuckDbHistoryRepository`) or ClickHouse (`ClickHouseHistoryRepository`).
 * The API answers the same on both.
 */
export interface HistoryStore {
  open(): Promise<void>;
  close(): Promise<void>;
  /** Stores a batch of records (any days); resolves once they are stored (or, ClickHouse, safely buffered on disk). */
  insert(records: FlowExportRecord[]): Promise<void>;
  queryFlows(q: HistoryFlowQuery): Promise<{ total: number; data: HistoryFlow[] }>;
  exportFlows(q: HistoryFlowQuery, pageRows?: number): AsyncGenerator<HistoryFlow[]>;
  top(q: HistoryTopQuery): Promise<HistoryTopResponse>;
  series(q: HistorySeriesQuery): Promise<HistorySeriesResponse>;
  /** Every probe with records whose last_seen_ms is in [fromMs, toMs) (probes sharing the store), by records. */
  probes(fromMs: number, toMs: number): Promise<HistoryProbe[]>;
  enforceRetention(nowMs?: number): Promise<NonNullable<HistoryUsage['last_retention']>>;
  usage(): HistoryUsage | Promise<HistoryUsage>;
}
