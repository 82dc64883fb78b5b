import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AlertsService } from '../alerts/alerts.service';
import { TimeseriesService } from '../timeseries/timeseries.service';
import { JobRunner } from './job-runner';
import { jobStep } from './job-step';

/** Every day at 00:00 UTC: daily rollups, then the past alerts' retention. */
@Injectable()
export class DailyJob {
  private readonly logger = new Logger(DailyJob.name);

  constructor(
    private readonly runner: JobRunner,
    private readonly timeseries: TimeseriesService,
    private readonly alerts: AlertsService,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_MIDNIGHT, { name: 'daily', timeZone: 'UTC' })
  async scheduled(): Promise<void> {
    await this.runner.run('daily', () => this.rollupDay());
  }

  async rollupDay(nowS = Date.now() / 1000): Promise<void> {
    await this.timeseries.rollupDay(nowS);
    await jobStep(this.logger, 'alerts.applyRetention', () => this.alerts.applyRetention(nowS));
  }
}
