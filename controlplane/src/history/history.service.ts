import { BadRequestException, Inject, Injectable, Logger, NotFoundException, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { l4Number } from '@flowprobe/dataplane';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import * as path from 'node:path';
import { Gauge } from 'prom-client';
import { DuckDbHistoryRepository } from './duckdb-history.repository';
import { ClickHouseHistoryRepository } from './clickhouse-history.repository';
import type { HistoryStore } from './history-store';
import { HealthIssues } from '../health/health-issues';
import { MetricsService } from '../metrics/metrics.service';
import type { HistoryFlowQueryDto, HistoryRangeDto, HistorySeriesQueryDto, HistoryTopQueryDto } from './dto/history-query.dto';
import type { HistoryFlow, HistoryProbesResponse, HistorySeriesResponse, HistoryTopResponse, HistoryUsage } from '../api';
import type { HistoryFlowQuery } from './history.types';
import { cidrRange } from './ip-range';

/**
 * Records per store write: two DuckDB row groups (122 880 rows each), so a
 * full batch is written straight to the day file as whole row groups
 * (DuckDbHistoryRepository.append); ClickHouse: one JSONEachRow insert (and
 * buffer file) of at most 131 072 records (~80 MB). Records waiting at most
 * (beyond, the dispatcher counts them dropped).
 */
export const HISTORY_BATCH_RECORDS = 245_760;
export const HISTORY_BATCH_RECORDS_CLICKHOUSE = 131_072;
export const HISTORY_MAX_QUEUED_RECORDS = 1_000_000;

/** Longest range one request may span, days (a fleet's day is already hundreds of millions of records). */
export const MAX_RANGE_DAYS = 31;
/** Rows of a JSON page at most (exports go up to the DTO's 1 000 000). */
export const MAX_JSON_PAGE = 1000;

/**
 * The flow history (docs/history.md): a consumer of the flow records that
 * writes every batch into the store, the rollups and retention (runMinuteMaintenance,
 * called by the minute job), and
 * the queries behind /api/v1/history.
 */
@Injectable()
export class HistoryService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(HistoryService.name);
  private store: HistoryStore | null = null;
  /** The running day close (DuckDbHistoryRepository.closeDays), if any. */
  private closing: Promise<void> | null = null;

  constructor(
    private readonly records: FlowRecordDispatcher,
    private readonly health: HealthIssues,
    private readonly metrics: MetricsService,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const h = this.options.history;
    if (!h || h.backend === 'none') return;
    const store: HistoryStore = h.backend === 'clickhouse' ? this.clickHouse() : new DuckDbHistoryRepository({ dir: h.path, maxAgeDays: h.maxAgeDays, diskBudgetBytes: h.diskBudgetBytes, memoryBytes: h.memoryBytes });
    await store.open();
    this.store = store;
    // Large batches: each is one transaction per day file (one WAL sync), and its rollup rows
    // are summed over the whole batch.
    this.records.register({ name: 'history', batchRecords: h.backend === 'clickhouse' ? HISTORY_BATCH_RECORDS_CLICKHOUSE : HISTORY_BATCH_RECORDS, maxQueuedRecords: HISTORY_MAX_QUEUED_RECORDS, consume: (batch) => store.insert(batch) });
  }

  /** The ClickHouse store; its buffer problems go to the log, /healthz (degraded) and /metrics. */
  private clickHouse(): ClickHouseHistoryRepository {
    const h = this.options.history!;
    const c = h.clickhouse;
    if (!c) throw new Error('history.backend clickhouse needs history.clickhouse.urls');
    const component = 'history clickhouse';
    const store = new ClickHouseHistoryRepository({
      urls: c.urls,
      database: c.database,
      username: c.username,
      password: c.password,
      cluster: c.cluster,
      bufferDir: c.bufferPath ?? path.join(h.path, 'clickhouse-buffer'),
      bufferMaxBytes: c.bufferMaxBytes,
      maxAgeDays: h.maxAgeDays,
      diskBudgetBytes: h.diskBudgetBytes,
      onProblem: (p) => {
        if (p.kind === 'overflow') {
          this.logger.error(`History: ClickHouse buffer full, ${p.dropped} flow records dropped (${p.total} since start)`);
          // (a constant reason: HealthIssues logs each change, the counts are in /history/usage and /metrics)
          this.health.set(`${component} buffer`, 'buffer full: flow records were dropped (overflow_records in /api/v1/history/usage)');
        } else if (p.kind === 'rejected') {
          this.logger.error(`History: ClickHouse refused ${p.dropped} buffered flow records (${p.total} since start): ${p.error}`);
          this.health.set(`${component} rejected`, 'buffered flow records were refused by the server (rejected_records in /api/v1/history/usage)');
        } else if (p.kind === 'unreachable') {
          if (!this.health.list().some((i) => i.component === component)) this.logger.warn(`History: ClickHouse unreachable (${p.error.slice(0, 200)}), records go to the on-disk buffer`);
          this.health.set(component, 'unreachable: flow records are buffered on disk (buffered_records in /api/v1/history/usage)');
        } else {
          this.logger.log('History: ClickHouse reachable again, buffered records delivered');
          this.health.clear(component);
        }
      },
    });
    const registers = [this.metrics.registry];
    const gauge = (name: string, help: string, value: (s: ReturnType<ClickHouseHistoryRepository['stats']>) => number) =>
      new Gauge({ name, help, registers, collect() { this.set(value(store.stats())); } });
    gauge('flowprobe_history_buffered_records', 'Flow records in the on-disk buffer while ClickHouse is unreachable', (s) => s.buffered_records);
    gauge('flowprobe_history_buffered_bytes', 'Bytes of the on-disk ClickHouse buffer', (s) => s.buffered_bytes);
    const total = (name: string, help: string, value: (s: ReturnType<ClickHouseHistoryRepository['stats']>) => number) =>
      this.metrics.followTotal(name, help, [], () => [[{}, value(store.stats())]]);
    total('flowprobe_history_overflow_records_total', 'Flow records dropped because the ClickHouse buffer was full', (s) => s.overflow_records);
    total('flowprobe_history_rejected_records_total', 'Buffered flow records ClickHouse refused as data (counted, skipped)', (s) => s.rejected_records);
    total('flowprobe_history_delivered_records_total', 'Flow records delivered to ClickHouse', (s) => s.delivered);
    return store;
  }

  /** The store (tests wait on the ClickHouse buffer through it). */
  get backend(): HistoryStore | null {
    return this.store;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store?.close();
    this.store = null;
  }

  get enabled(): boolean {
    return this.store !== null;
  }

  /**
   * Called by the minute job (jobs/minute.job.ts) while the history is on: the
   * embedded store sums the minute's records into its rollups once (not per
   * batch), then old and over-budget days are dropped.
   */
  async runMinuteMaintenance(nowMs = Date.now()): Promise<void> {
    const store = this.storeOrFail();
    if (store instanceof DuckDbHistoryRepository) await store.rollUp();
    await this.enforceRetention(nowMs);
    // Days that ended (an hour ago) are closed in the background: rewritten in host order, a step at a time
    // between the writes and queries (minutes for a large day); one close at a time.
    if (store instanceof DuckDbHistoryRepository && !this.closing) {
      this.closing = store
        .closeDays(nowMs)
        .then((done) => {
          for (const d of done) this.logger.log(`History: day ${d.day} closed (${d.rows} records in host order, ${d.ms} ms; ${d.bytes_before} → ${d.bytes_after} bytes)`);
        })
        .catch((err: unknown) => this.logger.error(`History: closing a day failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => (this.closing = null));
    }
  }

  /** Drops old and over-budget days; logs what went (the usage endpoint shows it too). */
  async enforceRetention(nowMs = Date.now()): Promise<NonNullable<HistoryUsage['last_retention']>> {
    const report = await this.storeOrFail().enforceRetention(nowMs);
    for (const d of report.dropped) {
      this.logger.warn(`History retention: day ${d.day} dropped (${d.reason === 'max_age' ? 'older than the maximum age' : 'disk budget full, oldest day first'}, ${d.bytes} bytes)`);
    }
    return report;
  }

  async usage(): Promise<HistoryUsage> {
    return this.storeOrFail().usage();
  }

  flows(dto: HistoryFlowQueryDto, exporting: boolean): Promise<{ total: number; data: HistoryFlow[] }> {
    const q = this.flowQuery(dto, exporting);
    return this.storeOrFail().queryFlows(q);
  }

  exportFlows(dto: HistoryFlowQueryDto): AsyncGenerator<HistoryFlow[]> {
    return this.storeOrFail().exportFlows(this.flowQuery(dto, true));
  }

  top(dto: HistoryTopQueryDto): Promise<HistoryTopResponse> {
    const { fromMs, toMs } = range(dto);
    return this.storeOrFail().top({ fromMs, toMs, by: dto.by ?? 'hosts', metric: dto.metric ?? 'bytes', limit: dto.limit ?? 10, probe: dto.probe });
  }

  async probes(dto: HistoryRangeDto): Promise<HistoryProbesResponse> {
    const { fromMs, toMs } = range(dto);
    return { from_ms: fromMs, to_ms: toMs, data: await this.storeOrFail().probes(fromMs, toMs) };
  }

  series(dto: HistorySeriesQueryDto): Promise<HistorySeriesResponse> {
    const { fromMs, toMs } = range(dto);
    const span = toMs - fromMs;
    const stepS = dto.step ?? (span <= 6 * 3_600_000 ? 60 : span <= 3 * 86_400_000 ? 300 : 3600);
    if (span / (stepS * 1000) > 10_000) throw new BadRequestException(`step ${stepS} s gives more than 10 000 points over this range: choose a larger step`);
    return this.storeOrFail().series({ fromMs, toMs, by: dto.by ?? 'application', stepS, limit: dto.limit ?? 8, probe: dto.probe, host: dto.host });
  }

  private flowQuery(dto: HistoryFlowQueryDto, exporting: boolean): HistoryFlowQuery {
    const { fromMs, toMs } = range(dto);
    let network: HistoryFlowQuery['network'];
    if (dto.network !== undefined) {
      try {
        network = cidrRange(dto.network);
      } catch (err) {
        throw new BadRequestException((err as Error).message);
      }
    }
    let l4Proto: number | undefined;
    if (dto.l4 !== undefined) {
      l4Proto = l4Number(dto.l4);
      if (l4Proto === undefined) throw new BadRequestException(`unknown l4 protocol '${dto.l4}'`);
    }
    const limit = dto.limit ?? 50;
    if (!exporting && limit > MAX_JSON_PAGE) throw new BadRequestException(`limit above ${MAX_JSON_PAGE} needs format=csv or format=ndjson`);
    return {
      fromMs,
      toMs,
      host: dto.host,
      network,
      port: dto.port,
      l4Proto,
      application: dto.application,
      serverName: dto.server_name,
      communityId: dto.community_id,
      probe: dto.probe,
      sort: dto.sort ?? 'last_seen',
      order: dto.order ?? 'desc',
      limit,
      offset: dto.offset ?? 0,
    };
  }

  private storeOrFail(): HistoryStore {
    if (!this.store) throw new NotFoundException('flow history is off (history.backend: none)');
    return this.store;
  }
}

function parseTime(text: string, name: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new BadRequestException(`${name} is not a valid time: '${text}'`);
  return ms;
}

/** The validated range of a request: from < to, at most MAX_RANGE_DAYS. */
export function range(dto: HistoryRangeDto): { fromMs: number; toMs: number } {
  const fromMs = parseTime(dto.from, 'from');
  const toMs = parseTime(dto.to, 'to');
  if (toMs <= fromMs) throw new BadRequestException('to must be after from');
  if (toMs - fromMs > MAX_RANGE_DAYS * 86_400_000) throw new BadRequestException(`the range may span at most ${MAX_RANGE_DAYS} days`);
  return { fromMs, toMs };
}
