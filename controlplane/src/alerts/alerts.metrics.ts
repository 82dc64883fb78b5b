import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { SEVERITIES } from './alert-event';
import { AlertsService } from './alerts.service';

/**
 * /metrics: engaged alerts by severity (every severity listed, 0 included), read at scrape time;
 * flow alerts suppressed past the per-minute limit (alert storms), by check.
 */
@Injectable()
export class AlertsMetrics {
  constructor(alerts: AlertsService, metrics: MetricsService) {
    new Gauge({
      name: 'flowprobe_alerts_engaged',
      help: 'Engaged alerts by severity',
      labelNames: ['severity'],
      registers: [metrics.registry],
      collect() {
        const counts = new Map<string, number>(SEVERITIES.map((s) => [s, 0]));
        for (const { event } of alerts.engine?.engagedAlerts() ?? []) counts.set(event.severity, (counts.get(event.severity) ?? 0) + 1);
        for (const [severity, n] of counts) this.set({ severity }, n);
      },
    });
    metrics.followTotal('flowprobe_alerts_suppressed_total', 'Flow alerts counted, not raised, past the per-minute limit of an interface and check (alert storms)', ['check'] as const, () =>
      [...(alerts.engine?.suppressedFlowAlerts() ?? new Map<string, number>())].map(([check, n]) => [{ check }, n]),
    );
  }
}
