import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { JobInfo } from '../api';
import { MetricsService } from '../metrics/metrics.service';
import { JobRunner } from './job-runner';

/** /metrics: runs, skips, failures and the last duration of each periodic job, read from the runner at scrape time. */
@Injectable()
export class JobsMetrics {
  constructor(runner: JobRunner, metrics: MetricsService) {
    const registers = [metrics.registry];
    const perJob = (name: string, help: string, value: (info: JobInfo) => number | null): void => {
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
    const perJobTotal = (name: string, help: string, value: (info: JobInfo) => number): void =>
      metrics.followTotal(name, help, ['job'] as const, () => runner.list().map((info) => [{ job: info.name }, value(info)]));
    perJobTotal('flowprobe_job_runs_total', 'Periodic job runs', (info) => info.runs);
    perJobTotal('flowprobe_job_skipped_total', 'Periodic job runs skipped because the previous run overran', (info) => info.skipped);
    perJobTotal('flowprobe_job_failures_total', 'Periodic job runs that failed', (info) => info.failures);
    perJob('flowprobe_job_last_duration_seconds', 'Duration of the last run, seconds', (info) => (info.last_duration_ms === null ? null : info.last_duration_ms / 1000));
  }
}
