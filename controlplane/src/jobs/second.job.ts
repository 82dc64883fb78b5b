import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AlertsService } from '../alerts/alerts.service';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { FlowsService } from '../flows/flows.service';
import { JobRunner } from './job-runner';
import { jobStep } from './job-step';

/**
 * Every second: the dataplane's offline periodic pass (seeds/003 updateStats:
 * throughputs, idle → ready_to_be_purged, interim records at the active
 * timeout) and the flow records it produced to the dispatcher; then the
 * alerts' detection pass and the host names of running flows (each every
 * few seconds, counted by its service).
 */
@Injectable()
export class SecondJob {
  private readonly logger = new Logger(SecondJob.name);

  constructor(
    private readonly runner: JobRunner,
    private readonly dataplane: DataplaneRepository,
    private readonly records: FlowRecordDispatcher,
    private readonly alerts: AlertsService,
    private readonly flows: FlowsService,
  ) {}

  @Cron(CronExpression.EVERY_SECOND, { name: 'second' })
  async scheduled(): Promise<void> {
    await this.runner.run('second', async () => {
      await this.updateStats();
    });
  }

  /** Returns the number of flow records this pass produced (handed to the dispatcher). */
  async updateStats(nowS = Date.now() / 1000): Promise<number> {
    const records = await this.dataplane.updateStats(nowS);
    // A capture file read to its end: its remaining flows end with it.
    // (a loop, not push(...): a capture may end with a million flows, beyond the call-argument limit)
    for (const rec of await this.dataplane.flushFinishedCaptures()) records.push(rec);
    this.records.dispatch(records);
    await jobStep(this.logger, 'alerts.runSecondChecks', () => this.alerts.runSecondChecks(nowS));
    await jobStep(this.logger, 'flows.learnHostNames', () => this.flows.learnHostNames());
    return records.length;
  }
}
