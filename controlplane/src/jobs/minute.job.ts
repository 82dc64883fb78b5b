import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AlertsService } from '../alerts/alerts.service';
import { HistoryService } from '../history/history.service';
import { TimeseriesService } from '../timeseries/timeseries.service';
import { JobRunner } from './job-runner';
import { jobStep } from './job-step';

/** Every minute (second 0): interface timeseries point, the alerts' minute checks, the flow history's rollups and retention (when it is on). */
@Injectable()
export class MinuteJob {
  private readonly logger = new Logger(MinuteJob.name);

  constructor(
    private readonly runner: JobRunner,
    private readonly timeseries: TimeseriesService,
    private readonly alerts: AlertsService,
    private readonly history: HistoryService,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'minute' })
  async scheduled(): Promise<void> {
    await this.runner.run('minute', () => this.writeInterfaceTimeseries());
  }

  async writeInterfaceTimeseries(nowS = Date.now() / 1000): Promise<void> {
    await this.timeseries.writeInterfaceMinute(nowS);
    await jobStep(this.logger, 'alerts.runMinuteChecks', () => this.alerts.runMinuteChecks(nowS));
    if (this.history.enabled) await jobStep(this.logger, 'history.runMinuteMaintenance', () => this.history.runMinuteMaintenance());
  }
}
