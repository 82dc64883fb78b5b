import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { TimeseriesService } from '../timeseries/timeseries.service';
import { JobRunner } from './job-runner';
import { PeriodicHooks } from './periodic-hooks';

/** Every minute (second 0): interface timeseries point, then the minute hooks (periodic checks). */
@Injectable()
export class MinuteJob {
  constructor(
    private readonly runner: JobRunner,
    private readonly timeseries: TimeseriesService,
    private readonly hooks: PeriodicHooks,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'minute' })
  async scheduled(): Promise<void> {
    await this.runner.run('minute', () => this.writeInterfaceTimeseries());
  }

  async writeInterfaceTimeseries(nowS = Date.now() / 1000): Promise<void> {
    await this.timeseries.writeInterfaceMinute(nowS);
    await this.hooks.runPeriodic('minute', nowS);
  }
}
