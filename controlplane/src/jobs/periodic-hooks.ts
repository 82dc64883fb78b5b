import { Injectable, Logger } from '@nestjs/common';
import type { JobName } from './job-runner';

type PeriodicHook = (nowS: number) => Promise<void> | void;

/**
 * Where other modules plug into the periodic jobs (ntopng's periodic scripts):
 * `on('minute', fn)` runs `fn` inside the minute job after the core work.
 * Flow records (ended flows, interim records) go through FlowRecordDispatcher.
 * A failing hook is logged and does not stop the others.
 */
@Injectable()
export class PeriodicHooks {
  private readonly logger = new Logger(PeriodicHooks.name);
  private readonly hooks = new Map<JobName, { name: string; fn: PeriodicHook }[]>();

  on(job: JobName, name: string, fn: PeriodicHook): void {
    const list = this.hooks.get(job) ?? [];
    list.push({ name, fn });
    this.hooks.set(job, list);
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
}
