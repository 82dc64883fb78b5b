import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { JobRunner } from './job-runner';
import { PeriodicHooks } from './periodic-hooks';

/**
 * Every second: the dataplane's offline periodic pass (seeds/003 updateStats:
 * throughputs, idle → ready_to_be_purged) and the ended flows to the hooks.
 */
@Injectable()
export class SecondJob {
  constructor(
    private readonly runner: JobRunner,
    private readonly dataplane: DataplaneRepository,
    private readonly hooks: PeriodicHooks,
  ) {}

  @Cron(CronExpression.EVERY_SECOND, { name: 'second' })
  async scheduled(): Promise<void> {
    await this.runner.run('second', async () => {
      await this.updateStats();
    });
  }

  /** Returns the number of flows that ended in this pass. */
  async updateStats(nowS = Date.now() / 1000): Promise<number> {
    const ended = await this.dataplane.updateStats(nowS);
    await this.hooks.runPeriodic('second', nowS);
    if (ended.length > 0) await this.hooks.runEndedFlows(ended, nowS);
    return ended.length;
  }
}
