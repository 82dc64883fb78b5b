import { Injectable, Logger } from '@nestjs/common';
import type { FlowRecord } from '@flowprobe/dataplane';
import type { OnInterface } from '../dataplane/dataplane.repository';
import type { JobName } from './job-runner';

type PeriodicHook = (nowS: number) => Promise<void> | void;
type EndedFlowsHook = (flows: OnInterface<FlowRecord>[], nowS: number) => Promise<void> | void;

/**
 * Where other modules plug into the periodic jobs (ntopng's periodic scripts):
 * `on('minute', fn)` runs `fn` inside the minute job after the core work;
 * `onEndedFlows(fn)` gets the flows the second job's updateStats pass ended.
 * A failing hook is logged and does not stop the others.
 */
@Injectable()
export class PeriodicHooks {
  private readonly logger = new Logger(PeriodicHooks.name);
  private readonly hooks = new Map<JobName, { name: string; fn: PeriodicHook }[]>();
  private readonly endedFlowsHooks: { name: string; fn: EndedFlowsHook }[] = [];

  on(job: JobName, name: string, fn: PeriodicHook): void {
    const list = this.hooks.get(job) ?? [];
    list.push({ name, fn });
    this.hooks.set(job, list);
  }

  onEndedFlows(name: string, fn: EndedFlowsHook): void {
    this.endedFlowsHooks.push({ name, fn });
  }

  async runPeriodic(job: JobName, nowS: number): Promise<void> {
    for (const hook of this.hooks.get(job) ?? []) {
      try {
        await hook.fn(nowS);
      } catch (err) {
        this.logger.error(`Hook ${hook.name} of job ${job} failed: ${(err as Error).message}`);
      }
    }
  }

  async runEndedFlows(flows: OnInterface<FlowRecord>[], nowS: number): Promise<void> {
    for (const hook of this.endedFlowsHooks) {
      try {
        await hook.fn(flows, nowS);
      } catch (err) {
        this.logger.error(`Ended-flows hook ${hook.name} failed: ${(err as Error).message}`);
      }
    }
  }
}
