import { Global, Module } from '@nestjs/common';
import { TimeseriesModule } from '../timeseries/timeseries.module';
import { DailyJob } from './daily.job';
import { FiveMinuteJob } from './five-minute.job';
import { HourlyJob } from './hourly.job';
import { JobRunner } from './job-runner';
import { JobsController } from './jobs.controller';
import { LivePublishJob } from './live-publish.job';
import { MinuteJob } from './minute.job';
import { PeriodicHooks } from './periodic-hooks';
import { SecondJob } from './second.job';

/**
 * The periodic jobs (second, minute, 5-minute, hourly, daily, live publish).
 * Global: feature modules register work with {@link PeriodicHooks}.
 */
@Global()
@Module({
  imports: [TimeseriesModule],
  controllers: [JobsController],
  providers: [JobRunner, PeriodicHooks, SecondJob, MinuteJob, FiveMinuteJob, HourlyJob, DailyJob, LivePublishJob],
  exports: [JobRunner, PeriodicHooks, SecondJob, MinuteJob, FiveMinuteJob, HourlyJob, DailyJob],
})
export class JobsModule {}
