import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { InterfaceStats } from '@flowprobe/dataplane';
import { PRODUCT_VERSION } from '../config/product-version';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { FlowRecordConsumerStats, FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { RedisService } from '../redis/redis.service';

/**
 * Prometheus metrics: process defaults plus gauges read from the dataplane at
 * scrape time (no per-packet work). Modules add their own to {@link registry}
 * (alerts.metrics.ts, jobs.metrics.ts, SIEM, IPFIX, history): metrics depends
 * on none of them. Own registry, so several applications in
 * one process (tests) do not collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(
    dataplane: DataplaneRepository,
    redis: RedisService,
    records: FlowRecordDispatcher,
    @Inject(CONTROL_PLANE_OPTIONS) options: ControlPlaneOptions,
  ) {
    // Node.js process metrics as flowprobe_process_* / flowprobe_nodejs_* (one prefix, not doubled).
    collectDefaultMetrics({ register: this.registry, prefix: 'flowprobe_' });
    // prom-client names these gauges *_total, which Prometheus reserves for counters.
    for (const name of ['flowprobe_nodejs_active_handles_total', 'flowprobe_nodejs_active_requests_total', 'flowprobe_nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
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
    const followTotal = this.followTotal.bind(this);
    const perInterfaceTotal = (name: string, help: string, value: (i: InterfaceStats) => number): void =>
      followTotal(name, help, labels, async () => (await dataplane.interfaces()).map((i) => [{ interface: i.name }, value(i)]));
    perInterfaceTotal('flowprobe_interface_packets_total', 'Packets captured', (i) => i.packets);
    perInterfaceTotal('flowprobe_interface_bytes_total', 'Bytes captured', (i) => i.bytes);
    perInterfaceTotal('flowprobe_interface_drops_total', 'Packets dropped (NIC + software)', (i) => i.drops);
    // Worker crashes followed by a restart (docs/reliability.md, *Worker crash*), per worker; workers down now.
    followTotal('flowprobe_worker_restarts_total', 'Capture worker crashes followed by a restart', ['interface', 'worker'] as const, async () =>
      (await dataplane.interfaces()).flatMap((i) => (i.workers ?? []).map((w) => [{ interface: i.name, worker: String(w.worker) }, w.restarts ?? 0] as [Record<'interface' | 'worker', string>, number])),
    );
    perInterface('flowprobe_interface_workers_down', 'Capture workers crashed and not processing (restarting, or stopped past the restart bound)', (i) => i.workers_down?.length ?? 0);
    perInterface('flowprobe_interface_flows', 'Active flows', (i) => i.num_flows);
    perInterface('flowprobe_interface_hosts', 'Active hosts', (i) => i.num_hosts);
    perInterface('flowprobe_interface_throughput_bps', 'Throughput, bits per second', (i) => i.thpt.bps);
    perInterface('flowprobe_interface_throughput_pps', 'Throughput, packets per second', (i) => i.thpt.pps);
    const fill = (used: (w: InterfaceStats['workers'][number]) => number, capacity: (w: InterfaceStats['workers'][number]) => number) => (i: InterfaceStats) => {
      const cap = i.workers.reduce((n, w) => n + capacity(w), 0);
      return cap > 0 ? i.workers.reduce((n, w) => n + used(w), 0) / cap : 0;
    };
    perInterface('flowprobe_interface_flow_table_fill_ratio', 'Active flows over flow-table slots (all workers)', fill((w) => w.num_flows, (w) => w.flow_capacity));
    perInterface('flowprobe_interface_host_table_fill_ratio', 'Active hosts over host-table slots (all workers)', fill((w) => w.num_hosts, (w) => w.host_capacity));
    // Bytes per application, from the flow records (a flow counts when it ends or reaches the active timeout).
    const appBytes = new Counter({ name: 'flowprobe_application_bytes_total', help: 'Bytes of flow records by nDPI application (counted at each record: flow end or active timeout)', labelNames: ['application'], registers });
    records.register({
      name: 'metrics',
      consume: (batch) => {
        const sums = new Map<string, number>();
        for (const r of batch) {
          const app = r.l7 === '' ? 'Unknown' : r.l7.slice(r.l7.lastIndexOf('.') + 1);
          sums.set(app, (sums.get(app) ?? 0) + r.cli2srv.bytes + r.srv2cli.bytes);
        }
        for (const [application, bytes] of sums) appBytes.inc({ application }, bytes);
      },
    });
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
    const perConsumerTotal = (name: string, help: string, value: (c: FlowRecordConsumerStats) => number): void =>
      followTotal(name, help, ['consumer'] as const, () => records.stats().consumers.map((c) => [{ consumer: c.name }, value(c)]));
    perConsumerTotal('flowprobe_flow_records_delivered_total', 'Flow records the consumer took', (c) => c.delivered);
    perConsumerTotal('flowprobe_flow_records_dropped_total', 'Flow records refused by the full queue of the consumer', (c) => c.dropped);
    perConsumerTotal('flowprobe_flow_records_failed_total', 'Flow records in batches the consumer failed on', (c) => c.failed_records);
    new Gauge({
      name: 'flowprobe_redis_up', help: '1 when Redis answers', registers,
      collect() { this.set(redis.up ? 1 : 0); },
    });
    new Gauge({
      name: 'flowprobe_info', help: 'Version', labelNames: ['version'], registers,
      collect() { this.set({ version: PRODUCT_VERSION }, 1); },
    });
  }

  /**
   * A counter that follows a total kept elsewhere (the dataplane's, the job
   * runner's, an exporter's): each scrape adds what the total grew by since
   * the last one; a total that went down (a restarted capture or exporter)
   * starts its series again. Feature modules add theirs to {@link registry}.
   */
  followTotal<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<[Record<L, string>, number][]> | [Record<L, string>, number][],
  ): void {
    const last = new Map<string, number>();
    new Counter({
      name, help, labelNames, registers: [this.registry],
      async collect() {
        for (const [l, v] of await read()) {
          const key = JSON.stringify(l);
          const prev = last.get(key) ?? 0;
          if (v < prev) this.remove(l);
          const base = v < prev ? 0 : prev;
          this.inc(l, Math.max(0, v - base)); // a total of 0 is a series too
          last.set(key, v);
        }
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
