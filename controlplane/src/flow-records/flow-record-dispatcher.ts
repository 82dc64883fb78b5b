import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { FlowExportRecord } from '@flowprobe/dataplane';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { HostNames } from './host-names';

/** Records a consumer may have waiting before new ones are dropped (and counted), by default. */
export const DEFAULT_MAX_QUEUED_RECORDS = 200_000;
/** Records handed to a consumer per call, by default. */
export const DEFAULT_BATCH_RECORDS = 10_000;

/**
 * Something that takes flow records (docs/flow-records.md): the alert checks,
 * the flow history writer, the IPFIX exporter. `consume` gets one batch at a
 * time, in the order records were produced, and the next batch only once
 * the promise settles. A batch that throws is counted in `failed_batches`
 * and not offered again: a consumer that must not lose records (history to
 * ClickHouse) keeps its own durable buffer behind `consume`.
 */
export interface FlowRecordConsumer {
  name: string;
  consume(batch: FlowExportRecord[]): Promise<void> | void;
  /** Records waiting at most; beyond, new records are dropped and counted. Default {@link DEFAULT_MAX_QUEUED_RECORDS}. */
  maxQueuedRecords?: number;
  /** Records per `consume` call at most. Default {@link DEFAULT_BATCH_RECORDS}. */
  batchRecords?: number;
}

/** Counters of one consumer (GET /api/v1/system/flow-records, Prometheus). */
export interface FlowRecordConsumerStats {
  name: string;
  /** Records waiting for the consumer now. */
  queued: number;
  max_queued: number;
  /** Records handed to `consume` whose call succeeded. */
  delivered: number;
  /** Records dropped because the queue was full (overflow). */
  dropped: number;
  /** Batches whose `consume` threw, and the records in them. */
  failed_batches: number;
  failed_records: number;
  last_error?: string;
}

class ConsumerQueue {
  private chunks: FlowExportRecord[][] = [];
  private head = 0; // index into chunks[0]
  queued = 0;
  delivered = 0;
  dropped = 0;
  failedBatches = 0;
  failedRecords = 0;
  lastError: string | undefined;
  private running: Promise<void> | null = null;

  constructor(
    readonly consumer: FlowRecordConsumer,
    private readonly logger: Logger,
    private readonly onDrop: (name: string, n: number) => void,
  ) {}

  get maxQueued(): number {
    return this.consumer.maxQueuedRecords ?? DEFAULT_MAX_QUEUED_RECORDS;
  }

  offer(records: FlowExportRecord[]): void {
    const room = this.maxQueued - this.queued;
    const taken = room >= records.length ? records : records.slice(0, Math.max(0, room));
    const lost = records.length - taken.length;
    if (taken.length > 0) {
      this.chunks.push(taken);
      this.queued += taken.length;
    }
    if (lost > 0) {
      this.dropped += lost;
      this.onDrop(this.consumer.name, lost);
    }
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  /** Resolves once everything queued so far has been offered to the consumer. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private take(max: number): FlowExportRecord[] {
    const out: FlowExportRecord[] = [];
    while (out.length < max && this.chunks.length > 0) {
      const chunk = this.chunks[0];
      const n = Math.min(max - out.length, chunk.length - this.head);
      for (let i = 0; i < n; i++) out.push(chunk[this.head + i]);
      this.head += n;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.queued -= out.length;
    return out;
  }

  private async drain(): Promise<void> {
    // Let the producer (the second job) finish its turn before the first batch runs.
    await new Promise((resolve) => setImmediate(resolve));
    const batchRecords = this.consumer.batchRecords ?? DEFAULT_BATCH_RECORDS;
    while (this.queued > 0) {
      const batch = this.take(batchRecords);
      try {
        await this.consumer.consume(batch);
        this.delivered += batch.length;
      } catch (err) {
        this.failedBatches++;
        this.failedRecords += batch.length;
        this.lastError = (err as Error).message;
        this.logger.error(`Flow-record consumer ${this.consumer.name} failed on ${batch.length} records: ${this.lastError}`);
      }
    }
  }

  stats(): FlowRecordConsumerStats {
    return {
      name: this.consumer.name,
      queued: this.queued,
      max_queued: this.maxQueued,
      delivered: this.delivered,
      dropped: this.dropped,
      failed_batches: this.failedBatches,
      failed_records: this.failedRecords,
      ...(this.lastError ? { last_error: this.lastError } : {}),
    };
  }
}

/**
 * The one path of flow records in the control plane (DESIGN "Flow records"):
 * the periodic pass hands every batch of records it produced to
 * {@link dispatch}, which fills in the host names known for the two
 * addresses and queues the batch for every registered consumer. Each consumer
 * has its own bounded queue and runs at its own pace, so a slow consumer
 * (a SIEM-bound alert check, ClickHouse away) neither holds the periodic pass
 * nor the other consumers; what a full queue refuses is counted per consumer
 * and reported through {@link onOverflow} listeners (alerts), never dropped
 * silently. Nothing here runs on the packet path.
 *
 * When the application closes, every flow still in the tables is flushed as a
 * 'forced_end' record and the queues are drained (onModuleDestroy); consumers
 * release their stores later, in onApplicationShutdown.
 */
@Injectable()
export class FlowRecordDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger(FlowRecordDispatcher.name);
  private readonly queues: ConsumerQueue[] = [];
  private readonly overflowListeners: ((consumer: string, dropped: number) => void)[] = [];
  /** Names learnt from the records themselves (SNI, HTTP Host), bounded. */
  readonly hostNames = new HostNames();
  private dispatched = 0;

  constructor(private readonly dataplane: DataplaneRepository) {}

  async onModuleDestroy(): Promise<void> {
    try {
      this.dispatch(await this.dataplane.flushFlows('forced_end'));
    } catch (err) {
      this.logger.error(`Flushing the flows at shutdown failed: ${(err as Error).message}`);
    }
    await this.drain();
  }

  /** Adds a consumer; it gets every batch dispatched from now on. */
  register(consumer: FlowRecordConsumer): void {
    if (this.queues.some((q) => q.consumer.name === consumer.name)) throw new Error(`flow-record consumer '${consumer.name}' is already registered`);
    this.queues.push(new ConsumerQueue(consumer, this.logger, (name, n) => this.overflowed(name, n)));
  }

  /** Called with (consumer name, records dropped) each time a consumer's queue refuses records. */
  onOverflow(listener: (consumer: string, dropped: number) => void): void {
    this.overflowListeners.push(listener);
  }

  /** Hands a batch of records (from one periodic pass) to every consumer. Never throws, never waits. */
  dispatch(records: FlowExportRecord[]): void {
    if (records.length === 0) return;
    this.hostNames.fill(records);
    this.dispatched += records.length;
    for (const q of this.queues) q.offer(records);
  }

  /** Resolves once every consumer has been offered everything dispatched so far (shutdown, tests). */
  async drain(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.idle()));
  }

  stats(): { dispatched: number; consumers: FlowRecordConsumerStats[] } {
    return { dispatched: this.dispatched, consumers: this.queues.map((q) => q.stats()) };
  }

  private overflowed(consumer: string, dropped: number): void {
    this.logger.warn(`Flow-record consumer ${consumer}: queue full, ${dropped} records dropped`);
    for (const l of this.overflowListeners) {
      try {
        l(consumer, dropped);
      } catch (err) {
        this.logger.error(`Overflow listener failed: ${(err as Error).message}`);
      }
    }
  }
}
