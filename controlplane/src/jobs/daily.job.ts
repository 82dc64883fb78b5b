import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { TimeseriesService } from '../timeseries/timeseries.service';
import { JobRunner } from './job-runner';
import { PeriodicHooks } from './periodic-hooks';

/** Every day at 00:00 UTC: daily rollups, then the daily hooks (e.g. past-alert retention). */
@Injectable()
export class DailyJob {
  constructor(
    private readonly runner: JobRunner,
    private readonly timeseries: TimeseriesService,
    private readonly hooks: PeriodicHooks,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_MIDNIGHT, { name: 'daily', timeZone: 'UTC' })
  async scheduled(): Promise<void> {
    await this.runner.run('daily', () => this.rollupDay());
  }

  async rollupDay(nowS = Date.now() / 1000): Promise<void> {
    await this.timeseries.rollupDay(nowS);
    await this.hooks.runPeriodic('daily', nowS);
  }
}
