import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { SEVERITIES } from './alert-event';
import { AlertsService } from './alerts.service';

/** /metrics: engaged alerts by severity (every severity listed, 0 included), read at scrape time. */
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
  }
}
