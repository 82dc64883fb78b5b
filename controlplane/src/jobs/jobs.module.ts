import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { FlowsModule } from '../flows/flows.module';
import { HistoryModule } from '../history/history.module';
import { MetricsModule } from '../metrics/metrics.module';
import { TimeseriesModule } from '../timeseries/timeseries.module';
import { DailyJob } from './daily.job';
import { FiveMinuteJob } from './five-minute.job';
import { HourlyJob } from './hourly.job';
import { JobRunner } from './job-runner';
import { JobsController } from './jobs.controller';
import { JobsMetrics } from './jobs.metrics';
import { LivePublishJob } from './live-publish.job';
import { MinuteJob } from './minute.job';
import { SecondJob } from './second.job';

/**
 * The periodic jobs (second, minute, 5-minute, hourly, daily, live publish).
 * Each job calls the services whose periodic work it runs by name (the
 * alerts' runSecondChecks/runMinuteChecks/applyRetention, the flow history's
 * runMinuteMaintenance, the flows' learnHostNames): jobs imports those modules,
 * they know nothing of the jobs (docs/architecture.md).
 */
@Module({
  imports: [TimeseriesModule, MetricsModule, AlertsModule, HistoryModule, FlowsModule],
  controllers: [JobsController],
  providers: [JobRunner, JobsMetrics, SecondJob, MinuteJob, FiveMinuteJob, HourlyJob, DailyJob, LivePublishJob],
  exports: [JobRunner, SecondJob, MinuteJob, FiveMinuteJob, HourlyJob, DailyJob],
})
export class JobsModule {}
