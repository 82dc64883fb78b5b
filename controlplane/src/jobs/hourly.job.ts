import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AuthService } from '../auth/auth.service';
import { SettingsService } from '../settings/settings.service';
import { TimeseriesService } from '../timeseries/timeseries.service';
import { JobRunner } from './job-runner';

/** Every hour: hourly rollups, retention of every timeseries table, expired sessions. */
@Injectable()
export class HourlyJob {
  private readonly logger = new Logger(HourlyJob.name);

  constructor(
    private readonly runner: JobRunner,
    private readonly timeseries: TimeseriesService,
    private readonly settings: SettingsService,
    private readonly auth: AuthService,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'hourly' })
  async scheduled(): Promise<void> {
    await this.runner.run('hourly', () => this.rollupAndRetain());
  }

  async rollupAndRetain(nowS = Date.now() / 1000): Promise<void> {
    await this.timeseries.rollupHour(nowS);
    const deleted = await this.timeseries.applyRetention(this.settings.get().retention, nowS);
    const sessions = await this.auth.purgeExpiredSessions();
    this.logger.log(`Hourly rollup done; retention deleted ${JSON.stringify(deleted)}, ${sessions} expired sessions`);
  }
}
