import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { TimeseriesService } from '../timeseries/timeseries.service';
import { JobRunner } from './job-runner';

/** Every 5 minutes: host timeseries points. */
@Injectable()
export class FiveMinuteJob {
  constructor(
    private readonly runner: JobRunner,
    private readonly timeseries: TimeseriesService,
  ) {}

  @Cron(CronExpression.EVERY_5_MINUTES, { name: 'five_minute' })
  async scheduled(): Promise<void> {
    await this.runner.run('five_minute', () => this.writeHostTimeseries());
  }

  async writeHostTimeseries(nowS = Date.now() / 1000): Promise<void> {
    await this.timeseries.writeHostFiveMinute(nowS);
  }
}
