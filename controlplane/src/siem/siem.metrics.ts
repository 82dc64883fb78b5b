import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { SiemService } from './siem.service';

/**
 * /metrics: per SIEM recipient, the durable queue's depth and the events in
 * flight (gauges), and delivered, failed and dropped events (counters
 * following the queue's totals). A recipient whose counters Redis cannot give
 * (-1) is left out of that scrape.
 */
@Injectable()
export class SiemMetrics {
  constructor(siem: SiemService, metrics: MetricsService) {
    const registers = [metrics.registry];
    // One read of the recipients' counters per scrape (five series read them).
    let cached: { atMs: number; views: ReturnType<SiemService['list']> } | undefined;
    const views = async () => {
      if (!cached || Date.now() - cached.atMs > 1000) cached = { atMs: Date.now(), views: siem.list() };
      return (await cached.views).filter((r) => r.stats && r.stats.queue_depth >= 0);
    };
    const perRecipient = (name: string, help: string, value: (s: NonNullable<Awaited<ReturnType<SiemService['list']>>[number]['stats']>) => number): void => {
      new Gauge({
        name, help, labelNames: ['recipient'], registers,
        async collect() {
          const list = await views();
          this.reset();
          for (const r of list) this.set({ recipient: r.name }, value(r.stats!));
        },
      });
    };
    perRecipient('flowprobe_siem_queue_depth', 'Alert events waiting in the recipient\'s durable queue', (s) => s.queue_depth);
    perRecipient('flowprobe_siem_inflight', 'Alert events sent to the recipient and not yet acknowledged', (s) => s.inflight);
    const perRecipientTotal = (name: string, help: string, value: (s: NonNullable<Awaited<ReturnType<SiemService['list']>>[number]['stats']>) => number): void =>
      metrics.followTotal(name, help, ['recipient'] as const, async () => (await views()).map((r) => [{ recipient: r.name }, value(r.stats!)]));
    perRecipientTotal('flowprobe_siem_delivered_total', 'Alert events delivered to the recipient', (s) => s.delivered);
    perRecipientTotal('flowprobe_siem_failed_total', 'Delivery attempts to the recipient that failed', (s) => s.failed);
    perRecipientTotal('flowprobe_siem_dropped_total', 'Alert events dropped for the recipient (queue bound)', (s) => s.dropped);
  }
}
