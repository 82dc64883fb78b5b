import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { InterfaceStats } from '@flowprobe/dataplane';
import { PRODUCT_VERSION } from '../config/product-version';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { FlowRecordConsumerStats, FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { JobRunner } from '../jobs/job-runner';
import { RedisService } from '../redis/redis.service';

/**
 * Prometheus metrics: process defaults plus gauges read from the dataplane at
 * scrape time (no per-packet work). Own registry, so several applications in
 * one process (tests) do not collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(
    dataplane: DataplaneRepository,
    redis: RedisService,
    runner: JobRunner,
    records: FlowRecordDispatcher,
    @Inject(CONTROL_PLANE_OPTIONS) options: ControlPlaneOptions,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'flowprobe_process_' });
    const registers = [this.registry];
    const labels = ['interface'] as const;
    const perInterface = (name: string, help: string, value: (i: InterfaceStats) => number): void => {
      new Gauge({
        name, help, labelNames: labels, registers,
        async collect() {
          const interfaces = await dataplane.interfaces();
          this.reset();
          for (const i of interfaces) this.set({ interface: i.name }, value(i));
        },
      });
    };
    // Counters exported as gauges set from the dataplane's totals: prom-client counters only increment.
    perInterface('flowprobe_interface_packets_total', 'Packets captured', (i) => i.packets);
    perInterface('flowprobe_interface_bytes_total', 'Bytes captured', (i) => i.bytes);
    perInterface('flowprobe_interface_drops_total', 'Packets dropped (NIC + software)', (i) => i.drops);
    perInterface('flowprobe_interface_flows', 'Active flows', (i) => i.num_flows);
    perInterface('flowprobe_interface_hosts', 'Active hosts', (i) => i.num_hosts);
    perInterface('flowprobe_interface_throughput_bps', 'Throughput, bits per second', (i) => i.thpt.bps);
    perInterface('flowprobe_interface_throughput_pps', 'Throughput, packets per second', (i) => i.thpt.pps);
    // Flow records: per consumer (alerts, history, ipfix), what waits, what went, what a full queue refused.
    const perConsumer = (name: string, help: string, value: (c: FlowRecordConsumerStats) => number): void => {
      new Gauge({
        name, help, labelNames: ['consumer'], registers,
        collect() {
          this.reset();
          for (const c of records.stats().consumers) this.set({ consumer: c.name }, value(c));
        },
      });
    };
    perConsumer('flowprobe_flow_records_queued', 'Flow records waiting for the consumer', (c) => c.queued);
    perConsumer('flowprobe_flow_records_delivered_total', 'Flow records the consumer took', (c) => c.delivered);
    perConsumer('flowprobe_flow_records_dropped_total', 'Flow records refused by the full queue of the consumer', (c) => c.dropped);
    perConsumer('flowprobe_flow_records_failed_total', 'Flow records in batches the consumer failed on', (c) => c.failed_records);
    new Gauge({
      name: 'flowprobe_redis_up', help: '1 when Redis answers', registers,
      collect() { this.set(redis.up ? 1 : 0); },
    });
    new Gauge({
      name: 'flowprobe_info', help: 'Version', labelNames: ['version'], registers,
      collect() { this.set({ version: PRODUCT_VERSION }, 1); },
    });
    const perJob = (name: string, help: string, value: (info: ReturnType<JobRunner['list']>[number]) => number | null): void => {
      new Gauge({
        name, help, labelNames: ['job'], registers,
        collect() {
          for (const info of runner.list()) {
            const v = value(info);
            if (v !== null) this.set({ job: info.name }, v);
          }
        },
      });
    };
    perJob('flowprobe_job_runs_total', 'Periodic job runs', (info) => info.runs);
    perJob('flowprobe_job_skipped_total', 'Periodic job runs skipped because the previous run overran', (info) => info.skipped);
    perJob('flowprobe_job_failures_total', 'Periodic job runs that failed', (info) => info.failures);
    perJob('flowprobe_job_last_duration_ms', 'Duration of the last run, ms', (info) => info.last_duration_ms);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
